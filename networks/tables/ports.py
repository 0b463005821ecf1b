"""The ports table."""
