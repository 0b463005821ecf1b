"""The subnets API."""
