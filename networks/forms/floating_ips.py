"""Floating IP actions: allocate, associate, disassociate, release, and port forwardings.

Each form is one action: its checks against the mirror, the policy rule it needs, and the
operation its valid data becomes. Associating and disassociating are written once for the
floating IP's page and for a page about a port's device (a server's page, in instances): there
the form chooses the floating IP itself (`chooses_floating_ip`) and offers the device's ports
only (`target_ports`).
"""

import ipaddress
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.db.models import Model, QuerySet

from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import OperationRefused
from dashboard.web.forms import DescriptionField, ProjectForm
from networks.models import FloatingIP, Network, Port, PortForwarding
from networks.selectors.floating_ips import (
    floating_ip_holding_address,
    floating_ip_list,
    floating_ip_of_fixed_ip,
    floating_ip_target_ports,
    ipv4_addresses,
    port_forwarding_list,
    port_forwarding_supported,
    unreachable_reason,
)
from networks.selectors.networks import external_network_list, external_subnet_list
from networks.selectors.ports import port_holding_address
from networks.services import floating_ips as services


class FloatingIPChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One of the project's floating IPs, by address (and where it maps to, if anywhere)."""

    def label_from_instance(self, obj: FloatingIP) -> str:
        mapped = f" → {obj.fixed_ip_address}" if obj.fixed_ip_address else ""
        return f"{obj.floating_ip_address}{mapped}"


def forwarding_count(floating_ip: FloatingIP) -> int:
    """How many port forwardings the floating IP has (the lists' annotation, else a count)."""
    counted = getattr(floating_ip, "port_forwarding_count", None)
    return floating_ip.port_forwardings.count() if counted is None else int(counted)


def release_refusal(floating_ip: FloatingIP, forwardings: int) -> str:
    """Why a floating IP with `forwardings` port forwardings cannot be released."""
    rules = "a port forwarding" if forwardings == 1 else f"{forwardings} port forwardings"
    return (
        f"Floating IP {floating_ip.floating_ip_address} has {rules}, and Neutron releases only "
        "a floating IP without any. Delete its port forwardings on its page first, then "
        "release it."
    )


class FloatingIPForm(ProjectForm):
    """An action on a floating IP, `obj` on its own page; the operation targets it.

    A page about a port's device (a server's) sets `chooses_floating_ip`: its `obj` is that
    device, the form adds `choosing_fields` to choose the floating IP, and `target_ports` says
    which ports the device has.
    """

    model: ClassVar[type[Model] | None] = FloatingIP
    chooses_floating_ip: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.chooses_floating_ip:
            self.fields.update(self.choosing_fields())

    @classmethod
    def choosing_fields(cls) -> dict[str, forms.Field]:
        """The fields that choose the floating IP where the page is not about one."""
        return {}

    @classmethod
    def api_fields(cls) -> dict[str, forms.Field]:
        """Every field the form takes (the API schema's request body)."""
        chosen = cls.choosing_fields() if cls.chooses_floating_ip else {}
        return {**cls.base_fields, **chosen}

    def target_ports(self) -> QuerySet[Port]:
        """The ports a floating IP may map to here: the project's, or the device's."""
        return floating_ip_target_ports(project_id=self.project_id)

    def device_label(self) -> str:
        """The device the page is about, as descriptions name it ("" on a floating IP's)."""
        return ""

    def floating_ip_request(
        self, service: Service, description: str, params: Mapping[str, Any] | None = None
    ) -> OperationRequest:
        """The operation on the floating IP `obj`, its id the service's `floating_ip_id`."""
        floating_ip: FloatingIP = self.obj
        return OperationRequest(
            service=service,
            description=description,
            target_type="floating_ip",
            target_id=floating_ip.id,
            target_name=floating_ip.floating_ip_address,
            params={**(params or {}), "floating_ip_id": floating_ip.id},
        )


