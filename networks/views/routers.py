"""Routers pages."""
