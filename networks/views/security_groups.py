"""Security groups pages."""
