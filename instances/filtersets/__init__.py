"""Compute list filters, one module per resource; each serves the page and the API list."""
