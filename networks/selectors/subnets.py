"""Reads of the subnets mirror, scoped to a project."""
