"""Reads of the routers mirror, scoped to a project."""
