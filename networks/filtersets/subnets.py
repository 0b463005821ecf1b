"""Subnets filters."""
