"""Subnets forms."""
