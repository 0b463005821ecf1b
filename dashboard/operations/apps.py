from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "dashboard.operations"
    label = "operations"
    verbose_name = _("Operations on the cloud")

    def ready(self) -> None:
        from dashboard.operations.registry import discover_services

        discover_services()
