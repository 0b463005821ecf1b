"""Forms of sign-in and of the administrators' quota changes; pages and the API share them."""
