"""The ports API."""
