"""The security groups table."""
