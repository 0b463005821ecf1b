"""Tables of the tenants pages, one module per area."""
