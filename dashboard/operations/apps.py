from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "dashboard.operations"
    label = "operations"
    verbose_name = "Operations on the cloud"

    def ready(self) -> None:
        from dashboard.operations.registry import discover_services

        discover_services()
