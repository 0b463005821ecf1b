"""Compute forms, one module per resource; pages and the API share them."""
