"""Port actions: create, edit and delete, with the checks the mirror allows before any cloud
call; a port its owner manages (an instance, a router, Neutron) is refused a direct delete."""

import ipaddress
import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import OperationRefused
from dashboard.web.forms import DescriptionField, LinesField, NameField, ProjectForm, neutron_limit
from networks.models import Network, Port, Subnet
from networks.selectors.ports import (
    port_delete_refusal,
    port_holding_address,
    port_network_choices,
    port_security_group_choices,
    port_subnet_choices,
)
from networks.services import ports as services

MAC = re.compile(r"^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$", re.IGNORECASE)


def boolean_select(choices: list[tuple[str, StrOrPromise]]) -> forms.NullBooleanSelect:
    """A select for a NullBooleanField with our labels ("unknown": Neutron's default)."""
    widget = forms.NullBooleanSelect()
    widget.choices = choices
    return widget


def port_request(
    port: Port, service: Service, description: Message, params: dict[str, Any] | None = None
) -> OperationRequest:
    """An operation on `port`: it is the target, and the service gets its id and `params`."""
    return OperationRequest(
        service=service,
        description=description,
        target_type="port",
        target_id=port.id,
        target_name=port.name,
        params={"port_id": port.id, **(params or {})},
    )


class PortForm(ProjectForm):
    """Create a port on a network the project may use (`obj` None), or edit `obj`."""

    model = Port
    quotas = (("network", "port"),)

    name = NameField(label=_("Name"), required=False)
    network_id = forms.ChoiceField(label=_("Network"))
    fixed_ips = LinesField(
        max_lines=neutron_limit("max_fixed_ips_per_port"),
        required=False,
        label=_("Fixed IPs"),
        help_text=_(
            "One per line: an address (10.0.0.5), a subnet by name or CIDR for any free "
            "address of it, or both (“10.0.0.0/24 10.0.0.5”). Empty: Neutron picks one."
        ),
    )
    security_group_ids = forms.MultipleChoiceField(
        required=False,
        label=_("Security groups"),
        help_text=_("None chosen on a new port: the project's default group."),
    )
    port_security_enabled = forms.NullBooleanField(
        required=False,
        label=_("Port security"),
        widget=boolean_select(
            [("unknown", _("Network's default")), ("true", _("On")), ("false", _("Off"))]
        ),
    )
    allowed_address_pairs = LinesField(
        max_lines=neutron_limit("max_allowed_address_pair"),
        required=False,
        label=_("Allowed address pairs"),
        help_text=_(
            "One per line: an IP address or CIDR, optionally with a MAC "
            "(“10.0.0.100/32, fa:16:3e:00:00:01”). Needs port security on."
        ),
    )
    admin_state_up = forms.NullBooleanField(
        required=False,
        label=_("Admin state"),
        widget=boolean_select([("true", _("Up")), ("false", _("Down"))]),
    )
    description = DescriptionField(label=_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("port_security_enabled", "admin_state_up"):
            self.fields[name].widget.attrs["class"] = "form-select"
        groups = self.fields["security_group_ids"]
        assert isinstance(groups, forms.MultipleChoiceField)
        groups.choices = [
            (group.id, group.name_or_id)
            for group in port_security_group_choices(project_id=self.project_id)
        ]
        if self.obj is not None:
            del self.fields["network_id"]
            return
        network = self.fields["network_id"]
        assert isinstance(network, forms.ChoiceField)
        network.choices = [
            (n.id, n.name_or_id) for n in port_network_choices(project_id=self.project_id)
        ]
        network.error_messages["invalid_choice"] = _(
            "Choose one of this project's networks or a shared network."
        )

    @property
    def network(self) -> Network | None:
        if self.obj is not None:
            network: Network | None = self.obj.network
            return network
        network_id = self.cleaned_data.get("network_id")
        return port_network_choices(project_id=self.project_id).filter(pk=network_id).first()

    def clean_fixed_ips(self) -> list[dict[str, str]]:
        network = self.network
        if network is None:
            return []
        field = self.fields["fixed_ips"]
        assert isinstance(field, LinesField)
        subnets = list(port_subnet_choices(project_id=self.project_id, network_id=network.id))
        fixed_ips = [
            self._fixed_ip(line, network, subnets)
            for line in field.lines(self.cleaned_data["fixed_ips"])
        ]
        addresses = [fixed["ip_address"] for fixed in fixed_ips if "ip_address" in fixed]
        if len(set(addresses)) != len(addresses):
            raise forms.ValidationError(gettext("The same address is given twice."))
        return fixed_ips

    def _fixed_ip(self, line: str, network: Network, subnets: list[Subnet]) -> dict[str, str]:
        """One line of the fixed IPs: {"subnet_id", "ip_address"}, each only when known."""
        subnet: Subnet | None = None
        address = ""
        for token in re.split(r"[,\s]+", line):
            try:
                address = str(ipaddress.ip_address(token))
                continue
            except ValueError:
                pass
            subnet = next((s for s in subnets if token in (s.id, s.name, s.cidr)), None)
            if subnet is None:
                raise forms.ValidationError(
                    gettext("“%(token)s” is neither an address nor a subnet of network “%(name)s”.")
                    % {"token": token, "name": network.name_or_id}
                )
        if address and subnet is None:
            subnet = next((s for s in subnets if _inside(address, s.cidr)), None)
            if subnet is None:
                raise forms.ValidationError(
                    gettext("No subnet of network “%(name)s” contains %(address)s.")
                    % {"name": network.name_or_id, "address": address}
                )
        assert subnet is not None
        fixed = {"subnet_id": subnet.id}
        if address:
            self._check_address(address, subnet, network)
            fixed["ip_address"] = address
        return fixed

    def _check_address(self, address: str, subnet: Subnet, network: Network) -> None:
        params = {"address": address, "cidr": subnet.cidr, "name": subnet.name_or_id}
        if not _inside(address, subnet.cidr):
            raise forms.ValidationError(
                gettext("%(address)s is not inside subnet %(cidr)s (“%(name)s”).") % params
            )
        if address == subnet.gateway_ip:
            raise forms.ValidationError(
                gettext("%(address)s is the gateway address of subnet %(cidr)s (“%(name)s”).")
                % params
            )
        holder = port_holding_address(
            network_id=network.id,
            ip_address=address,
            exclude_port_id=self.obj.id if self.obj is not None else "",
        )
        if holder is not None:
            # Another project's port on a shared network is not the user's to know of.
            if holder.project_id == self.project_id:
                message = gettext(
                    "%(address)s is already used by port “%(port)s”. Choose another address, or "
                    "give only the subnet to get a free one."
                )
            else:
                message = gettext(
                    "%(address)s is already in use. Choose another address, or give only the "
                    "subnet to get a free one."
                )
            raise forms.ValidationError(message % {"address": address, "port": holder.name_or_id})

    def clean_allowed_address_pairs(self) -> list[dict[str, str]]:
        field = self.fields["allowed_address_pairs"]
        assert isinstance(field, LinesField)
        pairs = []
        for line in field.lines(self.cleaned_data["allowed_address_pairs"]):
            address, mac = [*re.split(r"[,\s]+", line, maxsplit=1), ""][:2]
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise forms.ValidationError(
                    gettext("“%(address)s” is not an IP address or CIDR (line “%(line)s”).")
                    % {"address": address, "line": line}
                ) from None
            pair = {"ip_address": address}
            if mac:
                if not MAC.match(mac):
                    raise forms.ValidationError(
                        gettext(
                            "“%(mac)s” is not a MAC address such as fa:16:3e:00:00:01 "
                            "(line “%(line)s”)."
                        )
                        % {"mac": mac, "line": line}
                    )
                pair["mac_address"] = mac.lower().replace("-", ":")
            pairs.append(pair)
        return pairs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        security = data.get("port_security_enabled")
        if security is None:
            current = self.obj if self.obj is not None else self.network
            security = current.port_security_enabled if current is not None else None
        if security is False:
            if data.get("security_group_ids"):
                self.add_error(
                    "security_group_ids",
                    gettext(
                        "A port without port security has no security groups. Turn port "
                        "security on, or choose no group."
                    ),
                )
            if data.get("allowed_address_pairs"):
                self.add_error(
                    "allowed_address_pairs",
                    gettext(
                        "Allowed address pairs need port security. Turn it on, or leave this empty."
                    ),
                )
        return data


def _inside(address: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


class PortCreateForm(PortForm):
    action = "create"
    on_object = False
    policy = ("neutron", "create_port")

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        return OperationRequest(
            service=services.port_create,
            description=Message(gettext_noop("Create port “%(name)s”"), {"name": name})
            if name
            else Message(gettext_noop("Create an unnamed port")),
            target_type="port",
            target_name=name,
            params=self.cleaned_data,
        )


class PortEditForm(PortForm):
    """Edit the port `obj`, unless it changed since the form was shown (its revision)."""

    action = "update"
    policy = ("neutron", "update_port")
    label = _("Edit")

    @classmethod
    def initial_for(cls, obj: Port) -> dict[str, Any]:
        return {
            "name": obj.name,
            "description": obj.description,
            "fixed_ips": "\n".join(
                f"{fixed['subnet_id']} {fixed['ip_address']}" for fixed in obj.fixed_ips
            ),
            "security_group_ids": list(obj.security_group_ids),
            "port_security_enabled": obj.port_security_enabled,
            "allowed_address_pairs": "\n".join(
                ", ".join(filter(None, (pair.get("ip_address"), pair.get("mac_address"))))
                for pair in obj.allowed_address_pairs
            ),
            "admin_state_up": obj.admin_state_up,
        }

    def operation_request(self) -> OperationRequest:
        port: Port = self.obj
        return port_request(
            port,
            services.port_update,
            Message(gettext_noop("Change port “%(name)s”"), {"name": port.name_or_id}),
            {
                **self.cleaned_data,
                "network_id": port.network_id,
                "revision_number": port.revision_number,
            },
        )


class PortRenameForm(ProjectForm):
    """Give the port `obj` a new name."""

    model = Port
    action = "rename"
    policy = ("neutron", "update_port")
    label = _("Rename")

    name = NameField(label=_("Name"))

    @classmethod
    def initial_for(cls, obj: Port) -> dict[str, Any]:
        return {"name": obj.name}

    def operation_request(self) -> OperationRequest:
        port: Port = self.obj
        name = self.cleaned_data["name"]
        description = Message(
            gettext_noop("Rename port “%(name)s” to “%(new_name)s”"),
            {"name": port.name_or_id, "new_name": name},
        )
        return port_request(port, services.port_rename, description, {"name": name})


class PortDeleteForm(ProjectForm):
    """Delete the port; refused for a port its owner (an instance, a router, Neutron) manages."""

    model = Port
    action = "delete"
    policy = ("neutron", "delete_port")
    label = _("Delete")
    confirm = _("Delete port {obj}?")

    def clean(self) -> dict[str, Any]:
        if refusal := port_delete_refusal(port=self.obj):
            raise OperationRefused(refusal)
        return super().clean()

    def operation_request(self) -> OperationRequest:
        port: Port = self.obj
        return port_request(
            port,
            services.port_delete,
            Message(gettext_noop("Delete port “%(name)s”"), {"name": port.name_or_id}),
        )
