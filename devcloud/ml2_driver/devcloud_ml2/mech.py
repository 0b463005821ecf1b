"""Bind every `normal` port to its first segment as an OVS port, with no agent involved.

Neutron's own test drivers (`test`, `fake_agent`) bind only on magic host names, assert on
in-process state or need agent rows, so devcloud ships this one instead.
"""

from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class DevcloudMechanismDriver(api.MechanismDriver):
    """Binds `normal` ports on any host and marks them ACTIVE at once."""

    def initialize(self) -> None:
        """Nothing to set up: the driver keeps no state."""

    @property
    def connectivity(self) -> str:
        """Layer-2 connectivity, like the OVS driver this one stands in for."""
        return portbindings.CONNECTIVITY_L2

    def check_vlan_transparency(self, context: api.NetworkContext) -> bool:
        """Accept VLAN-transparent networks: there is no data plane to refuse them."""
        return True

    def bind_port(self, context: api.PortContext) -> None:
        """Bind a `normal` port to the first segment offered; leave other vnic types unbound."""
        vnic_type = context.current.get(portbindings.VNIC_TYPE, portbindings.VNIC_NORMAL)
        if vnic_type != portbindings.VNIC_NORMAL or not context.segments_to_bind:
            return
        segment = context.segments_to_bind[0]
        context.set_binding(
            segment[api.ID],
            portbindings.VIF_TYPE_OVS,
            {portbindings.CAP_PORT_FILTER: True, portbindings.OVS_HYBRID_PLUG: False},
            status=constants.PORT_STATUS_ACTIVE,
        )
