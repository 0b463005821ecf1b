"""Writes to Neutron, one module per resource; each runs inside an Operation."""
