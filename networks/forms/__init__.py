"""Forms for networking changes, one module per resource; pages and the API share them."""
