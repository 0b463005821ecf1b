"""The routers API."""
