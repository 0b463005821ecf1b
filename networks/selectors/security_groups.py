"""Reads of the security groups mirror, scoped to a project."""
