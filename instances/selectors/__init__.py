"""Reads of the compute mirror, one module per resource; every function takes `project_id`."""