class FloatingIPCreateForm(FloatingIPForm):
    """Allocate from an external network, optionally from one subnet or at one address."""

    action = "create"
    on_object = False
    policy = ("neutron", "create_floatingip")
    policy_fields = {"floating_ip_address": ("neutron", "create_floatingip:floating_ip_address")}
    quotas = (("network", "floatingip"),)

    floating_network_id = forms.ChoiceField(label="External network")
    subnet_id = forms.ChoiceField(
        label="Subnet", required=False, help_text="Optional: allocate from this subnet."
    )
    floating_ip_address = forms.GenericIPAddressField(
        label="Address",
        required=False,
        protocol="IPv4",
        help_text="Optional: this exact address.",
    )
    description = DescriptionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        networks = list(external_network_list(project_id=self.project_id))
        field = self.fields["floating_network_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n.id, n.name_or_id) for n in networks]
        field.error_messages["invalid_choice"] = (
            "This is not an external network. Choose one of the external networks, "
            "for example “public”."
        )
        subnet = self.fields["subnet_id"]
        assert isinstance(subnet, forms.ChoiceField)
        subnet.choices = [("", "Any")] + [
            (s.id, f"{s.cidr} ({network.name_or_id})")
            for network in networks
            for s in external_subnet_list(project_id=self.project_id, network_id=network.id)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        network = (
            external_network_list(project_id=self.project_id)
            .filter(pk=data.get("floating_network_id"))
            .first()
        )
        if network is None:
            return data
        subnets = list(external_subnet_list(project_id=self.project_id, network_id=network.id))
        if data.get("subnet_id"):
            subnets = [s for s in subnets if s.id == data["subnet_id"]]
            if not subnets:
                self.add_error("subnet_id", f"This subnet is not on “{network.name_or_id}”.")
                return data
        address = data.get("floating_ip_address")
        if address:
            self._check_address(address, network, subnets)
        return data

    def _check_address(self, address: str, network: Network, subnets: list[Any]) -> None:
        ip = ipaddress.ip_address(address)
        where = (
            f"subnet {subnets[0].cidr}"
            if self.cleaned_data.get("subnet_id")
            else f"network “{network.name_or_id}”"
        )
        if not any(ip in ipaddress.ip_network(s.cidr) for s in subnets):
            self.add_error("floating_ip_address", f"{address} is not inside {where}.")
        elif any(address == s.gateway_ip for s in subnets):
            self.add_error("floating_ip_address", f"{address} is the gateway of {where}.")
        elif (taken := floating_ip_holding_address(network_id=network.id, address=address)) or (
            port_holding_address(network_id=network.id, ip_address=address)
        ):
            owner = (
                " to this project"
                if taken is not None and taken.project_id == self.project_id
                else ""
            )
            self.add_error(
                "floating_ip_address",
                f"{address} is already in use{owner} on “{network.name_or_id}”. Choose another "
                "address, or leave it empty for any free one.",
            )

    def operation_request(self) -> OperationRequest:
        address = self.cleaned_data.get("floating_ip_address")
        return OperationRequest(
            service=services.floating_ip_create,
            description=f"Allocate floating IP {address}" if address else "Allocate a floating IP",
            target_type="floating_ip",
            target_name=address or "",
            params=self.cleaned_data,
        )


class _TargetAddressForm(FloatingIPForm):
    """What associating and forwarding share: a port (`target_ports`) and one of its IPv4
    addresses, reachable from the floating IP's external network through a router."""

    port_field = ""
    address_field = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.port_field]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (port.id, _port_label(port)) for port in self.target_ports() if ipv4_addresses(port)
        ]
        field.error_messages["invalid_choice"] = (
            "Choose one of this project's ports that has an IPv4 address."
        )

    def floating_ip_label(self, floating_ip: FloatingIP) -> str:
        """How a refusal names a floating IP mapped to the port: by address when it is the
        project's; an administrator may have mapped another project's, which is not named."""
        if floating_ip.project_id == self.project_id:
            return f"floating IP {floating_ip.floating_ip_address}"
        return "a floating IP"

    def target(self, data: dict[str, Any], external: Network | None) -> tuple[Port, str] | None:
        """The chosen port and address, checked against the `external` network the floating
        IP comes from; None after adding the field's error."""
        port = self.target_ports().filter(pk=data.get(self.port_field)).first()
        if port is None:
            return None
        addresses = ipv4_addresses(port)
        address = data.get(self.address_field) or ""
        if not address and len(addresses) == 1:
            address = addresses[0]
        if address not in addresses:
            listed = ", ".join(addresses)
            self.add_error(
                self.address_field,
                f"Port “{port.name_or_id}” has the IPv4 addresses {listed}: choose one of them."
                if address
                else f"Port “{port.name_or_id}” has several IPv4 addresses ({listed}): choose one.",
            )
            return None
        subnet_id = next(f["subnet_id"] for f in port.fixed_ips if f["ip_address"] == address)
        reason = unreachable_reason(
            project_id=self.project_id,
            subnet_id=subnet_id,
            external_network_id=external.id if external else "",
            external_network_name=external.name_or_id if external else "the external network",
        )
        if reason:
            self.add_error(self.port_field, reason)
            return None
        return port, address


