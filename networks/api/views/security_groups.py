"""The security groups API."""
