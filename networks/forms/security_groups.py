"""Security group and rule forms: every check that can be made without the cloud."""

import ipaddress
from typing import Any

from django import forms

from dashboard.web.forms import DescriptionField, NameField, ProjectForm
from networks.changes.security_groups import (
    ICMP_PROTOCOLS,
    PORT_PROTOCOLS,
    protocol_number,
    row_summary,
    rule_attributes,
    rule_key,
)
from networks.models import SecurityGroup, SecurityGroupRule
from networks.selectors.security_groups import security_group_list, security_group_rule_list
from tenants.quotas import require_quota

RESERVED_NAME = "default"

PROTOCOL_CHOICES = [
    ("", "Any"),
    ("tcp", "TCP"),
    ("udp", "UDP"),
    ("icmp", "ICMP"),
    ("icmpv6", "ICMPv6"),
    ("other", "Other (by number)"),
]
# What Neutron is sent for each named choice ("icmpv6" is its legacy name for "ipv6-icmp").
NEUTRON_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "icmpv6": "ipv6-icmp"}
# Common rules: each allows ingress of the given protocol and ports from a CIDR (or anywhere).
PRESETS: dict[str, tuple[str, str, int | None]] = {
    "ssh": ("SSH (TCP 22)", "tcp", 22),
    "http": ("HTTP (TCP 80)", "tcp", 80),
    "https": ("HTTPS (TCP 443)", "tcp", 443),
    "icmp": ("ICMP (ping)", "icmp", None),
    "all": ("All traffic", "", None),
}


class SecurityGroupForm(ProjectForm):
    name = NameField()
    description = DescriptionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.initial = {"name": self.obj.name, "description": self.obj.description}
        if self.obj is not None and self.obj.name == RESERVED_NAME:
            # Neutron refuses to rename the default group; its description may change.
            self.fields["name"].disabled = True
            self.fields["name"].help_text = "The default group keeps its name."

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        renaming = self.obj is None or self.obj.name != RESERVED_NAME
        if renaming and name == RESERVED_NAME:
            raise forms.ValidationError(
                "“default” is the name of the group Neutron makes in every project. "
                "Choose another name."
            )
        return name


class SecurityGroupCreateForm(SecurityGroupForm):
    quotas = (("network", "security_group"),)
    # A choice rather than a checkbox, so that leaving it out (the API) means stateful.
    stateful = forms.TypedChoiceField(
        choices=[(True, "Stateful: replies to allowed traffic are allowed"), (False, "Stateless")],
        coerce=lambda value: value in (True, "True"),
        empty_value=True,
        required=False,
        initial=True,
        help_text="Stateless groups need the cloud's stateful-security-group extension.",
    )


