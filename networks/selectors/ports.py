"""Reads of the ports mirror, scoped to a project."""
