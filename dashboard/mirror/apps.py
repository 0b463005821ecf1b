from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MirrorConfig(AppConfig):
    name = "dashboard.mirror"
    label = "mirror"
    verbose_name = _("Mirror of the cloud")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dashboard.mirror.live import sync_states_changed
        from dashboard.mirror.models import SyncState

        post_save.connect(sync_states_changed, sender=SyncState)
        post_delete.connect(sync_states_changed, sender=SyncState)
