"""Network forms: create (with an optional first subnet) and edit.

Sharing, `router:external` and the provider attributes appear only where the cloud's policy lets
the user set them (by default: admins); posted anyway, they are refused on their field.
"""

from typing import Any

from django import forms

from dashboard.web.forms import DescriptionField, NameField, ProjectForm
from networks.forms.subnets import SubnetSourceFields
from networks.models import Network

PROVIDER_NETWORK_TYPES = [
    ("", "Cloud default"),
    ("flat", "flat"),
    ("vlan", "vlan"),
    ("vxlan", "vxlan"),
    ("geneve", "geneve"),
    ("gre", "gre"),
    ("local", "local"),
]
# Network types that live on a physical network (the others are tunnels or host-local).
PHYSICAL_NETWORK_TYPES = ("flat", "vlan")
MAX_VLAN_ID = 4094


class NetworkFields(ProjectForm):
    """What create and edit share."""

    name = NameField()
    description = DescriptionField()
    admin_state_up = forms.BooleanField(
        label="Enabled (admin state up)", required=False, initial=True
    )
    mtu = forms.IntegerField(
        label="MTU",
        required=False,
        min_value=68,
        max_value=9216,
        help_text="Empty: the largest the cloud allows for this kind of network.",
    )
    port_security_enabled = forms.BooleanField(
        label="Port security on new ports", required=False, initial=True
    )
    shared = forms.BooleanField(label="Shared with every project", required=False)
    router_external = forms.BooleanField(label="External (router:external)", required=False)


class NetworkCreateForm(SubnetSourceFields, NetworkFields):
    quotas = (("network", "network"), ("network", "subnet"))
    policy_fields = {
        "shared": ("neutron", "create_network:shared"),
        "router_external": ("neutron", "create_network:router:external"),
        "provider_network_type": ("neutron", "create_network:provider:network_type"),
        "provider_physical_network": ("neutron", "create_network:provider:physical_network"),
        "provider_segmentation_id": ("neutron", "create_network:provider:segmentation_id"),
    }

    provider_network_type = forms.ChoiceField(
        label="Provider network type", required=False, choices=PROVIDER_NETWORK_TYPES
    )
    provider_physical_network = forms.CharField(
        label="Provider physical network", required=False, max_length=64
    )
    provider_segmentation_id = forms.IntegerField(
        label="Provider segmentation id",
        required=False,
        min_value=1,
        max_value=16_777_215,
        help_text="The VLAN id, or the tunnel's VNI.",
    )
    subnet_name = NameField(label="Subnet name", required=False)

    field_order = (
        "name",
        "description",
        "admin_state_up",
        "mtu",
        "port_security_enabled",
        "shared",
        "router_external",
        "provider_network_type",
        "provider_physical_network",
        "provider_segmentation_id",
        "subnet_name",
        *SubnetSourceFields.subnet_fields,
        "enable_dhcp",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cidr"].help_text = (
            "The first subnet, as 10.0.0.0/24 or 2001:db8::/64, or choose a subnet pool below. "
            "Leave both empty for a network without a subnet."
        )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        self._check_provider()
        wants_subnet = bool(cleaned_data.get("cidr") or cleaned_data.get("subnetpool_id"))
        cleaned_data["with_subnet"] = wants_subnet
        if wants_subnet:
            self.clean_subnet(network_id=None)
        elif filled := [
            name
            for name in (*self.subnet_fields, "subnet_name")
            if name not in ("cidr", "subnetpool_id", "no_gateway") and cleaned_data.get(name)
        ]:
            self.add_error(
                "cidr",
                f"These settings need a subnet: {', '.join(self[name].label for name in filled)}. "
                "Give its CIDR or choose a subnet pool, or leave them empty.",
            )
        return cleaned_data

    def quota_adding(self, service: str, resource: str) -> int:
        """The subnet quota is used only when the form gives a first subnet."""
        if resource == "subnet":
            return int(
                bool(self.cleaned_data.get("cidr") or self.cleaned_data.get("subnetpool_id"))
            )
        return 1

    def _check_provider(self) -> None:
        data = self.cleaned_data
        kind = data.get("provider_network_type", "")
        physical = data.get("provider_physical_network", "")
        segment = data.get("provider_segmentation_id")
        if not kind:
            if physical or segment is not None:
                self.add_error(
                    "provider_network_type",
                    "Choose the network type these provider values are for.",
                )
            return
        if physical and kind not in PHYSICAL_NETWORK_TYPES:
            self.add_error(
                "provider_physical_network", f"A {kind} network has no physical network."
            )
        if kind in PHYSICAL_NETWORK_TYPES and not physical:
            self.add_error(
                "provider_physical_network", f"A {kind} network needs its physical network."
            )
        if segment is not None and kind in ("flat", "local"):
            self.add_error("provider_segmentation_id", f"A {kind} network has no segmentation id.")
        if segment is not None and kind == "vlan" and segment > MAX_VLAN_ID:
            self.add_error("provider_segmentation_id", f"VLAN ids go from 1 to {MAX_VLAN_ID}.")


class NetworkEditForm(NetworkFields):
    policy_fields = {
        "shared": ("neutron", "update_network:shared"),
        "router_external": ("neutron", "update_network:router:external"),
    }


def network_edit_initial(network: Network) -> dict[str, Any]:
    """The edit form's values for the network as the mirror has it."""
    return {
        "name": network.name,
        "description": network.description,
        "admin_state_up": network.admin_state_up,
        "mtu": network.mtu,
        "port_security_enabled": network.port_security_enabled is not False,
        "shared": network.shared,
        "router_external": network.router_external,
    }
