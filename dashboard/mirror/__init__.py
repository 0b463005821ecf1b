"""The local mirror of cloud state: base model and the generic reconcile upsert.

Pages and the API read only these tables; Celery workers keep them in step with the cloud.
"""
