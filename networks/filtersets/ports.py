"""Ports filters."""
