"""The tenants API, one module per area: reads from the mirror; writes validate with the pages'
forms and answer 202 with the Operation."""
