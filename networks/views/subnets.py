"""Subnets pages."""
