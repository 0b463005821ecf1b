"""Reads of the networking mirror, one module per resource; every function takes `project_id`."""
