"""Security groups forms."""
