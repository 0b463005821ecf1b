from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants and sign-in"

    def ready(self) -> None:
        from tenants.auth import forget_cached_user
        from tenants.models import User

        post_save.connect(forget_cached_user, sender=User, dispatch_uid="forget_cached_user")
        post_delete.connect(forget_cached_user, sender=User, dispatch_uid="forget_cached_user")
