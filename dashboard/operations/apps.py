from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "dashboard.operations"
    label = "operations"
    verbose_name = "Operations on the cloud"
