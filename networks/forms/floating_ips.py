"""Floating IP forms: allocate, associate, and port forwarding rules."""

import ipaddress
from typing import Any

from django import forms

from dashboard.web.forms import DescriptionField, ProjectForm
from networks.models import FloatingIP, Network, Port
from networks.selectors.floating_ips import (
    floating_ip_holding_address,
    floating_ip_of_fixed_ip,
    floating_ip_target_ports,
    ipv4_addresses,
    port_forwarding_list,
    port_forwarding_supported,
    unreachable_reason,
)
from networks.selectors.networks import external_network_list, external_subnet_list
from networks.selectors.ports import port_holding_address

PORT_NUMBER = {"min_value": 1, "max_value": 65535}


class FloatingIPCreateForm(ProjectForm):
    """Allocate from an external network, optionally from one subnet or at one address."""

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


class _TargetAddressForm(ProjectForm):
    """What associating and forwarding share: a port of the project and one of its IPv4
    addresses, reachable from the floating IP's external network through a router."""

    port_field = ""
    address_field = ""
    obj: FloatingIP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.port_field]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (port.id, _port_label(port))
            for port in floating_ip_target_ports(project_id=self.project_id)
            if ipv4_addresses(port)
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

    def target(self, data: dict[str, Any]) -> tuple[Port, str] | None:
        """The chosen port and address, checked; None after adding the field's error."""
        port = (
            floating_ip_target_ports(project_id=self.project_id)
            .filter(pk=data.get(self.port_field))
            .first()
        )
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
        network = self.obj.floating_network
        reason = unreachable_reason(
            project_id=self.project_id,
            subnet_id=subnet_id,
            external_network_id=self.obj.floating_network_id or "",
            external_network_name=network.name_or_id if network else "the external network",
        )
        if reason:
            self.add_error(self.port_field, reason)
            return None
        return port, address


def _port_label(port: Any) -> str:
    owner = f"instance “{port.server_name}” · " if getattr(port, "server_name", None) else ""
    return f"{owner}{port.name_or_id} ({', '.join(ipv4_addresses(port))})"


class FloatingIPAssociateForm(_TargetAddressForm):
    """Map the floating IP (`obj`) to one address of a port of the project."""

    port_field = "port_id"
    address_field = "fixed_ip_address"
    port_id = forms.ChoiceField(label="Port", help_text="An instance's port, or any port.")
    fixed_ip_address = forms.GenericIPAddressField(
        label="Fixed IP",
        protocol="IPv4",
        required=False,
        help_text="Only needed when the port has several IPv4 addresses.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floating_ip = self.obj
        if floating_ip.port_id:
            raise forms.ValidationError(
                f"Floating IP {floating_ip.floating_ip_address} is already associated to "
                f"{floating_ip.fixed_ip_address}. Disassociate it first."
            )
        if floating_ip.port_forwardings.exists():
            raise forms.ValidationError(
                f"Floating IP {floating_ip.floating_ip_address} has port forwardings; Neutron "
                "maps a floating IP either to one port or through port forwardings. Delete its "
                "port forwardings first."
            )
        target = self.target(data)
        if target is None:
            return data
        port, address = target
        taken = floating_ip_of_fixed_ip(port_id=port.id, fixed_ip_address=address)
        if taken is not None:
            self.add_error(
                "fixed_ip_address",
                f"{address} of port “{port.name_or_id}” already has "
                f"{self.floating_ip_label(taken)}. Disassociate that one first.",
            )
            return data
        return {"port_id": port.id, "fixed_ip_address": address, "port_name": port.name}


class PortForwardingForm(_TargetAddressForm):
    """Forward an external port of the floating IP (`obj`) to a port's address and port."""

    # Neutron names both the destination port (a Neutron port) and its port number "internal
    # port": the labels say which is which.
    port_field = "internal_port_id"
    address_field = "internal_ip_address"
    protocol = forms.ChoiceField(label="Protocol", choices=[("tcp", "TCP"), ("udp", "UDP")])
    external_port = forms.IntegerField(
        label="External port number",
        help_text="The port number on the floating IP that clients connect to, e.g. 2222.",
        **PORT_NUMBER,
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
        **PORT_NUMBER,
    )
    description = DescriptionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floating_ip = self.obj
        if not port_forwarding_supported():
            raise forms.ValidationError("This cloud does not offer port forwarding.")
        if floating_ip.port_id:
            raise forms.ValidationError(
                f"Floating IP {floating_ip.floating_ip_address} is associated to "
                f"{floating_ip.fixed_ip_address}; port forwarding needs a floating IP without "
                "association. Disassociate it first."
            )
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
        target = self.target(data)
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
