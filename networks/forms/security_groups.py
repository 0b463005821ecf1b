"""Security group and rule actions: every check that can be made without the cloud, the
refusals the mirror decides (the default group, a group in use), the policy rule each action
needs and the operation its valid data becomes.

Neutron checks a rule's policy against its group's project (`security_group:project_id`).
"""

import ipaddress
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest
from dashboard.operations.services import OperationRefused
from dashboard.sessions import CloudSession
from dashboard.web.forms import DescriptionField, NameField, ProjectForm, quota_checks
from networks.models import SecurityGroup, SecurityGroupRule
from networks.security_group_rules import (
    ICMP_PROTOCOLS,
    PORT_PROTOCOLS,
    RULE_ATTRIBUTES,
    protocol_number,
    row_summary,
    rule_attributes,
    rule_key,
    rule_summary,
)
from networks.selectors.security_groups import (
    security_group_get,
    security_group_list,
    security_group_ports,
    security_group_rule_list,
    security_group_used_unseen,
)
from networks.services import security_groups as services

RESERVED_NAME = "default"

PROTOCOL_CHOICES = [
    ("", _("Any")),
    ("tcp", "TCP"),
    ("udp", "UDP"),
    ("icmp", "ICMP"),
    ("icmpv6", "ICMPv6"),
    ("other", _("Other (by number)")),
]
# What Neutron is sent for each named choice ("icmpv6" is its legacy name for "ipv6-icmp").
NEUTRON_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmpv6": "ipv6-icmp"}
# Common rules: each allows ingress of the given protocol and ports from a CIDR (or anywhere).
PRESETS: dict[str, tuple[StrOrPromise, str, int | None]] = {
    "ssh": ("SSH (TCP 22)", "tcp", 22),
    "http": ("HTTP (TCP 80)", "tcp", 80),
    "https": ("HTTPS (TCP 443)", "tcp", 443),
    "icmp": (_("ICMP (ping)"), "icmp", None),
    "all": (_("All traffic"), "", None),
}


DEFAULT_GROUP_REFUSAL = _(
    "The default security group cannot be deleted: Neutron keeps one in every project. "
    "Remove the rules you do not want from it instead."
)


