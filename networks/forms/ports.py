"""Ports forms."""
