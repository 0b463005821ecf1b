"""List filters of the tenants pages, one module per area; each serves the page and the API list."""
