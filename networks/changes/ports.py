"""Ports changes."""
