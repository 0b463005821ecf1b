"""The routers table."""
