"""Ports pages."""
