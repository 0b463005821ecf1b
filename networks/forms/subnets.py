"""Subnet actions: create, edit, delete; their fields also give a new network its first subnet.

Everything that can be known without the cloud is checked here, before any operation starts
(networks.validation does the address arithmetic): the CIDR, the gateway, the pools, DNS servers,
host routes, IPv6 modes, the pool's prefix lengths, overlaps with the subnets the new one would
meet (on its network and on the routers that network is attached to), the quota left, and the
ports that keep a subnet from being deleted.
"""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import OperationRefused
from dashboard.web.forms import DescriptionField, LinesField, NameField, ProjectForm, neutron_limit
from networks import validation
from networks.models import Subnet
from networks.selectors.networks import ports_in_use, ports_in_use_label, subnet_network_list
from networks.selectors.subnets import (
    subnet_pool_get,
    subnet_pool_list,
    subnets_that_must_not_overlap,
)
from networks.services import subnets as services

IPV6_MODE_CHOICES = [("", _("Not set")), *((mode, mode) for mode in validation.IPV6_MODES)]


class SubnetAddressFields(forms.Form):
    """Gateway, DHCP, allocation pools, DNS servers and host routes: create and edit share them.

    `clean_addresses` checks them against the subnet's CIDR (None when a pool will choose it) and
    leaves them in `cleaned_data` as Neutron takes them.
    """

    # An edit must say what the gateway becomes; a create may leave it to Neutron.
    gateway_required = False

    gateway_ip = forms.CharField(
        label=_("Gateway IP"),
        required=False,
        help_text=_("Empty: the first address (IPv4) or the network address (IPv6)."),
    )
    no_gateway = forms.BooleanField(label=_("No gateway"), required=False)
    enable_dhcp = forms.BooleanField(label=_("DHCP enabled"), required=False, initial=True)
    allocation_pools = LinesField(
        label=_("Allocation pools"),
        required=False,
        help_text=_("One range per line, as 10.0.0.10-10.0.0.50. Empty: every free host address."),
    )
    dns_nameservers = LinesField(
        max_lines=neutron_limit("max_dns_nameservers"),
        label=_("DNS name servers"),
        required=False,
        help_text=_("One address per line, in the order hosts should ask them."),
    )
    host_routes = LinesField(
        max_lines=neutron_limit("max_subnet_host_routes"),
        label=_("Host routes"),
        required=False,
        help_text=_("One destination,next hop per line, as 192.168.0.0/24,10.0.0.1."),
    )

    def clean_addresses(self, *, cidr: validation.IPNetwork | None, version: int) -> None:
        data = self.cleaned_data
        gateway = self._clean_gateway(cidr=cidr, version=version)
        try:
            pools = validation.parse_pools(data.get("allocation_pools", ""), version=version)
            if pools and cidr is None:
                raise ValueError(gettext("The CIDR comes from the pool: leave the pools empty."))
            if cidr is not None:
                validation.check_pools(pools, cidr, gateway)
            data["allocation_pools"] = [pool.as_neutron() for pool in pools]
        except ValueError as exc:
            self.add_error("allocation_pools", str(exc))
        try:
            data["dns_nameservers"] = validation.parse_dns_servers(data.get("dns_nameservers", ""))
        except ValueError as exc:
            self.add_error("dns_nameservers", str(exc))
        try:
            data["host_routes"] = validation.parse_host_routes(
                data.get("host_routes", ""), version=version
            )
        except ValueError as exc:
            self.add_error("host_routes", str(exc))

    def _clean_gateway(
        self, *, cidr: validation.IPNetwork | None, version: int
    ) -> validation.IPAddress | None:
        """The gateway the pools must leave out: the one given, or Neutron's default."""
        data = self.cleaned_data
        text = data.get("gateway_ip", "").strip()
        if data.get("no_gateway"):
            if text:
                self.add_error(
                    "gateway_ip", gettext("Give a gateway, or tick “No gateway”; not both.")
                )
            return None
        if not text:
            if self.gateway_required:
                self.add_error(
                    "gateway_ip", gettext("Give the gateway's address, or tick “No gateway”.")
                )
            return None if cidr is None else validation.default_gateway(cidr)
        if cidr is None:
            self.add_error(
                "gateway_ip",
                gettext(
                    "The CIDR comes from the pool: leave the gateway empty (Neutron chooses it) "
                    "or tick “No gateway”."
                ),
            )
            return None
        try:
            gateway = validation.parse_address(
                text, version=version, what=gettext("gateway address")
            )
            validation.check_gateway(gateway, cidr)
        except ValueError as exc:
            self.add_error("gateway_ip", str(exc))
            return None
        data["gateway_ip"] = str(gateway)
        return gateway