class SecurityGroupForm(ProjectForm):
    """A security group's name and description; `default` is the name Neutron keeps for the
    group it makes in every project: no other group takes it, and that one keeps it."""

    model = SecurityGroup

    name = NameField(label=_("Name"))
    description = DescriptionField(label=_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.obj is not None and self.obj.name == RESERVED_NAME:
            # Neutron refuses to rename the default group; its description may change.
            self.fields["name"].disabled = True
            self.fields["name"].initial = RESERVED_NAME
            self.fields["name"].help_text = _("The default group keeps its name.")

    def clean_name(self) -> str:
        name: str = (self.cleaned_data["name"] or "").strip()
        renaming = self.obj is None or self.obj.name != RESERVED_NAME
        if renaming and name == RESERVED_NAME:
            raise forms.ValidationError(
                gettext(
                    "“default” is the name of the group Neutron makes in every project. "
                    "Choose another name."
                )
            )
        return name


class SecurityGroupCreateForm(SecurityGroupForm):
    action = "create"
    on_object = False
    policy = ("neutron", "create_security_group")
    quotas = (("network", "security_group"),)
    # A choice rather than a checkbox, so that leaving it out (the API) means stateful.
    stateful = forms.TypedChoiceField(
        label=_("Stateful"),
        choices=[
            (True, _("Stateful: replies to allowed traffic are allowed")),
            (False, _("Stateless")),
        ],
        coerce=lambda value: value in (True, "True"),
        empty_value=True,  # type: ignore[arg-type]  # the stubs take text only
        required=False,
        initial=True,
        help_text=_("Stateless groups need the cloud's stateful-security-group extension."),
    )

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        return OperationRequest(
            service=services.security_group_create,
            description=Message(gettext_noop("Create security group “%(name)s”"), {"name": name}),
            target_type="security_group",
            target_name=name,
            params=self.cleaned_data,
        )


class SecurityGroupEditForm(SecurityGroupForm):
    """The group `obj`'s name and description, if the revision it was read at is current."""

    action = "edit"
    policy = ("neutron", "update_security_group")
    label = _("Edit")

    @classmethod
    def initial_for(cls, obj: SecurityGroup) -> dict[str, Any]:
        return {"name": obj.name, "description": obj.description}

    def operation_request(self) -> OperationRequest:
        group: SecurityGroup = self.obj
        params: dict[str, Any] = {
            "security_group_id": group.id,
            "description": self.cleaned_data["description"],
            "revision_number": group.revision_number,
        }
        # Neutron refuses any `name` in an update of the default group, even an unchanged one.
        if group.name != RESERVED_NAME:
            params["name"] = self.cleaned_data["name"]
        return OperationRequest(
            service=services.security_group_update,
            description=Message(
                gettext_noop("Edit security group “%(name)s”"), {"name": group.name_or_id}
            ),
            target_type="security_group",
            target_id=group.id,
            target_name=group.name,
            params=params,
        )


def default_group_refusal(group: SecurityGroup) -> str:
    """Why the group cannot be deleted when it is the default one, which its row alone tells
    (a list asks this for every row); "" for any other group."""
    return str(DEFAULT_GROUP_REFUSAL) if group.name == RESERVED_NAME else ""


def security_group_delete_refusal(group: SecurityGroup) -> str:
    """Why the group cannot be deleted, as the mirror knows it ("" when nothing stops it)."""
    if refusal := default_group_refusal(group):
        return refusal
    scope = {"project_id": group.project_id, "security_group_id": group.id}
    users = [
        (port.device_id, getattr(port, "server_name", None))
        for port in security_group_ports(**scope)
    ]
    # Instances by name (each once, whatever its number of ports); other ports only counted.
    servers = {device: name or device for device, name in users if name is not None}
    others = len([device for device, name in users if name is None])
    users_text = _users_text(sorted(servers.values()), others)
    if users_text:
        return gettext(
            "Security group “%(name)s” is in use by %(users)s. Remove the group from them (or "
            "delete them) first, then delete it."
        ) % {"name": group.name_or_id, "users": users_text}
    if security_group_used_unseen(**scope):
        return gettext(
            "Security group “%(name)s” is in use by other projects it is shared with. It can be "
            "deleted once none of their ports uses it."
        ) % {"name": group.name_or_id}
    return ""


def _users_text(servers: list[str], others: int) -> str:
    """The instances (by name) and other ports (counted) that use a group, as a refusal says
    them: “instance “web”” , “2 ports”, “instances “a”, “b” and 1 other port”; "" for none."""
    # Translators: a list of names, each in the dashboard's quotes: “web”, “db”.
    names = gettext(", ").join(gettext("“%(name)s”") % {"name": name} for name in servers)
    instances = ngettext("instance %(names)s", "instances %(names)s", len(servers)) % {
        "names": names
    }
    if not others:
        return instances if servers else ""
    if not servers:
        return ngettext("%(count)s port", "%(count)s ports", others) % {"count": others}
    ports = ngettext("%(count)s other port", "%(count)s other ports", others) % {"count": others}
    # Translators: who uses a security group: “instance “web” and 2 other ports”.
    return gettext("%(instances)s and %(ports)s") % {"instances": instances, "ports": ports}


class SecurityGroupDeleteForm(ProjectForm):
    """Delete the group and its rules; refused for `default` and while ports use it."""

    model = SecurityGroup
    action = "delete"
    policy = ("neutron", "delete_security_group")
    confirm = _("Delete security group {obj} and its rules?")

    def clean(self) -> dict[str, Any]:
        if refusal := security_group_delete_refusal(self.obj):
            raise OperationRefused(refusal)
        return super().clean()

    def operation_request(self) -> OperationRequest:
        group: SecurityGroup = self.obj
        return OperationRequest(
            service=services.security_group_delete,
            description=Message(
                gettext_noop("Delete security group “%(name)s”"), {"name": group.name_or_id}
            ),
            target_type="security_group",
            target_id=group.id,
            target_name=group.name,
            params={"security_group_id": group.id},
        )


def _rule_params(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: data.get(name) for name in (*RULE_ATTRIBUTES, "description")}


def _summary(project_id: str, data: Mapping[str, Any]) -> Message:
    """A new rule's summary, its remote group named from the mirror."""
    remote = data.get("remote_group_id")
    group = security_group_get(project_id=project_id, pk=remote) if remote else None
    return rule_summary(data, group.name_or_id if group else "")


class SecurityGroupRuleForm(ProjectForm):
    """A rule of a group: the checks Neutron would make, and a duplicate of one in the mirror.

    `clean()` gives the rule as Neutron takes it (protocol name or number, ports or ICMP type
    and code, one remote), plus `security_group_id`. Subclasses say which group it belongs to.
    """

    # Left out (the API, a common rule), they are ingress and IPv4, as in openstack's CLI.
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("ingress", _("Ingress (incoming)")), ("egress", _("Egress (outgoing)"))],
        initial="ingress",
        required=False,
    )
    ethertype = forms.ChoiceField(
        label=_("Ethertype"),
        choices=[("IPv4", "IPv4"), ("IPv6", "IPv6")],
        initial="IPv4",
        required=False,
    )
    protocol = forms.ChoiceField(label=_("Protocol"), choices=PROTOCOL_CHOICES, required=False)
    protocol_number = forms.IntegerField(
        label=_("Protocol number"),
        min_value=0,
        max_value=255,
        required=False,
        help_text=_("0-255, for “Other” only."),
    )
    port_range_min = forms.IntegerField(
        required=False,
        label=_("From port (or ICMP type)"),
        help_text=_("TCP/UDP: the first port, 1-65535; empty for all. ICMP: the type, 0-255."),
    )
    port_range_max = forms.IntegerField(
        required=False,
        label=_("To port (or ICMP code)"),
        help_text=_("TCP/UDP: the last port; empty for just the first one. ICMP: the code."),
    )
    remote_ip_prefix = forms.CharField(
        max_length=64,
        required=False,
        label=_("Remote CIDR"),
        help_text=_("Where traffic comes from (ingress) or goes to (egress), e.g. 203.0.113.0/24."),
    )
    remote_group_id = forms.ChoiceField(
        required=False,
        label=_("Remote security group"),
        help_text=_("Or: the ports in this group. Leave both empty for anywhere."),
    )
    description = DescriptionField(label=_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {group.id: group for group in security_group_list(project_id=self.project_id)}
        field = self.fields["remote_group_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", gettext("None")),
            *((pk, g.name_or_id) for pk, g in self.groups.items()),
        ]
        field.error_messages["invalid_choice"] = _(
            "This is not one of your security groups. Choose one of them, or none."
        )

    def security_group(self) -> SecurityGroup | None:
        """The group the rule belongs to (None when the data did not name a valid one)."""
        raise NotImplementedError

    def replaced_rule(self) -> SecurityGroupRule | None:
        """The rule an edit replaces: a rule equal to it is not a duplicate."""
        return None

    def operation_request(self) -> OperationRequest:
        """A new rule of the group."""
        group = self.security_group()
        assert group is not None  # the data named a valid group
        summary = _summary(group.project_id, self.cleaned_data)
        return OperationRequest(
            service=services.security_group_rule_create,
            description=Message(
                gettext_noop("Add rule “%(rule)s” to security group “%(name)s”"),
                {"rule": summary, "name": group.name_or_id},
            ),
            target_type="security_group_rule",
            target_name=str(summary),
            params={"security_group_id": group.id, "rule": _rule_params(self.cleaned_data)},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        data["direction"] = data.get("direction") or "ingress"
        ethertype = data["ethertype"] = data.get("ethertype") or "IPv4"
        protocol = self._protocol(data)
        number = protocol_number(protocol, ethertype)
        rule = {
            "direction": data["direction"],
            "ethertype": ethertype,
            "protocol": protocol,
            **self._ports(data, number),
            "remote_ip_prefix": self._remote_ip_prefix(data, ethertype),
            "remote_group_id": data.get("remote_group_id") or None,
            "description": data.get("description", ""),
        }
        if rule["remote_ip_prefix"] and rule["remote_group_id"]:
            self.add_error(
                "remote_group_id", gettext("Choose a remote CIDR or a remote group, not both.")
            )
        group = self.security_group()
        if group is not None and not self.errors:
            self._refuse_duplicate(group, rule)
            replaced = self.replaced_rule()
            # A replacement exists beside the rule it replaces for a moment (unless only the
            # description changes: then the old one goes first).
            if replaced is None or rule_key(rule_attributes(replaced)) != rule_key(rule):
                quota_checks().require_quota(
                    project_id=self.project_id, service="network", resource="security_group_rule"
                )
        return {"security_group_id": group.id if group else None, **rule}

    def _protocol(self, data: dict[str, Any]) -> str | None:
        choice, number = data.get("protocol") or "", data.get("protocol_number")
        if choice != "other":
            if number is not None:
                self.add_error("protocol_number", gettext("A number goes with “Other” only."))
            if choice == "icmp" and data["ethertype"] == "IPv6":
                self.add_error("protocol", gettext("ICMP is for IPv4. For IPv6, choose ICMPv6."))
            if choice == "icmpv6" and data["ethertype"] == "IPv4":
                self.add_error("protocol", gettext("ICMPv6 is for IPv6. For IPv4, choose ICMP."))
            return NEUTRON_PROTOCOLS.get(choice)
        if number is None:
            self.add_error("protocol_number", gettext("Give the protocol's number, 0-255."))
            return None
        return str(number)

    def _ports(self, data: dict[str, Any], number: int | None) -> dict[str, int | None]:
        low, high = data.get("port_range_min"), data.get("port_range_max")
        if low is None and high is None:
            return {"port_range_min": None, "port_range_max": None}
        if number in PORT_PROTOCOLS:
            if low is None:
                self.add_error("port_range_min", gettext("Give the first port of the range too."))
            elif not 1 <= low <= 65535:
                self.add_error("port_range_min", gettext("Ports are 1-65535."))
            elif high is not None and not low <= high <= 65535:
                self.add_error(
                    "port_range_max",
                    gettext("Give a port from %(low)s to 65535.") % {"low": low},
                )
            high = low if high is None else high
            # Neutron stores the whole range as "no range": so is it compared.
            if (low, high) == (1, 65535):
                return {"port_range_min": None, "port_range_max": None}
            return {"port_range_min": low, "port_range_max": high}
        if number in ICMP_PROTOCOLS:
            if low is None:
                self.add_error("port_range_min", gettext("An ICMP code needs its type too."))
            for name, value in (("port_range_min", low), ("port_range_max", high)):
                if value is not None and not 0 <= value <= 255:
                    self.add_error(name, gettext("ICMP types and codes are 0-255."))
            return {"port_range_min": low, "port_range_max": high}
        self.add_error(
            "port_range_min",
            gettext(
                "Ports apply to TCP, UDP, DCCP, SCTP and UDP-Lite (types and codes to ICMP) "
                "only. Leave them empty, or choose one of those protocols."
            ),
        )
        return {"port_range_min": None, "port_range_max": None}

    def _remote_ip_prefix(self, data: dict[str, Any], ethertype: str) -> str | None:
        text = (data.get("remote_ip_prefix") or "").strip()
        if not text:
            return None
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            self.add_error(
                "remote_ip_prefix",
                gettext("“%(text)s” is not a CIDR. Write one like 203.0.113.0/24.")
                % {"text": text},
            )
            return None
        if f"IPv{network.version}" != ethertype:
            self.add_error(
                "remote_ip_prefix",
                gettext(
                    "%(network)s is an IPv%(version)s CIDR, but the rule is %(ethertype)s. "
                    "Change one of them."
                )
                % {"network": network, "version": network.version, "ethertype": ethertype},
            )
        return str(network)

    def _refuse_duplicate(self, group: SecurityGroup, rule: dict[str, Any]) -> None:
        key = rule_key(rule)
        replaced = self.replaced_rule()
        for existing in security_group_rule_list(
            project_id=self.project_id, security_group_id=group.id
        ):
            if (
                existing.pk != getattr(replaced, "pk", None)
                and rule_key(rule_attributes(existing)) == key
            ):
                params = {
                    "name": group.name_or_id,
                    "rule": row_summary(existing),
                    "id": existing.id,
                    "description": existing.description,
                }
                if existing.description:
                    message = gettext(
                        "Security group “%(name)s” already has this rule: %(rule)s (rule %(id)s, "
                        "“%(description)s”). Keep that one, or change this rule so it differs."
                    )
                else:
                    message = gettext(
                        "Security group “%(name)s” already has this rule: %(rule)s (rule %(id)s). "
                        "Keep that one, or change this rule so it differs."
                    )
                raise forms.ValidationError(message % params)


class SecurityGroupRuleAddForm(SecurityGroupRuleForm):
    """A new rule of the group the page is about (`obj`); a preset fills in a common rule."""

    model = SecurityGroup
    action = "rule_add"
    policy = ("neutron", "create_security_group_rule")

    preset = forms.ChoiceField(
        required=False,
        label=_("Common rule"),
        choices=[
            ("", _("None: as below")),
            *((key, label) for key, (label, _protocol, _port) in PRESETS.items()),
        ],
        help_text=_(
            "Allows this traffic in, from the remote CIDR (or anywhere); IPv6 when the CIDR is."
        ),
    )
    field_order = ["preset"]

    def security_group(self) -> SecurityGroup | None:
        group: SecurityGroup = self.obj
        return group

    def clean(self) -> dict[str, Any]:
        preset = self.cleaned_data.get("preset")
        if preset:
            _label, protocol, port = PRESETS[preset]
            prefix = (self.cleaned_data.get("remote_ip_prefix") or "").strip()
            ethertype = "IPv6" if ":" in prefix else "IPv4"
            if protocol == "icmp" and ethertype == "IPv6":
                protocol = "icmpv6"
            self.cleaned_data.update(
                direction="ingress",
                ethertype=ethertype,
                protocol=protocol,
                protocol_number=None,
                port_range_min=port,
                port_range_max=port,
            )
        return super().clean()


class SecurityGroupRuleCreateForm(SecurityGroupRuleForm):
    """A new rule of the group the data names (the API's create)."""

    model = SecurityGroupRule
    action = "create"
    on_object = False
    policy = ("neutron", "create_security_group_rule")

    security_group_id = forms.ChoiceField(label=_("Security group"))
    field_order = ["security_group_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["security_group_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, g.name_or_id) for pk, g in self.groups.items()]
        field.error_messages["invalid_choice"] = _(
            "This is not one of your security groups. Choose one of them."
        )

    def security_group(self) -> SecurityGroup | None:
        return self.groups.get(self.cleaned_data.get("security_group_id") or "")


