"""Network actions: create (with an optional first subnet), edit, delete.

Sharing, `router:external` and the provider attributes appear only where the cloud's policy lets
the user set them (by default: admins); posted anyway, they are refused on their field. A delete
is refused while the mirror shows ports in use on the network.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import OperationRefused
from dashboard.web.forms import DescriptionField, NameField, ProjectForm
from networks.forms.subnets import SubnetSourceFields, subnet_create_attributes
from networks.models import Network
from networks.selectors.networks import ports_in_use, ports_in_use_label
from networks.services import networks as services

PROVIDER_NETWORK_TYPES = [
    ("", _("Cloud default")),
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
# Form fields -> Neutron's attribute names; a field the form left out (refused by policy) is not
# sent, nor is an empty optional one.
NETWORK_ATTRIBUTES = {
    "admin_state_up": "admin_state_up",
    "mtu": "mtu",
    "port_security_enabled": "port_security_enabled",
    "shared": "shared",
    "router_external": "router:external",
    "provider_network_type": "provider:network_type",
    "provider_physical_network": "provider:physical_network",
    "provider_segmentation_id": "provider:segmentation_id",
}


def network_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """The network attributes the form's data sets, as Neutron names them."""
    return {
        attribute: data[field]
        for field, attribute in NETWORK_ATTRIBUTES.items()
        if field in data and data[field] not in (None, "")
    }


class NetworkForm(ProjectForm):
    """An action on networks; one on the network `obj` targets it and gives the service its id."""

    model = Network

    @property
    def network(self) -> Network:
        network: Network = self.obj
        return network

    def network_request(
        self, service: Service, description: Message, params: dict[str, Any] | None = None
    ) -> OperationRequest:
        return OperationRequest(
            service=service,
            description=description,
            target_type="network",
            target_id=self.network.id,
            target_name=self.network.name,
            params={"network_id": self.network.id, **(params or {})},
        )


class NetworkFields(NetworkForm):
    """What create and edit share."""

    name = NameField(label=_("Name"))
    description = DescriptionField(label=_("Description"))
    admin_state_up = forms.BooleanField(
        label=_("Enabled (admin state up)"), required=False, initial=True
    )
    mtu = forms.IntegerField(
        label=_("MTU"),
        required=False,
        min_value=68,
        max_value=9216,
        help_text=_("Empty: the largest the cloud allows for this kind of network."),
    )
    port_security_enabled = forms.BooleanField(
        label=_("Port security on new ports"), required=False, initial=True
    )
    shared = forms.BooleanField(label=_("Shared with every project"), required=False)
    router_external = forms.BooleanField(label=_("External (router:external)"), required=False)


class NetworkCreateForm(SubnetSourceFields, NetworkFields):
    action = "create"
    on_object = False
    policy = ("neutron", "create_network")
    quotas = (("network", "network"), ("network", "subnet"))
    policy_fields = {
        "shared": ("neutron", "create_network:shared"),
        "router_external": ("neutron", "create_network:router:external"),
        "provider_network_type": ("neutron", "create_network:provider:network_type"),
        "provider_physical_network": ("neutron", "create_network:provider:physical_network"),
        "provider_segmentation_id": ("neutron", "create_network:provider:segmentation_id"),
    }

    provider_network_type = forms.ChoiceField(
        label=_("Provider network type"), required=False, choices=PROVIDER_NETWORK_TYPES
    )
    provider_physical_network = forms.CharField(
        label=_("Provider physical network"), required=False, max_length=64
    )
    provider_segmentation_id = forms.IntegerField(
        label=_("Provider segmentation id"),
        required=False,
        min_value=1,
        max_value=16_777_215,
        help_text=_("The VLAN id, or the tunnel's VNI."),
    )
    subnet_name = NameField(label=_("Subnet name"), required=False)

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
        self.fields["cidr"].help_text = _(
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
            labels = gettext(", ").join(str(self[name].label) for name in filled)
            self.add_error(
                "cidr",
                gettext(
                    "These settings need a subnet: %(labels)s. "
                    "Give its CIDR or choose a subnet pool, or leave them empty."
                )
                % {"labels": labels},
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
                    gettext("Choose the network type these provider values are for."),
                )
            return
        if physical and kind not in PHYSICAL_NETWORK_TYPES:
            self.add_error(
                "provider_physical_network",
                gettext("A %(kind)s network has no physical network.") % {"kind": kind},
            )
        if kind in PHYSICAL_NETWORK_TYPES and not physical:
            self.add_error(
                "provider_physical_network",
                gettext("A %(kind)s network needs its physical network.") % {"kind": kind},
            )
        if segment is not None and kind in ("flat", "local"):
            self.add_error(
                "provider_segmentation_id",
                gettext("A %(kind)s network has no segmentation id.") % {"kind": kind},
            )
        if segment is not None and kind == "vlan" and segment > MAX_VLAN_ID:
            self.add_error(
                "provider_segmentation_id",
                gettext("VLAN ids go from 1 to %(max)s.") % {"max": MAX_VLAN_ID},
            )

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        params: dict[str, Any] = {
            "name": data["name"],
            "description": data.get("description", ""),
            "attributes": network_attributes(data),
        }
        if data.get("with_subnet"):
            params["subnet"] = subnet_create_attributes(data, name=data["subnet_name"])
        if "subnet" in params:
            description = gettext_noop("Create network “%(name)s” with a subnet")
        else:
            description = gettext_noop("Create network “%(name)s”")
        return OperationRequest(
            service=services.network_create,
            description=Message(description, {"name": data["name"]}),
            target_type="network",
            target_name=data["name"],
            params=params,
        )


class NetworkEditForm(NetworkFields):
    action = "edit"
    policy = ("neutron", "update_network")
    label = _("Edit")
    policy_fields = {
        "shared": ("neutron", "update_network:shared"),
        "router_external": ("neutron", "update_network:router:external"),
    }

    @classmethod
    def initial_for(cls, obj: Network) -> dict[str, Any]:
        return {
            "name": obj.name,
            "description": obj.description,
            "admin_state_up": obj.admin_state_up,
            "mtu": obj.mtu,
            "port_security_enabled": obj.port_security_enabled is not False,
            "shared": obj.shared,
            "router_external": obj.router_external,
        }

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        changes = {
            "name": data["name"],
            "description": data["description"],
            **network_attributes(data),
        }
        return self.network_request(
            services.network_update,
            Message(gettext_noop("Edit network “%(name)s”"), {"name": self.network.name_or_id}),
            {"revision_number": self.network.revision_number, "changes": changes},
        )


class NetworkDeleteForm(NetworkForm):
    """Delete the network; refused while the mirror shows ports in use on it."""

    action = "delete"
    policy = ("neutron", "delete_network")
    label = _("Delete")
    confirm = _("Delete network {obj} and its subnets?")

    def clean(self) -> dict[str, Any]:
        network = self.network
        if blocking := ports_in_use(project_id=network.project_id, network_id=network.id):
            raise OperationRefused(
                gettext(
                    "Network “%(name)s” still has ports in use: %(ports)s. Delete those ports, "
                    "or detach them from their instances and routers, then delete the network."
                )
                % {"name": network.name_or_id, "ports": ports_in_use_label(blocking)}
            )
        return super().clean()

    def operation_request(self) -> OperationRequest:
        return self.network_request(
            services.network_delete,
            Message(gettext_noop("Delete network “%(name)s”"), {"name": self.network.name_or_id}),
        )
