"""Routers forms."""
