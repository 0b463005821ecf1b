"""List tables, one module per resource."""
