"""Networking pages, one module per resource: lists and details from the mirror, changes
through operations (`dashboard.web.generic`)."""