class SubnetSourceFields(SubnetAddressFields):
    """Where a new subnet's addresses come from (a CIDR, or a pool and a prefix length), its IPv6
    modes, and its address fields. The form needs `project_id` (a ProjectForm)."""

    project_id: str
    # Fields that only make sense for a subnet (for a network's optional first subnet).
    subnet_fields: ClassVar[tuple[str, ...]] = (
        "cidr",
        "subnetpool_id",
        "prefixlen",
        "gateway_ip",
        "no_gateway",
        "allocation_pools",
        "dns_nameservers",
        "host_routes",
        "ipv6_ra_mode",
        "ipv6_address_mode",
    )

    cidr = forms.CharField(
        label=_("CIDR"),
        required=False,
        help_text=_("As 10.0.0.0/24 or 2001:db8::/64; or leave empty and choose a subnet pool."),
    )
    subnetpool_id = forms.ChoiceField(label=_("Subnet pool"), required=False)
    prefixlen = forms.IntegerField(
        label=_("Prefix length"),
        required=False,
        min_value=1,
        max_value=128,
        help_text=_(
            "With a pool: the size of the subnet taken from it (empty: the pool's default)."
        ),
    )
    ipv6_ra_mode = forms.ChoiceField(
        label=_("IPv6 router advertisement mode"), required=False, choices=IPV6_MODE_CHOICES
    )
    ipv6_address_mode = forms.ChoiceField(
        label=_("IPv6 address mode"), required=False, choices=IPV6_MODE_CHOICES
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pools = self.fields["subnetpool_id"]
        assert isinstance(pools, forms.ChoiceField)
        pools.choices = [("", gettext("None: give a CIDR"))] + [
            (
                pool.id,
                gettext("%(name)s (IPv%(version)s: %(prefixes)s; /%(min)s to /%(max)s)")
                % {
                    "name": pool.name_or_id,
                    "version": pool.ip_version,
                    "prefixes": ", ".join(pool.prefixes),
                    "min": pool.min_prefixlen,
                    "max": pool.max_prefixlen,
                },
            )
            for pool in subnet_pool_list(project_id=self.project_id)
        ]
        pools.error_messages["invalid_choice"] = _(
            "This is not a subnet pool of your project or a shared one: choose one of the list."
        )

    def clean_subnet(self, *, network_id: str | None) -> None:
        """Check the subnet fields together; `network_id` None for a network not made yet."""
        data = self.cleaned_data
        cidr_text, pool_id = data.get("cidr", "").strip(), data.get("subnetpool_id", "")
        cidr: validation.IPNetwork | None = None
        version: int
        if cidr_text and pool_id:
            self.add_error(
                "subnetpool_id", gettext("Give a CIDR or choose a subnet pool; not both.")
            )
            return
        if cidr_text:
            try:
                cidr = validation.parse_cidr(cidr_text)
            except ValueError as exc:
                self.add_error("cidr", str(exc))
                return
            if data.get("prefixlen") is not None:
                self.add_error(
                    "prefixlen", gettext("A prefix length goes with a pool; leave it empty.")
                )
            version, prefixlen = cidr.version, cidr.prefixlen
        elif pool_id:
            pool = subnet_pool_get(project_id=self.project_id, pk=pool_id)
            assert pool is not None  # the choices hold only these
            prefixlen = data.get("prefixlen") or pool.default_prefixlen or pool.min_prefixlen or 0
            low, high = pool.min_prefixlen or 1, pool.max_prefixlen or 128
            if not low <= prefixlen <= high:
                self.add_error(
                    "prefixlen",
                    gettext("The pool “%(name)s” gives prefix lengths from /%(low)s to /%(high)s.")
                    % {"name": pool.name_or_id, "low": low, "high": high},
                )
                return
            version = pool.ip_version
            data["prefixlen"] = prefixlen
        else:
            self.add_error("cidr", gettext("Give the subnet's CIDR, or choose a subnet pool."))
            return
        data["cidr"] = str(cidr) if cidr else ""
        data["ip_version"] = version
        try:
            validation.check_ipv6_modes(
                version=version,
                ra_mode=data.get("ipv6_ra_mode", ""),
                address_mode=data.get("ipv6_address_mode", ""),
                prefixlen=prefixlen,
            )
        except ValueError as exc:
            self.add_error("ipv6_address_mode", str(exc))
        self.clean_addresses(cidr=cidr, version=version)
        if cidr is not None and network_id is not None:
            self._refuse_overlaps(cidr, network_id=network_id)

    def _refuse_overlaps(self, cidr: validation.IPNetwork, *, network_id: str) -> None:
        neighbours = {
            f"{subnet.cidr}:{subnet.id}": subnet
            for subnet in subnets_that_must_not_overlap(
                project_id=self.project_id, network_id=network_id
            )
        }
        overlap = validation.first_overlap(
            cidr, ((key, subnet.cidr) for key, subnet in neighbours.items())
        )
        if overlap is None:
            return
        subnet = neighbours[overlap[0]]
        if subnet.network_id == network_id:
            message = gettext(
                "%(cidr)s overlaps subnet “%(name)s” (%(other)s) on this network. "
                "Choose a CIDR that does not overlap it."
            )
        else:
            message = gettext(
                "%(cidr)s overlaps subnet “%(name)s” (%(other)s) on a router this network is "
                "attached to. Choose a CIDR that does not overlap it."
            )
        self.add_error(
            "cidr", message % {"cidr": cidr, "name": subnet.name_or_id, "other": subnet.cidr}
        )


def subnet_address_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """Gateway, DHCP, pools, DNS servers and host routes, as Neutron names them. An empty gateway
    without "no gateway" is left out (Neutron takes the subnet's first address)."""
    attributes: dict[str, Any] = {
        "enable_dhcp": data["enable_dhcp"],
        "dns_nameservers": data["dns_nameservers"],
        "host_routes": data["host_routes"],
    }
    if data["no_gateway"]:
        attributes["gateway_ip"] = None
    elif data["gateway_ip"]:
        attributes["gateway_ip"] = data["gateway_ip"]
    if data["allocation_pools"]:
        attributes["allocation_pools"] = data["allocation_pools"]
    return attributes


def subnet_create_attributes(data: dict[str, Any], *, name: str) -> dict[str, Any]:
    """Everything a new subnet is created with (its network aside), from a subnet form's data."""
    attributes: dict[str, Any] = {
        "name": name,
        "ip_version": data["ip_version"],
        **subnet_address_attributes(data),
    }
    if data["cidr"]:
        attributes["cidr"] = data["cidr"]
    else:
        attributes["subnetpool_id"] = data["subnetpool_id"]
        attributes["prefixlen"] = data["prefixlen"]
    for mode in ("ipv6_ra_mode", "ipv6_address_mode"):
        if data[mode]:
            attributes[mode] = data[mode]
    return attributes


class SubnetForm(ProjectForm):
    """An action on subnets; one on the subnet `obj` targets it and gives the service its id."""

    model = Subnet

    @property
    def subnet(self) -> Subnet:
        subnet: Subnet = self.obj
        return subnet

    def subnet_request(
        self, service: Service, description: Message, params: dict[str, Any] | None = None
    ) -> OperationRequest:
        return OperationRequest(
            service=service,
            description=description,
            target_type="subnet",
            target_id=self.subnet.id,
            target_name=self.subnet.name or self.subnet.cidr,
            params={"subnet_id": self.subnet.id, **(params or {})},
        )


class SubnetCreateForm(SubnetSourceFields, SubnetForm):
    action = "create"
    on_object = False
    policy = ("neutron", "create_subnet")
    quotas = (("network", "subnet"),)

    network_id = forms.ChoiceField(label=_("Network"))
    name = NameField(label=_("Name"), required=False)
    description = DescriptionField(label=_("Description"))

    field_order = ("network_id", "name", "description", *SubnetSourceFields.subnet_fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Neutron lets only a network's owner (or an admin) add subnets to it.
        include_shared = bool(self.keystone and self.keystone.is_admin)
        networks = self.fields["network_id"]
        assert isinstance(networks, forms.ChoiceField)
        networks.choices = [
            (network.id, network.name_or_id)
            for network in subnet_network_list(
                project_id=self.project_id, include_shared=include_shared
            )
        ]
        networks.error_messages["invalid_choice"] = _(
            "This is not a network of your project: choose one of your networks."
        )

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if network_id := cleaned_data.get("network_id"):
            self.clean_subnet(network_id=network_id)
        return cleaned_data

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        # Before Neutron gives it a CIDR, a new subnet goes by its name, CIDR or pool.
        label = str(data["name"] or data["cidr"] or f"/{data['prefixlen']}")
        if data["name"] or data["cidr"]:
            description = Message(gettext_noop("Create subnet “%(name)s”"), {"name": label})
        else:
            description = Message(
                gettext_noop("Create subnet “a /%(prefixlen)s from a pool”"),
                {"prefixlen": data["prefixlen"]},
            )
        return OperationRequest(
            service=services.subnet_create,
            description=description,
            target_type="subnet",
            target_name=label,
            params={
                "network_id": data["network_id"],
                "description": data["description"],
                "attributes": subnet_create_attributes(data, name=data["name"]),
            },
        )


class SubnetEditForm(SubnetAddressFields, SubnetForm):
    action = "edit"
    policy = ("neutron", "update_subnet")
    label = _("Edit")
    gateway_required = True

    name = NameField(label=_("Name"), required=False)
    description = DescriptionField(label=_("Description"))

    field_order = ("name", "description")

    @classmethod
    def initial_for(cls, obj: Subnet) -> dict[str, Any]:
        return {
            "name": obj.name,
            "description": obj.description,
            "gateway_ip": obj.gateway_ip,
            "no_gateway": not obj.gateway_ip,
            "enable_dhcp": obj.enable_dhcp,
            "allocation_pools": "\n".join(
                f"{pool['start']}-{pool['end']}" for pool in obj.allocation_pools
            ),
            "dns_nameservers": "\n".join(obj.dns_nameservers),
            "host_routes": "\n".join(
                f"{route['destination']},{route['nexthop']}" for route in obj.host_routes
            ),
        }

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        subnet = self.subnet
        self.clean_addresses(cidr=validation.parse_cidr(subnet.cidr), version=subnet.ip_version)
        return cleaned_data

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        changes = {
            "name": data["name"],
            "description": data["description"],
            **subnet_address_attributes(data),
        }
        return self.subnet_request(
            services.subnet_update,
            Message(gettext_noop("Edit subnet “%(name)s”"), {"name": self.subnet.name_or_id}),
            {"revision_number": self.subnet.revision_number, "changes": changes},
        )


class SubnetDeleteForm(SubnetForm):
    """Delete the subnet; refused while the mirror shows ports with addresses on it."""

    action = "delete"
    policy = ("neutron", "delete_subnet")
    label = _("Delete")
    confirm = _("Delete subnet {obj}?")

    def clean(self) -> dict[str, Any]:
        subnet = self.subnet
        if subnet.network_id and (
            blocking := ports_in_use(
                project_id=subnet.project_id, network_id=subnet.network_id, subnet_id=subnet.id
            )
        ):
            raise OperationRefused(
                gettext(
                    "Subnet “%(name)s” still has addresses in use by %(ports)s. Delete those "
                    "ports, or remove the router interfaces and instances' addresses on it, then "
                    "delete the subnet."
                )
                % {"name": subnet.name or subnet.cidr, "ports": ports_in_use_label(blocking)}
            )
        return super().clean()

    def operation_request(self) -> OperationRequest:
        name = self.subnet.name or self.subnet.cidr
        return self.subnet_request(
            services.subnet_delete,
            Message(gettext_noop("Delete subnet “%(name)s”"), {"name": name}),
        )
