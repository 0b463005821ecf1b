from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = "Networking (L2 and L3)"

    def ready(self) -> None:
        """Tell tenants, which imports nothing of this app, how its rows count towards quotas,
        that a new trial project starts with a ready-to-use network, and what the trials'
        clean-up removes (tenants.lifetimes)."""
        from networks.lifetimes import register as register_lifetimes
        from networks.models import (
            FloatingIP,
            Network,
            Port,
            Router,
            SecurityGroup,
            SecurityGroupRule,
            Subnet,
        )
        from networks.starter import starter_network_steps
        from tenants.starters import starter_register
        from tenants.usage import ALLOCATED_FLOATING_IPS, MirrorCount, count_from_mirror

        # As Neutron counts them: every row the project owns.
        count_from_mirror(
            {
                "network_network": MirrorCount(Network),
                "network_subnet": MirrorCount(Subnet),
                "network_port": MirrorCount(Port),
                "network_router": MirrorCount(Router),
                "network_floatingip": MirrorCount(FloatingIP),
                "network_security_group": MirrorCount(SecurityGroup),
                "network_security_group_rule": MirrorCount(SecurityGroupRule),
                ALLOCATED_FLOATING_IPS: MirrorCount(FloatingIP),
            }
        )
        starter_register(starter_network_steps)
        register_lifetimes()
