"""Router actions: the router, its external gateway, interfaces and static routes.

Each form is one action: its checks (every one the mirror can answer, so a change that cannot
succeed is refused before anything reaches the cloud), the policy rule it needs, and the
operation its valid data becomes. The gateway's SNAT and fixed-IP fields exist only where the
cloud's policy lets the user set them (`ProjectForm.policy_fields`).
"""

import ipaddress
from dataclasses import replace
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import OperationRefused
from dashboard.web.forms import (
    AdminStateField,
    DescriptionField,
    NameField,
    OnOffField,
    ProjectForm,
)
from networks.models import Router, Subnet
from networks.selectors.networks import external_network_list, external_subnet_list
from networks.selectors.routers import (
    RouterInterface,
    attachable_port_list,
    attachable_subnet_list,
    gateway_address_holder,
    router_floating_ips,
    router_interface_list,
    router_interface_subnets,
    router_routed_subnets,
    subnet_of_address,
)
from networks.services import routers as services
from networks.validation import first_overlap, usable_range


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]], blank: str) -> None:
    field = form.fields.get(name)
    if isinstance(field, forms.ChoiceField):
        field.choices = [("", blank), *choices]


def _gateway_policy(action: str) -> dict[str, tuple[str, str]]:
    """The policy rules of the gateway's SNAT and fixed-IP fields, when creating or updating."""
    rule = f"{action}_router:external_gateway_info"
    return {
        "enable_snat": ("neutron", f"{rule}:enable_snat"),
        "fixed_ip_subnet_id": ("neutron", f"{rule}:external_fixed_ips"),
        "fixed_ip_address": ("neutron", f"{rule}:external_fixed_ips"),
    }


