"""Security groups changes."""