def _port_label(port: Any) -> str:
    owner = f"instance “{port.server_name}” · " if getattr(port, "server_name", None) else ""
    return f"{owner}{port.name_or_id} ({', '.join(ipv4_addresses(port))})"


class FloatingIPAssociateForm(_TargetAddressForm):
    """Map a floating IP to one IPv4 address of a port: the floating IP `obj`, or, where the form
    chooses it, one of the project's free floating IPs or a new one from an external network."""

    action = "associate"
    policy = ("neutron", "update_floatingip")
    label = "Associate"
    port_field = "port_id"
    address_field = "fixed_ip_address"

    port_id = forms.ChoiceField(label="Port", help_text="An instance's port, or any port.")
    fixed_ip_address = forms.GenericIPAddressField(
        label="Fixed IP",
        protocol="IPv4",
        required=False,
        help_text="Only needed when the port has several IPv4 addresses.",
    )

    @classmethod
    def applies_to(cls, obj: FloatingIP) -> bool:
        """Free to associate: no port, and no port forwardings (Neutron maps one or the other)."""
        return not obj.port_id and not forwarding_count(obj)

    @classmethod
    def choosing_fields(cls) -> dict[str, forms.Field]:
        return {
            "floating_ip": FloatingIPChoiceField(
                queryset=FloatingIP.objects.none(),
                required=False,
                label="Floating IP",
                help_text="One of your project's floating IPs that is mapped to nothing.",
            ),
            "floating_network": forms.ModelChoiceField(
                queryset=Network.objects.none(),
                required=False,
                label="Or allocate a new one from",
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.chooses_floating_ip:
            floating_ip, network = self.fields["floating_ip"], self.fields["floating_network"]
            assert isinstance(floating_ip, forms.ModelChoiceField)
            assert isinstance(network, forms.ModelChoiceField)
            floating_ip.queryset = floating_ip_list(project_id=self.project_id).filter(
                port__isnull=True
            )
            network.queryset = external_network_list(project_id=self.project_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floating_ip, external = self._floating_ip_or_network(data)
        if floating_ip is not None and forwarding_count(floating_ip):
            raise OperationRefused(
                f"Floating IP {floating_ip.floating_ip_address} has port forwardings; Neutron "
                "maps a floating IP either to one port or through port forwardings. Delete its "
                "port forwardings first."
            )
        target = self.target(data, external)
        if target is None:
            return data
        port, address = target
        taken = floating_ip_of_fixed_ip(port_id=port.id, fixed_ip_address=address)
        if taken is not None:
            self.add_error(
                self.address_field,
                f"{address} of port “{port.name_or_id}” already has "
                f"{self.floating_ip_label(taken)}. Disassociate that one first.",
            )
            return data
        chosen = {name: data.get(name) for name in self.choosing_fields() if name in self.fields}
        return {"port_id": port.id, "fixed_ip_address": address, "port_name": port.name, **chosen}

    def _floating_ip_or_network(
        self, data: dict[str, Any]
    ) -> tuple[FloatingIP | None, Network | None]:
        """The floating IP to map (None for a new one) and the external network it is on."""
        if not self.chooses_floating_ip:
            return self.obj, self.obj.floating_network
        floating_ip, network = data.get("floating_ip"), data.get("floating_network")
        if bool(floating_ip) == bool(network):
            raise forms.ValidationError(
                "Choose either one of your floating IPs or an external network to allocate a "
                "new one from, not both."
            )
        return (floating_ip, floating_ip.floating_network) if floating_ip else (None, network)

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        port = data["port_name"] or data["port_id"]
        onto = f"{self.device_label() or f'port “{port}”'} ({data['fixed_ip_address']})"
        params = {name: data[name] for name in ("port_id", "fixed_ip_address", "port_name")}
        if not self.chooses_floating_ip:
            floating_ip: FloatingIP = self.obj
            return self.floating_ip_request(
                services.floating_ip_associate,
                f"Associate floating IP {floating_ip.floating_ip_address} to {onto}",
                params,
            )
        if (chosen := data["floating_ip"]) is not None:
            params["floating_ip_id"] = chosen.id
            which = f"floating IP {chosen.floating_ip_address}"
        else:
            params["floating_network_id"] = data["floating_network"].id
            which = f"a new floating IP from “{data['floating_network'].name_or_id}”"
        return OperationRequest(
            service=services.floating_ip_associate,
            description=f"Associate {which} to {onto}",
            target_type="floating_ip",
            target_id=chosen.id if chosen else "",
            target_name=chosen.floating_ip_address if chosen else "",
            params=params,
        )


class FloatingIPDisassociateForm(FloatingIPForm):
    """Unmap a floating IP from its port: the floating IP `obj`, or, where the form chooses it,
    one of those mapped to the device's ports. It stays allocated to the project."""

    action = "disassociate"
    policy = ("neutron", "update_floatingip")
    label = "Disassociate"
    confirm = "Disassociate floating IP {obj}?"

    @classmethod
    def applies_to(cls, obj: FloatingIP) -> bool:
        return bool(obj.port_id)

    @classmethod
    def choosing_fields(cls) -> dict[str, forms.Field]:
        return {
            "floating_ip": FloatingIPChoiceField(
                queryset=FloatingIP.objects.none(), empty_label=None, label="Floating IP"
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.chooses_floating_ip:
            field = self.fields["floating_ip"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = floating_ip_list(project_id=self.project_id).filter(
                port__in=self.target_ports()
            )

    def operation_request(self) -> OperationRequest:
        if not self.chooses_floating_ip:
            floating_ip: FloatingIP = self.obj
            return self.floating_ip_request(
                services.floating_ip_disassociate,
                f"Disassociate floating IP {floating_ip.floating_ip_address}",
            )
        chosen: FloatingIP = self.cleaned_data["floating_ip"]
        return OperationRequest(
            service=services.floating_ip_disassociate,
            description=(
                f"Disassociate floating IP {chosen.floating_ip_address} from {self.device_label()}"
            ),
            target_type="floating_ip",
            target_id=chosen.id,
            target_name=chosen.floating_ip_address,
            params={"floating_ip_id": chosen.id},
        )


class FloatingIPReleaseForm(FloatingIPForm):
    """Release the floating IP; refused while it has port forwardings, which Neutron refuses
    to release (409 FipInUseByPortForwarding)."""

    action = "delete"
    policy = ("neutron", "delete_floatingip")
    label = "Release"
    confirm = "Release floating IP {obj}?"

    def clean(self) -> dict[str, Any]:
        if forwardings := forwarding_count(self.obj):
            raise OperationRefused(release_refusal(self.obj, forwardings))
        return super().clean()

    def operation_request(self) -> OperationRequest:
        address = self.obj.floating_ip_address
        return self.floating_ip_request(
            services.floating_ip_delete, f"Release floating IP {address}"
        )


class PortForwardingForm(_TargetAddressForm):
    """Forward an external port of the floating IP (`obj`) to a port's address and port; the
    operation targets the floating IP: one change to its rules at a time."""

    action = "port_forwarding_create"
    policy = ("neutron", "create_floatingip_port_forwarding")
    # Neutron names both the destination port (a Neutron port) and its port number "internal
    # port": the labels say which is which.
    port_field = "internal_port_id"
    address_field = "internal_ip_address"
    protocol = forms.ChoiceField(label="Protocol", choices=[("tcp", "TCP"), ("udp", "UDP")])
    external_port = forms.IntegerField(
        label="External port number",
        help_text="The port number on the floating IP that clients connect to, e.g. 2222.",
        min_value=1,
        max_value=65535,
    )
    internal_port_id = forms.ChoiceField(
        label="Forward to (instance or port)",
        help_text="The instance's network port (or any port of this project) that receives "
        "the traffic; it needs an IPv4 address on a subnet routed to the floating IP's network.",
    )
    internal_ip_address = forms.GenericIPAddressField(
        label="Destination address",
        protocol="IPv4",
        required=False,
        help_text="Only needed when that port has several IPv4 addresses.",
    )
    internal_port = forms.IntegerField(
        label="Destination port number",
        help_text="The port number the service listens on at that address, e.g. 22 for SSH.",
        min_value=1,
        max_value=65535,
    )
    description = DescriptionField()

    @classmethod
    def applies_to(cls, obj: FloatingIP) -> bool:
        """Neutron forwards ports of a floating IP without association only."""
        return not obj.port_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floating_ip: FloatingIP = self.obj
        if not port_forwarding_supported():
            raise OperationRefused("This cloud does not offer port forwarding.")
        clash = (
            port_forwarding_list(project_id=self.project_id, floating_ip_id=floating_ip.id)
            .filter(protocol=data.get("protocol"), external_port_number=data.get("external_port"))
            .first()
        )
        if clash is not None:
            self.add_error(
                "external_port",
                f"{clash.protocol.upper()} port {clash.external_port_number} is already "
                f"forwarded to {clash.internal_ip_address}:{clash.internal_port_number}.",
            )
        target = self.target(data, floating_ip.floating_network)
        if target is None or clash is not None:
            return data
        port, address = target
        if (
            bound := floating_ip_of_fixed_ip(port_id=port.id, fixed_ip_address=address)
        ) is not None:
            self.add_error(
                "internal_ip_address",
                f"{address} already has {self.floating_ip_label(bound)} of its own; Neutron "
                "forwards only to addresses without one.",
            )
            return data
        return {**data, "internal_port_id": port.id, "internal_ip_address": address}

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        description = (
            f"Forward {data['protocol']} port {data['external_port']} of floating IP "
            f"{self.obj.floating_ip_address} to {data['internal_ip_address']}:"
            f"{data['internal_port']}"
        )
        return self.floating_ip_request(services.port_forwarding_create, description, data)


class PortForwardingDeleteForm(ProjectForm):
    """Stop forwarding one port of a floating IP; the operation targets the floating IP."""

    model = PortForwarding
    action = "delete"
    policy = ("neutron", "delete_floatingip_port_forwarding")
    confirm = "Delete this port forwarding?"

    def operation_request(self) -> OperationRequest:
        rule: PortForwarding = self.obj
        floating_ip = rule.floating_ip
        address = floating_ip.floating_ip_address if floating_ip else rule.floating_ip_id
        external = rule.external_port_number or rule.external_port_range
        return OperationRequest(
            service=services.port_forwarding_delete,
            description=(
                f"Stop forwarding {rule.protocol} port {external} of floating IP {address}"
            ),
            target_type="floating_ip",
            target_id=rule.floating_ip_id or "",
            target_name=address or "",
            params={"floating_ip_id": rule.floating_ip_id, "port_forwarding_id": rule.id},
        )
