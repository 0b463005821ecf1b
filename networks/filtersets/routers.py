"""Routers filters."""
