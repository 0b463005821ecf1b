"""Subnets changes."""
