"""Serializers render the mirror, one module per resource; writes are validated by the forms."""
