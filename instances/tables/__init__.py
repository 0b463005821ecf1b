"""Compute list tables, one module per resource."""
