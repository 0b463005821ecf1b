"""The subnets table."""