class RouterGatewayFields(ProjectForm):
    """The external gateway: an external network, SNAT, and optionally the gateway's fixed IP
    (a subnet of that network and/or an address in it)."""

    gateway_network_required = True

    external_network_id = forms.ChoiceField(label=_("External network"))
    enable_snat = OnOffField(
        label="SNAT",
        on=_("On: instances without a floating IP reach outside through the gateway's address"),
        off=_("Off"),
        default=None,
        initial="on",
    )
    fixed_ip_subnet_id = forms.ChoiceField(
        label=_("Gateway subnet"),
        required=False,
        help_text=_("The external subnet the gateway's address comes from (any, if left empty)."),
    )
    fixed_ip_address = forms.GenericIPAddressField(
        label=_("Gateway address"),
        required=False,
        help_text=_("A specific free address in the external subnet (any free one, if empty)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["external_network_id"].required = self.gateway_network_required
        self.external_networks = {
            n.id: n for n in external_network_list(project_id=self.project_id)
        }
        networks = [(n.id, n.name_or_id) for n in self.external_networks.values()]
        _set_choices(
            self,
            "external_network_id",
            networks,
            gettext("Choose an external network")
            if self.gateway_network_required
            else gettext("No gateway"),
        )
        field = self.fields["external_network_id"]
        assert isinstance(field, forms.ChoiceField)
        field.error_messages["invalid_choice"] = _(
            "This is not an external network. Choose one of the external networks, "
            "for example “public”."
        )
        self.external_subnets = {
            s.id: s for s in external_subnet_list(project_id=self.project_id).order_by("cidr")
        }
        subnets = [(s.id, f"{s.name_or_id} ({s.cidr})") for s in self.external_subnets.values()]
        _set_choices(self, "fixed_ip_subnet_id", subnets, gettext("Any subnet of the network"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        network_id = data.get("external_network_id")
        fixed_ip = self._fixed_ip(network_id, data)
        if not network_id:
            for name in ("fixed_ip_subnet_id", "fixed_ip_address"):
                if data.get(name):
                    self.add_error(
                        name, gettext("Choose the external network of the gateway first.")
                    )
            return {"external_gateway_info": None}
        info: dict[str, Any] = {"network_id": network_id}
        if data.get("enable_snat") is not None:
            info["enable_snat"] = data["enable_snat"]
        if fixed_ip:
            info["external_fixed_ips"] = [fixed_ip]
        return {"external_gateway_info": info}

    def _fixed_ip(self, network_id: str | None, data: dict[str, Any]) -> dict[str, str] | None:
        """The gateway's fixed IP as Neutron takes it, checked against the mirror; None when
        neither a subnet nor an address was given (or they are wrong: errors added)."""
        subnet_id, address = data.get("fixed_ip_subnet_id"), data.get("fixed_ip_address")
        if not network_id or not (subnet_id or address):
            return None
        subnet = self.external_subnets.get(subnet_id) if subnet_id else None
        if subnet is not None and subnet.network_id != network_id:
            network = self.external_networks[network_id].name_or_id
            self.add_error(
                "fixed_ip_subnet_id",
                gettext(
                    "%(subnet)s (%(cidr)s) is not a subnet of “%(network)s”. "
                    "Choose one of its subnets, or another network."
                )
                % {"subnet": subnet.name_or_id, "cidr": subnet.cidr, "network": network},
            )
            return None
        if not address:
            return {"subnet_id": subnet_id} if subnet_id else None
        candidates = (
            [subnet]
            if subnet
            else list(external_subnet_list(project_id=self.project_id, network_id=network_id))
        )
        holding = subnet_of_address(candidates, address)
        if holding is None:
            params = {
                "address": address,
                "cidr": subnet.cidr if subnet else "",
                "inside": ", ".join(s.cidr for s in candidates),
            }
            if subnet:
                message = gettext(
                    "%(address)s is outside %(cidr)s. Choose an address inside %(inside)s"
                )
            else:
                message = gettext(
                    "%(address)s is outside any subnet of that network. Choose an address inside "
                    "%(inside)s"
                )
            self.add_error("fixed_ip_address", message % params)
            return None
        problem = _unusable_gateway_address(holding, address)
        if problem:
            self.add_error("fixed_ip_address", problem)
            return None
        return {"subnet_id": holding.id, "ip_address": address}


class RouterForm(ProjectForm):
    """An action on the router `obj`: the operation targets it, the service gets its id."""

    model = Router

    def describe(self, msgid: str, **params: str) -> Message:
        """The operation's description, `msgid` naming the router as %(router)s."""
        return Message(msgid, {"router": self.obj.name_or_id, **params})

    def router_request(self, service: Service, description: Message) -> OperationRequest:
        router: Router = self.obj
        params = {"router_id": router.id, **self.cleaned_data}
        return OperationRequest(
            service=service,
            description=description,
            target_type="router",
            target_id=router.id,
            target_name=router.name,
            params=params,
        )


def _subnet_label(subnet: Subnet) -> str:
    """How a message names a subnet: its name and CIDR."""
    return f"{subnet.name_or_id} ({subnet.cidr})"


def _unusable_gateway_address(subnet: Subnet, address: str) -> str:
    """Why `address` cannot be a router's gateway address on `subnet`, or ""."""
    ip = ipaddress.ip_address(address)
    cidr = ipaddress.ip_network(subnet.cidr, strict=False)
    if subnet.gateway_ip and ip == ipaddress.ip_address(subnet.gateway_ip):
        return gettext(
            "%(address)s is the gateway address of %(cidr)s (the upstream router's). "
            "Choose another address."
        ) % {"address": address, "cidr": subnet.cidr}
    first, last = usable_range(cidr)
    if not int(first) <= int(ip) <= int(last):
        return gettext(
            "%(address)s is not a host address of %(cidr)s; choose one from %(first)s."
        ) % {"address": address, "cidr": subnet.cidr, "first": first}
    return ""


class RouterCreateForm(RouterGatewayFields):
    model = Router
    action = "create"
    on_object = False
    policy = ("neutron", "create_router")
    gateway_network_required = False
    policy_fields = _gateway_policy("create")
    quotas = (("network", "router"),)

    name = NameField(label=_("Name"))
    description = DescriptionField(label=_("Description"))
    admin_state_up = AdminStateField()
    field_order = ["name", "description", "admin_state_up"]

    def clean(self) -> dict[str, Any]:
        gateway = super().clean()
        return {
            "name": self.cleaned_data.get("name", ""),
            "description": self.cleaned_data.get("description", ""),
            "admin_state_up": self.cleaned_data.get("admin_state_up", True),
            **gateway,
        }

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        return OperationRequest(
            service=services.router_create,
            description=Message(gettext_noop("Create router “%(name)s”"), {"name": name}),
            target_type="router",
            target_name=name,
            params=self.cleaned_data,
        )


class RouterGatewayForm(RouterGatewayFields, RouterForm):
    """Set (or change) the gateway of the router `obj`."""

    action = "gateway"
    policy = ("neutron", "update_router:external_gateway_info")
    policy_fields = _gateway_policy("update")

    @classmethod
    def initial_for(cls, obj: Router) -> dict[str, Any]:
        gateway = obj.external_gateway_info or {}
        fixed_ips = gateway.get("external_fixed_ips") or [{}]
        return {
            "external_network_id": obj.external_network_id,
            "enable_snat": "off" if gateway.get("enable_snat") is False else "on",
            "fixed_ip_subnet_id": fixed_ips[0].get("subnet_id", ""),
            "fixed_ip_address": fixed_ips[0].get("ip_address", ""),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        router: Router = self.obj
        info = data.get("external_gateway_info")
        current = router.external_network_id
        changing = current and info and info["network_id"] != current
        if changing and (addresses := _addresses_using_gateway(router)):
            self.add_error(
                "external_network_id",
                gettext(
                    "Floating IPs %(addresses)s reach their ports through the current gateway. "
                    "Disassociate them on the Floating IPs page first, then change the network."
                )
                % {"addresses": addresses},
            )
        return data

    def operation_request(self) -> OperationRequest:
        description = self.describe(gettext_noop("Set the external gateway of router “%(router)s”"))
        return self.router_request(services.router_set_gateway, description)


def _addresses_using_gateway(router: Router) -> str:
    """The floating IPs that reach their ports through the router's gateway, or ""."""
    in_use = router_floating_ips(project_id=router.project_id, router_id=router.id).filter(
        port__isnull=False
    )
    return ", ".join(ip.floating_ip_address for ip in in_use)


class RouterGatewayClearForm(RouterForm):
    """Remove the router's external gateway."""

    action = "gateway_clear"
    policy = ("neutron", "update_router:external_gateway_info")
    confirm = _("Clear the gateway of router {obj}?")

    @classmethod
    def applies_to(cls, obj: Router) -> bool:
        return bool(obj.external_gateway_info)

    def clean(self) -> dict[str, Any]:
        router: Router = self.obj
        if addresses := _addresses_using_gateway(router):
            raise OperationRefused(
                gettext(
                    "Floating IPs %(addresses)s reach their ports through the gateway of router "
                    "“%(router)s”. Disassociate them on the Floating IPs page first, then clear "
                    "the gateway."
                )
                % {"addresses": addresses, "router": router.name_or_id}
            )
        return super().clean()

    def operation_request(self) -> OperationRequest:
        description = self.describe(
            gettext_noop("Clear the external gateway of router “%(router)s”")
        )
        return self.router_request(services.router_clear_gateway, description)


class RouterEditForm(RouterForm):
    action = "edit"
    policy = ("neutron", "update_router")
    label = _("Edit")

    name = NameField(label=_("Name"), required=False)
    description = DescriptionField(label=_("Description"))
    admin_state_up = AdminStateField()

    @classmethod
    def initial_for(cls, obj: Router) -> dict[str, Any]:
        state = "on" if obj.admin_state_up else "off"
        return {"name": obj.name, "description": obj.description, "admin_state_up": state}

    def operation_request(self) -> OperationRequest:
        description = self.describe(gettext_noop("Edit router “%(router)s”"))
        request = self.router_request(services.router_update, description)
        params = {**request.params, "revision_number": self.obj.revision_number}
        return replace(request, params=params)


class RouterDeleteForm(RouterForm):
    """Delete the router; refused while it has interfaces (Neutron would refuse too)."""

    action = "delete"
    policy = ("neutron", "delete_router")
    label = _("Delete")
    confirm = _("Delete router {obj}?")

    def clean(self) -> dict[str, Any]:
        router: Router = self.obj
        interfaces = router_interface_list(project_id=router.project_id, router_id=router.id)
        if interfaces:
            names = gettext("; ").join(interface.label for interface in interfaces)
            raise OperationRefused(
                gettext(
                    "Router “%(router)s” still has interfaces on %(names)s. "
                    "Remove them on the router's page first, then delete it."
                )
                % {"router": router.name_or_id, "names": names}
            )
        return super().clean()

    def operation_request(self) -> OperationRequest:
        description = self.describe(gettext_noop("Delete router “%(router)s”"))
        return self.router_request(services.router_delete, description)


class RouterInterfaceAddForm(RouterForm):
    """Attach the router `obj` to a subnet (at the subnet's gateway address) or to a port."""

    action = "interface_add"
    policy = ("neutron", "add_router_interface")

    subnet_id = forms.ChoiceField(
        label=_("Subnet"),
        required=False,
        help_text=_("The router takes the subnet's gateway address."),
    )
    port_id = forms.ChoiceField(
        label=_("Or a port"),
        required=False,
        help_text=_("A free port of yours: the router takes its address."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subnets = {s.id: s for s in attachable_subnet_list(project_id=self.project_id)}
        self.ports = {p.id: p for p in attachable_port_list(project_id=self.project_id)}
        _set_choices(
            self,
            "subnet_id",
            [
                (s.id, f"{s.network.name_or_id if s.network else ''}: {s.name_or_id} ({s.cidr})")
                for s in self.subnets.values()
            ],
            gettext("Choose a subnet"),
        )
        _set_choices(
            self,
            "port_id",
            [
                (p.id, f"{p.name_or_id} ({', '.join(ip['ip_address'] for ip in p.fixed_ips)})")
                for p in self.ports.values()
            ],
            gettext("No port"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        subnet_id, port_id = data.get("subnet_id"), data.get("port_id")
        if bool(subnet_id) == bool(port_id):
            raise forms.ValidationError(gettext("Choose either a subnet or a port, not both."))
        router: Router = self.obj
        attached = router_interface_list(project_id=self.project_id, router_id=router.id)
        routed = router_routed_subnets(project_id=self.project_id, router=router)
        if subnet_id:
            subnet = self.subnets[subnet_id]
            params = {"subnet": _subnet_label(subnet), "gateway": subnet.gateway_ip}
            self._check_subnet(subnet, attached=attached, routed=routed, field="subnet_id")
            if not subnet.gateway_ip:
                self.add_error(
                    "subnet_id",
                    gettext(
                        "%(subnet)s has no gateway address for the router to take. Give the "
                        "subnet a gateway IP, or attach the router by a port on it."
                    )
                    % params,
                )
            elif isinstance(
                holder := gateway_address_holder(project_id=self.project_id, subnet=subnet),
                Router,
            ):
                self.add_error(
                    "subnet_id",
                    gettext(
                        "%(subnet)s already has a router: router “%(router)s” holds its gateway "
                        "address %(gateway)s. Attach this router by a port on the subnet "
                        "instead, or remove that interface first."
                    )
                    % {**params, "router": holder.name_or_id},
                )
            elif holder:
                self.add_error(
                    "subnet_id",
                    gettext(
                        "The gateway address %(gateway)s of %(subnet)s is already in use. "
                        "Attach this router by a port on the subnet instead."
                    )
                    % params,
                )
            return {"subnet_id": subnet_id}
        port = self.ports[str(port_id)]
        for ip in port.fixed_ips:
            on_subnet = Subnet.objects.filter(pk=ip["subnet_id"]).first()
            if on_subnet is not None:
                self._check_subnet(on_subnet, attached=attached, routed=routed, field="port_id")
        return {"port_id": port_id}

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        if data.get("subnet_id"):
            subnet = self.subnets[data["subnet_id"]]
            description = self.describe(
                gettext_noop("Add an interface on %(subnet)s to router “%(router)s”"),
                subnet=_subnet_label(subnet),
            )
        else:
            description = self.describe(
                gettext_noop("Add an interface on port %(port)s to router “%(router)s”"),
                port=self.ports[str(data["port_id"])].name_or_id,
            )
        return self.router_request(services.router_add_interface, description)

    def _check_subnet(
        self,
        subnet: Subnet,
        *,
        attached: list[RouterInterface],
        routed: list[Subnet],
        field: str,
    ) -> None:
        """Neutron's own checks: one interface per subnet, no overlapping subnets routed."""
        label = _subnet_label(subnet)
        if any(interface.subnet_id == subnet.id for interface in attached):
            self.add_error(
                field,
                gettext("The router already has an interface on %(subnet)s.") % {"subnet": label},
            )
            return
        others = [(f"{s.name_or_id} ({s.cidr})", s.cidr) for s in routed if s.id != subnet.id]
        overlap = first_overlap(ipaddress.ip_network(subnet.cidr, strict=False), others)
        if overlap:
            self.add_error(
                field,
                gettext(
                    "%(subnet)s overlaps %(other)s, which the router already routes. A router "
                    "cannot route overlapping subnets: use another router, or another subnet."
                )
                % {"subnet": label, "other": overlap[0]},
            )


class RouterInterfaceRemoveForm(RouterForm):
    """Detach the router `obj` from one of its subnets, or remove one of its interface ports."""

    action = "interface_remove"
    policy = ("neutron", "remove_router_interface")

    subnet_id = forms.ChoiceField(label=_("Subnet"), required=False)
    port_id = forms.ChoiceField(label=_("Or the interface port"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interfaces = router_interface_list(project_id=self.project_id, router_id=self.obj.id)
        _set_choices(
            self,
            "subnet_id",
            list({i.subnet_id: i.subnet_label for i in self.interfaces}.items()),
            gettext("Choose a subnet"),
        )
        _set_choices(
            self,
            "port_id",
            [(i.port.id, f"{i.port.id} ({i.ip_address})") for i in self.interfaces],
            gettext("No port"),
        )
        for name in ("subnet_id", "port_id"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.error_messages["invalid_choice"] = _(
                "The router has no interface there (already removed?). Reload the page."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        subnet_id, port_id = data.get("subnet_id"), data.get("port_id")
        if bool(subnet_id) == bool(port_id):
            raise forms.ValidationError(gettext("Choose either a subnet or a port, not both."))
        leaving = [i for i in self.interfaces if i.subnet_id == subnet_id or i.port.id == port_id]
        self._refuse_what_needs(leaving)
        if subnet_id:
            interface = next(i for i in self.interfaces if i.subnet_id == subnet_id)
            return {"subnet_id": subnet_id, "port_id": interface.port.id}
        return {"port_id": port_id}

    def operation_request(self) -> OperationRequest:
        data = self.cleaned_data
        interface = next(i for i in self.interfaces if i.port.id == data["port_id"])
        if not data.get("subnet_id"):
            description = self.describe(
                gettext_noop(
                    "Remove the interface on %(subnet)s at %(address)s from router “%(router)s”"
                ),
                subnet=interface.subnet_label,
                address=interface.ip_address,
            )
        else:
            description = self.describe(
                gettext_noop("Remove the interface on %(subnet)s from router “%(router)s”"),
                subnet=interface.subnet_label,
            )
        return self.router_request(services.router_remove_interface, description)

    def _refuse_what_needs(self, leaving: list[RouterInterface]) -> None:
        """Neutron keeps an interface that a static route's next hop or a floating IP needs."""
        subnets = [i.subnet for i in leaving if i.subnet is not None]
        routes = [
            gettext("%(destination)s via %(nexthop)s") % route
            for route in self.obj.routes
            if subnet_of_address(subnets, route["nexthop"])
        ]
        if routes:
            raise forms.ValidationError(
                gettext(
                    "Static routes %(routes)s go through this interface. Remove them first, then "
                    "the interface."
                )
                % {"routes": ", ".join(routes)}
            )
        floating_ips = [
            ip.floating_ip_address
            for ip in router_floating_ips(project_id=self.project_id, router_id=self.obj.id)
            if ip.fixed_ip_address and subnet_of_address(subnets, ip.fixed_ip_address)
        ]
        if floating_ips:
            raise forms.ValidationError(
                gettext(
                    "Floating IPs %(addresses)s reach their ports through this interface. "
                    "Disassociate them on the Floating IPs page first."
                )
                % {"addresses": ", ".join(floating_ips)}
            )


class RouterRouteForm(RouterForm):
    """A static route of the router `obj`: traffic for `destination` goes to `nexthop`."""

    action = "route_add"
    policy = ("neutron", "add_extraroutes")

    destination = forms.CharField(
        label=_("Destination"),
        max_length=64,
        help_text=_("A CIDR, such as 192.168.50.0/24 (0.0.0.0/0 for everything)."),
    )
    nexthop = forms.CharField(
        label=_("Next hop"),
        max_length=64,
        help_text=_("An address on one of the router's interface subnets."),
    )

    def clean_destination(self) -> str:
        text = self.cleaned_data["destination"].strip()
        try:
            return str(ipaddress.ip_network(text, strict=True))
        except ValueError:
            raise forms.ValidationError(
                gettext(
                    "“%(text)s” is not a CIDR with its host bits clear, such as 192.168.50.0/24."
                )
                % {"text": text}
            ) from None

    def clean_nexthop(self) -> str:
        text = self.cleaned_data["nexthop"].strip()
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            raise forms.ValidationError(
                gettext("“%(text)s” is not an IP address.") % {"text": text}
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        destination, nexthop = data.get("destination"), data.get("nexthop")
        if not destination or not nexthop:
            return data
        if ipaddress.ip_network(destination).version != ipaddress.ip_address(nexthop).version:
            self.add_error(
                "nexthop", gettext("The next hop and the destination are different IP versions.")
            )
            return data
        self.check_route({"destination": destination, "nexthop": nexthop})
        return {"destination": destination, "nexthop": nexthop}

    def operation_request(self) -> OperationRequest:
        description = self.describe(
            gettext_noop("Add route %(destination)s via %(nexthop)s to router “%(router)s”"),
            **self.cleaned_data,
        )
        return self.router_request(services.router_add_route, description)

    def check_route(self, route: dict[str, str]) -> None:
        """A new route: its next hop is on an interface subnet, and it is not there already."""
        router: Router = self.obj
        if route in router.routes:
            self.add_error(None, gettext("The router already has this route."))
            return
        subnets = router_interface_subnets(project_id=self.project_id, router=router)
        if subnet_of_address(subnets, route["nexthop"]) is None:
            where = ", ".join(s.cidr for s in subnets) or gettext(
                "none yet: add an interface first"
            )
            self.add_error(
                "nexthop",
                gettext(
                    "%(nexthop)s is not on any of the router's interface subnets (%(subnets)s). "
                    "The next hop must be an address the router reaches directly."
                )
                % {"nexthop": route["nexthop"], "subnets": where},
            )
            return
        own = {
            i.ip_address
            for i in router_interface_list(project_id=self.project_id, router_id=router.id)
        }
        if route["nexthop"] in own:
            self.add_error(
                "nexthop",
                gettext("%(nexthop)s is the router's own address.") % {"nexthop": route["nexthop"]},
            )


class RouterRouteRemoveForm(RouterRouteForm):
    """One of the static routes of the router `obj`."""

    action = "route_remove"
    policy = ("neutron", "remove_extraroutes")

    def check_route(self, route: dict[str, str]) -> None:
        if route not in self.obj.routes:
            self.add_error(
                None, gettext("The router has no such route (already removed?). Reload the page.")
            )

    def operation_request(self) -> OperationRequest:
        description = self.describe(
            gettext_noop("Remove route %(destination)s via %(nexthop)s from router “%(router)s”"),
            **self.cleaned_data,
        )
        return self.router_request(services.router_remove_route, description)
