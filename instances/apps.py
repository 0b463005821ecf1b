from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstancesConfig(AppConfig):
    name = "instances"
    verbose_name = _("Instances")

    def ready(self) -> None:
        """Fill in the hooks of the apps below, which import nothing of this one: how servers
        count towards quotas (tenants), the instances ports attach to (networks), and what the
        trials' clean-up removes (tenants.lifetimes)."""
        from django.db.models import Count, Q, Sum

        from instances.lifetimes import register as register_lifetimes
        from instances.models import Server
        from instances.selectors.devices import ServerReads
        from networks.devices import register_instance_reads
        from tenants.usage import RUNNING_INSTANCES, MirrorCount, count_from_mirror

        # As Nova counts them: every server not deleted, and its flavor's vCPUs and RAM.
        count_from_mirror(
            {
                "compute_instances": MirrorCount(Server),
                "compute_cores": MirrorCount(Server, Sum, "vcpus"),
                "compute_ram": MirrorCount(Server, Sum, "ram"),
                RUNNING_INSTANCES: MirrorCount(Server, Count, where=Q(status="ACTIVE")),
            }
        )
        register_instance_reads(ServerReads())
        register_lifetimes()
