"""Routers changes."""
