"""Pages of sign-in and project switching, the session project's overview and API access, and
the administrators' quota pages, one module per area."""
