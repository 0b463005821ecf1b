"""The compute API, one module per resource."""
