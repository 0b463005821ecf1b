"""Compute pages, one module per resource."""
