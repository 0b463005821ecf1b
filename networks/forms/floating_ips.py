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
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dashboard.i18n import Message, gettext_noop
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
    return ngettext(
        "Floating IP %(address)s has a port forwarding, and Neutron releases only a floating IP "
        "without any. Delete its port forwardings on its page first, then release it.",
        "Floating IP %(address)s has %(count)s port forwardings, and Neutron releases only a "
        "floating IP without any. Delete its port forwardings on its page first, then release it.",
        forwardings,
    ) % {"address": floating_ip.floating_ip_address, "count": forwardings}


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

    def device_label(self) -> Message | str:
        """The device the page is about, as descriptions name it ("" on a floating IP's); a
        Message (“server “web””) is rendered in the reader's language with the description."""
        return ""

    def floating_ip_request(
        self, service: Service, description: Message, params: Mapping[str, Any] | None = None
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

    floating_network_id = forms.ChoiceField(label=_("External network"))
    subnet_id = forms.ChoiceField(
        label=_("Subnet"), required=False, help_text=_("Optional: allocate from this subnet.")
    )
    floating_ip_address = forms.GenericIPAddressField(
        label=_("Address"),
        required=False,
        protocol="IPv4",
        help_text=_("Optional: this exact address."),
    )
    description = DescriptionField(label=_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        networks = list(external_network_list(project_id=self.project_id))
        field = self.fields["floating_network_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n.id, n.name_or_id) for n in networks]
        field.error_messages["invalid_choice"] = _(
            "This is not an external network. Choose one of the external networks, "
            "for example “public”."
        )
        subnet = self.fields["subnet_id"]
        assert isinstance(subnet, forms.ChoiceField)
        subnet.choices = [("", gettext("Any"))] + [
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
                self.add_error(
                    "subnet_id",
                    gettext("This subnet is not on “%(network)s”.")
                    % {"network": network.name_or_id},
                )
                return data
        address = data.get("floating_ip_address")
        if address:
            self._check_address(address, network, subnets)
        return data

    def _check_address(self, address: str, network: Network, subnets: list[Any]) -> None:
        ip = ipaddress.ip_address(address)
        params = {"address": address, "cidr": subnets[0].cidr, "network": network.name_or_id}
        on_subnet = bool(self.cleaned_data.get("subnet_id"))
        if not any(ip in ipaddress.ip_network(s.cidr) for s in subnets):
            if on_subnet:
                message = gettext("%(address)s is not inside subnet %(cidr)s.")
            else:
                message = gettext("%(address)s is not inside network “%(network)s”.")
            self.add_error("floating_ip_address", message % params)
        elif any(address == s.gateway_ip for s in subnets):
            if on_subnet:
                message = gettext("%(address)s is the gateway of subnet %(cidr)s.")
            else:
                message = gettext("%(address)s is the gateway of network “%(network)s”.")
            self.add_error("floating_ip_address", message % params)
        elif (taken := floating_ip_holding_address(network_id=network.id, address=address)) or (
            port_holding_address(network_id=network.id, ip_address=address)
        ):
            if taken is not None and taken.project_id == self.project_id:
                message = gettext(
                    "%(address)s is already in use to this project on “%(network)s”. Choose "
                    "another address, or leave it empty for any free one."
                )
            else:
                message = gettext(
                    "%(address)s is already in use on “%(network)s”. Choose another address, or "
                    "leave it empty for any free one."
                )
            self.add_error("floating_ip_address", message % params)

    def operation_request(self) -> OperationRequest:
        address = self.cleaned_data.get("floating_ip_address")
        return OperationRequest(
            service=services.floating_ip_create,
            description=Message(
                gettext_noop("Allocate floating IP %(address)s"), {"address": address}
            )
            if address
            else Message(gettext_noop("Allocate a floating IP")),
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
        field.error_messages["invalid_choice"] = _(
            "Choose one of this project's ports that has an IPv4 address."
        )

    def floating_ip_label(self, floating_ip: FloatingIP) -> str:
        """How a refusal names a floating IP mapped to the port: by address when it is the
        project's; an administrator may have mapped another project's, which is not named."""
        if floating_ip.project_id == self.project_id:
            return gettext("floating IP %(address)s") % {"address": floating_ip.floating_ip_address}
        return gettext("a floating IP")

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
            if address:
                message = gettext(
                    "Port “%(port)s” has the IPv4 addresses %(addresses)s: choose one of them."
                )
            else:
                message = gettext(
                    "Port “%(port)s” has several IPv4 addresses (%(addresses)s): choose one."
                )
            self.add_error(
                self.address_field,
                message % {"port": port.name_or_id, "addresses": ", ".join(addresses)},
            )
            return None
        subnet_id = next(f["subnet_id"] for f in port.fixed_ips if f["ip_address"] == address)
        reason = unreachable_reason(
            project_id=self.project_id,
            subnet_id=subnet_id,
            external_network_id=external.id if external else "",
            external_network_name=external.name_or_id
            if external
            else gettext("the external network"),
        )
        if reason:
            self.add_error(self.port_field, reason)
            return None
        return port, address


def _port_label(port: Any) -> str:
    params = {
        "server": getattr(port, "server_name", None),
        "port": port.name_or_id,
        "addresses": ", ".join(ipv4_addresses(port)),
    }
    if params["server"]:
        return gettext("instance “%(server)s” · %(port)s (%(addresses)s)") % params
    return f"{params['port']} ({params['addresses']})"


class FloatingIPAssociateForm(_TargetAddressForm):
    """Map a floating IP to one IPv4 address of a port: the floating IP `obj`, or, where the form
    chooses it, one of the project's free floating IPs or a new one from an external network."""

    action = "associate"
    policy = ("neutron", "update_floatingip")
    label: ClassVar[StrOrPromise] = _("Associate")
    port_field = "port_id"
    address_field = "fixed_ip_address"

    port_id = forms.ChoiceField(label=_("Port"), help_text=_("An instance's port, or any port."))
    fixed_ip_address = forms.GenericIPAddressField(
        label=_("Fixed IP"),
        protocol="IPv4",
        required=False,
        help_text=_("Only needed when the port has several IPv4 addresses."),
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
                label=_("Floating IP"),
                help_text=_("One of your project's floating IPs that is mapped to nothing."),
            ),
            "floating_network": forms.ModelChoiceField(
                queryset=Network.objects.none(),
                required=False,
                label=_("Or allocate a new one from"),
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
                gettext(
                    "Floating IP %(address)s has port forwardings; Neutron maps a floating IP "
                    "either to one port or through port forwardings. Delete its port forwardings "
                    "first."
                )
                % {"address": floating_ip.floating_ip_address}
            )
        target = self.target(data, external)
        if target is None:
            return data
        port, address = target
        taken = floating_ip_of_fixed_ip(port_id=port.id, fixed_ip_address=address)
        if taken is not None:
            self.add_error(
                self.address_field,
                gettext(
                    "%(address)s of port “%(port)s” already has %(floating_ip)s. Disassociate "
                    "that one first."
                )
                % {
                    "address": address,
                    "port": port.name_or_id,
                    "floating_ip": self.floating_ip_label(taken),
                },
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
                gettext(
                    "Choose either one of your floating IPs or an external network to allocate a "
                    "new one from, not both."
                )
            )
        return (floating_ip, floating_ip.floating_network) if floating_ip else (None, network)

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        port = data["port_name"] or data["port_id"]
        onto = {
            "target": self.device_label()
            or Message(gettext_noop("port “%(port)s”"), {"port": port}),
            "fixed_ip": data["fixed_ip_address"],
        }
        params = {name: data[name] for name in ("port_id", "fixed_ip_address", "port_name")}
        if not self.chooses_floating_ip:
            floating_ip: FloatingIP = self.obj
            return self.floating_ip_request(
                services.floating_ip_associate,
                Message(
                    gettext_noop("Associate floating IP %(address)s to %(target)s (%(fixed_ip)s)"),
                    {"address": floating_ip.floating_ip_address, **onto},
                ),
                params,
            )
        if (chosen := data["floating_ip"]) is not None:
            params["floating_ip_id"] = chosen.id
            description = Message(
                gettext_noop("Associate floating IP %(address)s to %(target)s (%(fixed_ip)s)"),
                {"address": chosen.floating_ip_address, **onto},
            )
        else:
            params["floating_network_id"] = data["floating_network"].id
            description = Message(
                gettext_noop(
                    "Associate a new floating IP from “%(network)s” to %(target)s (%(fixed_ip)s)"
                ),
                {"network": data["floating_network"].name_or_id, **onto},
            )
        return OperationRequest(
            service=services.floating_ip_associate,
            description=description,
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
    label: ClassVar[StrOrPromise] = _("Disassociate")
    confirm: ClassVar[StrOrPromise] = _("Disassociate floating IP {obj}?")

    @classmethod
    def applies_to(cls, obj: FloatingIP) -> bool:
        return bool(obj.port_id)

    @classmethod
    def choosing_fields(cls) -> dict[str, forms.Field]:
        return {
            "floating_ip": FloatingIPChoiceField(
                queryset=FloatingIP.objects.none(), empty_label=None, label=_("Floating IP")
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
                Message(
                    gettext_noop("Disassociate floating IP %(address)s"),
                    {"address": floating_ip.floating_ip_address},
                ),
            )
        chosen: FloatingIP = self.cleaned_data["floating_ip"]
        return OperationRequest(
            service=services.floating_ip_disassociate,
            description=Message(
                gettext_noop("Disassociate floating IP %(address)s from %(target)s"),
                {"address": chosen.floating_ip_address, "target": self.device_label()},
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
    label = _("Release")
    confirm = _("Release floating IP {obj}?")

    def clean(self) -> dict[str, Any]:
        if forwardings := forwarding_count(self.obj):
            raise OperationRefused(release_refusal(self.obj, forwardings))
        return super().clean()

    def operation_request(self) -> OperationRequest:
        address = self.obj.floating_ip_address
        return self.floating_ip_request(
            services.floating_ip_delete,
            Message(gettext_noop("Release floating IP %(address)s"), {"address": address}),
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
    protocol = forms.ChoiceField(label=_("Protocol"), choices=[("tcp", "TCP"), ("udp", "UDP")])
    external_port = forms.IntegerField(
        label=_("External port number"),
        help_text=_("The port number on the floating IP that clients connect to, e.g. 2222."),
        min_value=1,
        max_value=65535,
    )
    internal_port_id = forms.ChoiceField(
        label=_("Forward to (instance or port)"),
        help_text=_(
            "The instance's network port (or any port of this project) that receives the "
            "traffic; it needs an IPv4 address on a subnet routed to the floating IP's network."
        ),
    )
    internal_ip_address = forms.GenericIPAddressField(
        label=_("Destination address"),
        protocol="IPv4",
        required=False,
        help_text=_("Only needed when that port has several IPv4 addresses."),
    )
    internal_port = forms.IntegerField(
        label=_("Destination port number"),
        help_text=_("The port number the service listens on at that address, e.g. 22 for SSH."),
        min_value=1,
        max_value=65535,
    )
    description = DescriptionField(label=_("Description"))

    @classmethod
    def applies_to(cls, obj: FloatingIP) -> bool:
        """Neutron forwards ports of a floating IP without association only."""
        return not obj.port_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floating_ip: FloatingIP = self.obj
        if not port_forwarding_supported():
            raise OperationRefused(gettext("This cloud does not offer port forwarding."))
        clash = (
            port_forwarding_list(project_id=self.project_id, floating_ip_id=floating_ip.id)
            .filter(protocol=data.get("protocol"), external_port_number=data.get("external_port"))
            .first()
        )
        if clash is not None:
            self.add_error(
                "external_port",
                gettext(
                    "%(protocol)s port %(external)s is already forwarded to "
                    "%(address)s:%(internal)s."
                )
                % {
                    "protocol": clash.protocol.upper(),
                    "external": clash.external_port_number,
                    "address": clash.internal_ip_address,
                    "internal": clash.internal_port_number,
                },
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
                gettext(
                    "%(address)s already has %(floating_ip)s of its own; Neutron forwards only to "
                    "addresses without one."
                )
                % {"address": address, "floating_ip": self.floating_ip_label(bound)},
            )
            return data
        return {**data, "internal_port_id": port.id, "internal_ip_address": address}

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        description = Message(
            gettext_noop(
                "Forward %(protocol)s port %(external)s of floating IP %(address)s to "
                "%(internal_address)s:%(internal)s"
            ),
            {
                "protocol": data["protocol"],
                "external": data["external_port"],
                "address": self.obj.floating_ip_address,
                "internal_address": data["internal_ip_address"],
                "internal": data["internal_port"],
            },
        )
        return self.floating_ip_request(services.port_forwarding_create, description, data)


class PortForwardingDeleteForm(ProjectForm):
    """Stop forwarding one port of a floating IP; the operation targets the floating IP."""

    model = PortForwarding
    action = "delete"
    policy = ("neutron", "delete_floatingip_port_forwarding")
    confirm = _("Delete this port forwarding?")

    def operation_request(self) -> OperationRequest:
        rule: PortForwarding = self.obj
        floating_ip = rule.floating_ip
        address = floating_ip.floating_ip_address if floating_ip else rule.floating_ip_id
        external = rule.external_port_number or rule.external_port_range
        return OperationRequest(
            service=services.port_forwarding_delete,
            description=Message(
                gettext_noop(
                    "Stop forwarding %(protocol)s port %(external)s of floating IP %(address)s"
                ),
                {"protocol": rule.protocol, "external": external, "address": address},
            ),
            target_type="floating_ip",
            target_id=rule.floating_ip_id or "",
            target_name=address or "",
            params={"floating_ip_id": rule.floating_ip_id, "port_forwarding_id": rule.id},
        )
