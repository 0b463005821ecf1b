"""Writes to Nova, one module per resource; each runs inside an Operation."""
