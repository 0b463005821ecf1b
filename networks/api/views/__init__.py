"""The networking API, one module per resource: reads from the mirror; writes validate with the
pages' forms and answer 202 with the Operation."""
