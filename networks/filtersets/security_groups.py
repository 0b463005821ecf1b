"""Security groups filters."""
