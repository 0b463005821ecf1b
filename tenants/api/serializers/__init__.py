"""Serializers of the tenants API, one module per area."""