def rule_initial(rule: SecurityGroupRule) -> dict[str, Any]:
    """A rule as this form's fields: a protocol without a choice of its own is given by number."""
    protocol = rule.protocol or ""
    choice = next((key for key, sent in NEUTRON_PROTOCOLS.items() if sent == protocol), "")
    if protocol == "icmpv6":
        choice = "icmpv6"
    number = protocol_number(protocol, rule.ethertype) if protocol and not choice else None
    return {
        **rule_attributes(rule),
        "protocol": choice or ("other" if protocol else ""),
        "protocol_number": number,
        "remote_ip_prefix": rule.remote_ip_prefix,
        "remote_group_id": rule.remote_group_id or "",
    }


class SecurityGroupRuleEditForm(SecurityGroupRuleForm):
    """A rule's replacement (`obj` is the rule replaced): Neutron does not update rules, so the
    new rule is created, then the old one deleted."""

    model = SecurityGroupRule
    action = "edit"
    policy = ("neutron", "create_security_group_rule")

    @classmethod
    def policy_permits(cls, session: CloudSession) -> bool:
        """A replacement creates a rule (`policy`) and deletes one."""
        deleting = SecurityGroupRuleDeleteForm.policy_permits(session)
        return super().policy_permits(session) and deleting

    @classmethod
    def initial_for(cls, obj: SecurityGroupRule) -> dict[str, Any]:
        return rule_initial(obj)

    def security_group(self) -> SecurityGroup | None:
        group: SecurityGroup | None = self.obj.security_group
        return group

    def replaced_rule(self) -> SecurityGroupRule | None:
        rule: SecurityGroupRule = self.obj
        return rule

    def operation_request(self) -> OperationRequest:
        rule: SecurityGroupRule = self.obj
        group = rule.security_group
        assert group is not None  # the rule selectors reach rules through their group
        old_summary = row_summary(rule)
        summary = _summary(group.project_id, self.cleaned_data)
        return OperationRequest(
            service=services.security_group_rule_replace,
            description=Message(
                gettext_noop("Replace rule “%(old)s” with “%(new)s”"),
                {"old": old_summary, "new": summary},
            ),
            target_type="security_group_rule",
            target_id=rule.id,
            target_name=str(old_summary),
            params={
                "security_group_id": rule.security_group_id,
                "old_rule": {"id": rule.id, **rule_attributes(rule)},
                "rule": _rule_params(self.cleaned_data),
                "label": str(summary),
            },
        )


class SecurityGroupRuleDeleteForm(ProjectForm):
    """Delete one rule of a group."""

    model = SecurityGroupRule
    action = "delete"
    policy = ("neutron", "delete_security_group_rule")
    confirm = _("Delete this rule?")

    def operation_request(self) -> OperationRequest:
        rule: SecurityGroupRule = self.obj
        summary = row_summary(rule)
        return OperationRequest(
            service=services.security_group_rule_delete,
            description=Message(gettext_noop("Delete rule “%(rule)s”"), {"rule": summary}),
            target_type="security_group_rule",
            target_id=rule.id,
            target_name=str(summary),
            params={
                "security_group_id": rule.security_group_id,
                "security_group_rule_id": rule.id,
            },
        )