class SecurityGroupRuleForm(ProjectForm):
    """A rule of a group: the checks Neutron would make, and a duplicate of one in the mirror.

    `clean()` gives the rule as Neutron takes it (protocol name or number, ports or ICMP type
    and code, one remote), plus `security_group_id`. Subclasses say which group it belongs to.
    """

    # Left out (the API, a common rule), they are ingress and IPv4, as in openstack's CLI.
    direction = forms.ChoiceField(
        choices=[("ingress", "Ingress (incoming)"), ("egress", "Egress (outgoing)")],
        initial="ingress",
        required=False,
    )
    ethertype = forms.ChoiceField(
        choices=[("IPv4", "IPv4"), ("IPv6", "IPv6")], initial="IPv4", required=False
    )
    protocol = forms.ChoiceField(choices=PROTOCOL_CHOICES, required=False)
    protocol_number = forms.IntegerField(
        min_value=0, max_value=255, required=False, help_text="0-255, for “Other” only."
    )
    port_range_min = forms.IntegerField(
        required=False,
        label="From port (or ICMP type)",
        help_text="TCP/UDP: the first port, 1-65535; empty for all. ICMP: the type, 0-255.",
    )
    port_range_max = forms.IntegerField(
        required=False,
        label="To port (or ICMP code)",
        help_text="TCP/UDP: the last port; empty for just the first one. ICMP: the code.",
    )
    remote_ip_prefix = forms.CharField(
        max_length=64,
        required=False,
        label="Remote CIDR",
        help_text="Where traffic comes from (ingress) or goes to (egress), e.g. 203.0.113.0/24.",
    )
    remote_group_id = forms.ChoiceField(
        required=False,
        label="Remote security group",
        help_text="Or: the ports in this group. Leave both empty for anywhere.",
    )
    description = DescriptionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {group.id: group for group in security_group_list(project_id=self.project_id)}
        field = self.fields["remote_group_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None"), *((pk, g.name_or_id) for pk, g in self.groups.items())]
        field.error_messages["invalid_choice"] = (
            "This is not one of your security groups. Choose one of them, or none."
        )

    def security_group(self) -> SecurityGroup | None:
        """The group the rule belongs to (None when the data did not name a valid one)."""
        raise NotImplementedError

    def replaced_rule(self) -> SecurityGroupRule | None:
        """The rule an edit replaces: a rule equal to it is not a duplicate."""
        return None

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
            self.add_error("remote_group_id", "Choose a remote CIDR or a remote group, not both.")
        group = self.security_group()
        if group is not None and not self.errors:
            self._refuse_duplicate(group, rule)
            replaced = self.replaced_rule()
            # A replacement exists beside the rule it replaces for a moment (unless only the
            # description changes: then the old one goes first).
            if replaced is None or rule_key(rule_attributes(replaced)) != rule_key(rule):
                require_quota(
                    project_id=self.project_id, service="network", resource="security_group_rule"
                )
        return {"security_group_id": group.id if group else None, **rule}

    def _protocol(self, data: dict[str, Any]) -> str | None:
        choice, number = data.get("protocol") or "", data.get("protocol_number")
        if choice != "other":
            if number is not None:
                self.add_error("protocol_number", "A number goes with “Other” only.")
            if choice == "icmp" and data["ethertype"] == "IPv6":
                self.add_error("protocol", "ICMP is for IPv4. For IPv6, choose ICMPv6.")
            if choice == "icmpv6" and data["ethertype"] == "IPv4":
                self.add_error("protocol", "ICMPv6 is for IPv6. For IPv4, choose ICMP.")
            return NEUTRON_PROTOCOLS.get(choice)
        if number is None:
            self.add_error("protocol_number", "Give the protocol's number, 0-255.")
            return None
        return str(number)

    def _ports(self, data: dict[str, Any], number: int | None) -> dict[str, int | None]:
        low, high = data.get("port_range_min"), data.get("port_range_max")
        if low is None and high is None:
            return {"port_range_min": None, "port_range_max": None}
        if number in PORT_PROTOCOLS:
            if low is None:
                self.add_error("port_range_min", "Give the first port of the range too.")
            elif not 1 <= low <= 65535:
                self.add_error("port_range_min", "Ports are 1-65535.")
            elif high is not None and not low <= high <= 65535:
                self.add_error("port_range_max", f"Give a port from {low} to 65535.")
            high = low if high is None else high
            # Neutron stores the whole range as "no range": so is it compared.
            if (low, high) == (1, 65535):
                return {"port_range_min": None, "port_range_max": None}
            return {"port_range_min": low, "port_range_max": high}
        if number in ICMP_PROTOCOLS:
            if low is None:
                self.add_error("port_range_min", "An ICMP code needs its type too.")
            for name, value in (("port_range_min", low), ("port_range_max", high)):
                if value is not None and not 0 <= value <= 255:
                    self.add_error(name, "ICMP types and codes are 0-255.")
            return {"port_range_min": low, "port_range_max": high}
        self.add_error(
            "port_range_min",
            "Ports apply to TCP, UDP, DCCP, SCTP and UDP-Lite (types and codes to ICMP) only. "
            "Leave them empty, or choose one of those protocols.",
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
                "remote_ip_prefix", f"“{text}” is not a CIDR. Write one like 203.0.113.0/24."
            )
            return None
        if f"IPv{network.version}" != ethertype:
            self.add_error(
                "remote_ip_prefix",
                f"{network} is an IPv{network.version} CIDR, but the rule is {ethertype}. "
                "Change one of them.",
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
                described = f", “{existing.description}”" if existing.description else ""
                raise forms.ValidationError(
                    f"Security group “{group.name_or_id}” already has this rule: "
                    f"{row_summary(existing)} (rule {existing.id}{described}). "
                    "Keep that one, or change this rule so it differs."
                )


class SecurityGroupRuleAddForm(SecurityGroupRuleForm):
    """A new rule of the group the page is about (`obj`); a preset fills in a common rule."""

    preset = forms.ChoiceField(
        required=False,
        label="Common rule",
        choices=[("", "None: as below"), *((key, label) for key, (label, _, _) in PRESETS.items())],
        help_text="Allows this traffic in, from the remote CIDR (or anywhere); "
        "IPv6 when the CIDR is.",
    )
    field_order = ["preset"]

    def security_group(self) -> SecurityGroup | None:
        return self.obj  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        preset = self.cleaned_data.get("preset")
        if preset:
            _, protocol, port = PRESETS[preset]
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

    security_group_id = forms.ChoiceField(label="Security group")
    field_order = ["security_group_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["security_group_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, g.name_or_id) for pk, g in self.groups.items()]
        field.error_messages["invalid_choice"] = (
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
    """A rule's replacement (`obj` is the rule replaced); its fields start as the rule's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial = {**rule_initial(self.obj), **self.initial}

    def security_group(self) -> SecurityGroup | None:
        return self.obj.security_group  # type: ignore[no-any-return]

    def replaced_rule(self) -> SecurityGroupRule | None:
        return self.obj  # type: ignore[no-any-return]
