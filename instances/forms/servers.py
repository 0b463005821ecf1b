"""The launch form: every choice comes from the mirror, and a launch that cannot fit the image,
the flavor or the project's compute quota is refused here, before any cloud call. A valid launch
of N servers is N operations, one per server."""

import base64
import re
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest
from dashboard.web.forms import NameField
from instances.forms.keypairs import (
    GeneratedKeyPair,
    UserForm,
    clean_keypair_name,
    clean_public_key,
    keypair_generate,
)
from instances.models import Flavor, Image, Server
from instances.selectors.keypairs import keypair_list
from instances.selectors.servers import (
    QuotaLine,
    availability_zone_names,
    launch_flavor_list,
    launch_image_list,
    launch_network_list,
    launch_port_list,
    launch_quota,
    launch_security_group_list,
)
from instances.services.servers import OPERATION_METADATA_KEY, server_create

MAX_LAUNCH_COUNT = 10
MAX_NAME_LENGTH = 255
# Nova's limit on `user_data`, which it counts base64-encoded (its API schema's maxLength).
MAX_USER_DATA = 65535
# Nova's metadata keys and values (its API schema), and its default `metadata_items` quota; the
# dashboard uses one item itself (the operation id that makes a launch idempotent).
METADATA_KEY = re.compile(r"^[a-zA-Z0-9-_:. ]{1,255}$")
MAX_METADATA_VALUE = 255
MAX_METADATA_ITEMS = 128 - 1
NETWORK, PORT = "network", "port"
GiB = 1024**3
# What each server's operation carries from the launch form (validated, no secrets; the public
# key of a key pair the launch makes, never a private one).
LAUNCH_PARAMS = (
    "image_id",
    "flavor_id",
    "nics",
    "security_groups",
    "key_name",
    "public_key",
    "availability_zone",
    "user_data",
    "metadata",
)


def launch_names(name: str, count: int) -> list[str]:
    """The servers' names: the name itself for one server, `name-1` .. `name-N` for several."""
    return [name] if count == 1 else [f"{name}-{index}" for index in range(1, count + 1)]


MiB = 1024**2


def _size(amount: int) -> str:
    return str(filesizeformat(amount))


def flavor_label(flavor: Flavor) -> str:
    """A flavor as choices show it: “m1.tiny — 1 vCPU, 512.0 MB RAM, 1.0 GB disk”."""
    return gettext("%(name)s — %(vcpus)s vCPU, %(ram)s RAM, %(disk)s disk") % {
        "name": flavor.name,
        "vcpus": flavor.vcpus,
        "ram": filesizeformat(flavor.ram * MiB),
        "disk": filesizeformat(flavor.disk * GiB),
    }


class OrderedChoices(forms.SelectMultiple):
    """Numbered single selects that share one name: the browser posts their values in page
    order, so the first choice is the first interface. Empty slots are dropped."""

    slots = 4

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = super().value_from_datadict(data, files, name)
        if isinstance(values, str):  # an API client sent one value, not a list
            values = [values]
        return [value for value in values or [] if value]

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # one chosen slot is enough; the field itself checks that

    def id_for_label(self, id_: str, index: str = "1") -> str:
        return f"{id_}_{index}" if id_ else id_

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        values = [value for value in (value or []) if value]
        attrs = attrs or {}
        parts = []
        for index in range(max(self.slots, len(values) + 1)):
            select = forms.Select(choices=[("", "—"), *self.choices], attrs=self.attrs)
            slot_attrs = {
                **attrs,
                "class": "form-select",
                "id": f"{attrs.get('id', name)}_{index + 1}",
                "aria-label": gettext("Interface %(number)s") % {"number": index + 1},
            }
            chosen = values[index] if index < len(values) else ""
            parts.append(
                format_html(
                    '<div class="input-group input-group-sm mb-1"><span class="input-group-text">'
                    "{}</span>{}</div>",
                    index + 1,
                    select.render(name, chosen, slot_attrs, renderer),
                )
            )
        return mark_safe("".join(parts))


def _port_label(port: Any) -> str:
    addresses = ", ".join(entry.get("ip_address", "") for entry in port.fixed_ips)
    network = port.network.name_or_id if port.network else gettext("unknown network")
    return f"{port.name_or_id} ({network}{', ' if addresses else ''}{addresses})"


class ServerLaunchForm(UserForm):
    """Launch servers; a key pair the launch generates is kept in `generated_keypair` for the
    answer, which shows its private key once."""

    model = Server
    action = "launch"
    on_object = False
    policy = ("nova", "os_compute_api:servers:create")

    name = NameField(label=_("Name"))
    count = forms.IntegerField(
        label=_("Count"),
        min_value=1,
        max_value=MAX_LAUNCH_COUNT,
        initial=1,
        help_text=format_lazy(
            _("1 to {count}; several servers are named name-1, name-2, …"), count=MAX_LAUNCH_COUNT
        ),
        error_messages={
            "min_value": _("Launch at least 1 server."),
            "max_value": format_lazy(
                _("Launch at most {count} servers at once."), count=MAX_LAUNCH_COUNT
            ),
        },
    )
    image_id = forms.ChoiceField(label=_("Image"))
    flavor_id = forms.ChoiceField(label=_("Flavor"))
    nics = forms.MultipleChoiceField(
        label=_("Networks and ports, in order"),
        widget=OrderedChoices,
        help_text=_(
            "The first choice becomes the server's first interface. A network gets a new "
            "port; a port of yours that nothing uses is plugged in as it is."
        ),
        error_messages={"required": _("Choose at least one network or port for the server.")},
    )
    security_groups = forms.MultipleChoiceField(
        label=_("Security groups"),
        required=False,
        help_text=_("Applied to the ports made on the chosen networks."),
    )
    key_name = forms.ChoiceField(label=_("Key pair"), required=False)
    new_key_name = NameField(
        label=_("Or a new key pair"),
        required=False,
        help_text=_(
            "Name one to make it with this launch: paste its public key below to import "
            "it, or leave that empty and the dashboard generates one (its private key is shown "
            "once, with the launch)."
        ),
    )
    new_public_key = forms.CharField(
        label=_("Its public key"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("The line of an OpenSSH .pub file, such as “ssh-ed25519 AAAA… you@laptop”."),
    )
    availability_zone = forms.CharField(
        label=_("Availability zone"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"list": "availability-zones"}),
        help_text=_("Leave empty to let Nova choose."),
    )
    user_data = forms.CharField(
        label=_("User data"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "A cloud-init script or cloud-config, as text or as a file below; at most 64 "
            "KiB once base64-encoded (about 48 KiB)."
        ),
    )
    user_data_file = forms.FileField(label=_("User data file"), required=False)
    metadata = forms.CharField(
        label=_("Metadata"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One key=value per line."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A key pair generated for this launch: its private key is for the answer only.
        self.generated_keypair: GeneratedKeyPair | None = None
        project_id = self.project_id
        self.images = {image.id: image for image in launch_image_list(project_id=project_id)}
        self.flavors = {flavor.id: flavor for flavor in launch_flavor_list(project_id=project_id)}
        self.choice("image_id").choices = [
            ("", gettext("Choose an image")),
            *((image.id, image.name_or_id) for image in self.images.values()),
        ]
        self.choice("flavor_id").choices = [
            ("", gettext("Choose a flavor")),
            *((flavor.id, flavor_label(flavor)) for flavor in self.flavors.values()),
        ]
        networks = [
            (f"{NETWORK}:{network.id}", network.name_or_id)
            for network in launch_network_list(project_id=project_id)
        ]
        ports = [
            (f"{PORT}:{port.id}", _port_label(port))
            for port in launch_port_list(project_id=project_id)
        ]
        self.choice("nics").choices = [
            (gettext("Networks"), networks),
            (gettext("Unused ports"), ports),
        ]
        groups = list(launch_security_group_list(project_id=project_id))
        self.choice("security_groups").choices = [(group.id, group.name) for group in groups]
        self.fields["security_groups"].initial = [g.id for g in groups if g.name == "default"]
        self.choice("key_name").choices = [
            ("", gettext("No key pair")),
            *((keypair.name, keypair.name) for keypair in keypair_list(user_id=self.user_id)),
        ]
        self.fields["key_name"].help_text = format_html(
            gettext(
                'Its public key is installed for SSH. Your key pairs are on <a href="{}">Key '
                "Pairs</a>; or make one with this launch, below."
            ),
            reverse("instances:keypair_list"),
        )
        self.availability_zones = availability_zone_names()
        for name, message in (
            (
                "image_id",
                gettext("This image is not available to your project; choose one of the list."),
            ),
            (
                "flavor_id",
                gettext("This flavor is not available to your project; choose one of the list."),
            ),
            ("nics", gettext("Choose networks and ports of the list (yours or shared).")),
            ("security_groups", gettext("Choose security groups of your project.")),
            (
                "key_name",
                gettext("This is not one of your key pairs; pick one, or name a new one."),
            ),
        ):
            self.fields[name].error_messages["invalid_choice"] = message

    def choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    # ---- fields ---------------------------------------------------------------------------

    def clean_new_key_name(self) -> str:
        name: str = self.cleaned_data["new_key_name"]
        return clean_keypair_name(name, user_id=self.user_id) if name else ""

    def clean_new_public_key(self) -> str:
        text: str = self.cleaned_data["new_public_key"]
        return clean_public_key(text) if text.strip() else ""

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if not name.isprintable():
            raise forms.ValidationError(
                gettext("Use printable characters only (no tabs or newlines).")
            )
        return name

    def clean_nics(self) -> list[dict[str, str]]:
        nics: list[dict[str, str]] = []
        for value in self.cleaned_data["nics"]:
            kind, _, object_id = value.partition(":")
            if kind == PORT and {"port": object_id} in nics:
                raise forms.ValidationError(gettext("A port can be chosen once only."))
            nics.append({"uuid": object_id} if kind == NETWORK else {"port": object_id})
        return nics

    def clean_metadata(self) -> dict[str, str]:
        metadata: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["metadata"].splitlines(), start=1):
            if not line.strip():
                continue
            key, separator, value = line.partition("=")
            key, value = key.strip(), value.strip()
            if not separator or not METADATA_KEY.match(key):
                raise forms.ValidationError(
                    gettext(
                        "Line %(number)s is not key=value with a key of letters, digits, spaces "
                        "and - _ : . (at most 255 characters)."
                    )
                    % {"number": number}
                )
            if key == OPERATION_METADATA_KEY:
                raise forms.ValidationError(
                    gettext("The key %(key)s is reserved for the dashboard.") % {"key": key}
                )
            if len(value) > MAX_METADATA_VALUE:
                raise forms.ValidationError(
                    gettext("The value of %(key)s is longer than 255 characters.") % {"key": key}
                )
            metadata[key] = value
        if len(metadata) > MAX_METADATA_ITEMS:
            raise forms.ValidationError(
                gettext("At most %(count)s metadata items.") % {"count": MAX_METADATA_ITEMS}
            )
        return metadata

    # ---- the whole launch -----------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name, count = data.get("name"), data.get("count")
        if name and count and count > 1 and len(f"{name}-{count}") > MAX_NAME_LENGTH:
            self.add_error(
                "name", gettext("Shorten the name: with the -N suffix it is too long (255).")
            )
        data["user_data"] = self._user_data(data)
        data["public_key"] = self._new_keypair(data)
        image = self.images.get(data.get("image_id", ""))
        flavor = self.flavors.get(data.get("flavor_id", ""))
        if image is not None and flavor is not None:
            self._check_flavor_fits(image, flavor)
        if flavor is not None and count:
            self._check_quota(flavor, count)
        return data

    def _new_keypair(self, data: dict[str, Any]) -> str:
        """The public key of the new key pair the launch makes ("" for none), which becomes the
        launch's `key_name`: the pasted one, or one generated here."""
        name, public_key = data.pop("new_key_name", ""), data.pop("new_public_key", "")
        if not name:
            if public_key:
                self.add_error(
                    "new_key_name", gettext("Name the new key pair this public key is for.")
                )
            return ""
        if data.get("key_name"):
            self.add_error("new_key_name", gettext("Pick a key pair or name a new one, not both."))
            return ""
        data["key_name"] = name
        if public_key:
            return str(public_key)
        self.generated_keypair = keypair_generate(key_type="ed25519", comment=name)
        return self.generated_keypair.public_key

    def _user_data(self, data: dict[str, Any]) -> str:
        """The user data base64-encoded, as Nova takes it; "" without any."""
        text, upload = data.get("user_data") or "", data.get("user_data_file")
        data.pop("user_data_file", None)
        if text and upload:
            self.add_error(
                "user_data_file", gettext("Give the user data as text or as a file, not both.")
            )
            return ""
        field = "user_data_file" if upload else "user_data"
        raw = upload.read(MAX_USER_DATA + 1) if upload else text.encode()
        encoded = base64.b64encode(raw).decode()
        if len(encoded) > MAX_USER_DATA:
            self.add_error(
                field,
                gettext(
                    "The user data is %(size)s or more once base64-encoded; Nova accepts at "
                    "most %(limit)s (about 48 KiB before encoding). Shorten it, or have it "
                    "download the rest when the server boots."
                )
                % {"size": _size(len(encoded)), "limit": _size(MAX_USER_DATA)},
            )
            return ""
        return encoded

    def _check_flavor_fits(self, image: Image, flavor: Flavor) -> None:
        problems = []
        if image.min_ram and flavor.ram < image.min_ram:
            problems.append(
                gettext("the image needs at least %(ram)s MiB of RAM") % {"ram": image.min_ram}
            )
        if flavor.disk and image.min_disk and flavor.disk < image.min_disk:
            problems.append(
                gettext("the image needs a disk of at least %(disk)s GiB")
                % {"disk": image.min_disk}
            )
        if flavor.disk and image.size and image.size > flavor.disk * GiB:
            problems.append(
                gettext("the image (%(size)s) is larger than its disk")
                % {"size": filesizeformat(image.size)}
            )
        if problems:
            self.add_error(
                "flavor_id",
                gettext(
                    "Flavor %(flavor)s is too small for image %(image)s: %(problems)s. Choose a "
                    "larger flavor."
                )
                % {
                    "flavor": flavor.name,
                    "image": image.name_or_id,
                    # Translators: separates the reasons a flavor is too small.
                    "problems": gettext("; ").join(problems),
                },
            )

    def _check_quota(self, flavor: Flavor, count: int) -> None:
        exceeded = [
            line
            for line in launch_quota(
                project_id=self.project_id, vcpus=flavor.vcpus, ram=flavor.ram, count=count
            )
            if not line.fits
        ]
        if exceeded:
            shortfalls = gettext("; ").join(
                gettext("it needs %(needed)s %(unit)s but only %(left)s of %(limit)s are left")
                % {
                    "needed": line.needed,
                    "unit": gettext(line.unit),
                    "left": line.left,
                    "limit": line.limit,
                }
                for line in exceeded
            )
            self.add_error(
                None,
                gettext(
                    "This launch does not fit your project's compute quota: %(shortfalls)s. "
                    "Launch fewer or smaller servers, delete servers you no longer need, or ask "
                    "a cloud administrator for a larger quota (the Overview shows your quotas)."
                )
                % {"shortfalls": shortfalls},
            )

    def operation_requests(self) -> list[OperationRequest]:
        """One launch operation per server the form asks for (`count`), each named on its own.
        A launch has no target id yet, so none is refused as another one's duplicate."""
        params = {key: self.cleaned_data[key] for key in LAUNCH_PARAMS}
        return [
            OperationRequest(
                service=server_create,
                description=Message(gettext_noop("Launch server “%(name)s”"), {"name": name}),
                target_type="server",
                target_name=name,
                params={**params, "name": name},
            )
            for name in launch_names(self.cleaned_data["name"], self.cleaned_data["count"])
        ]

    def quota_lines(self) -> list[QuotaLine]:
        """The compute quotas against the launch as currently filled in (for the page)."""
        return launch_quota_preview(
            project_id=self.project_id,
            flavor=self.flavors.get(str(self["flavor_id"].value() or "")),
            count=self["count"].value(),
        )


def launch_quota_preview(*, project_id: str, flavor: Flavor | None, count: Any) -> list[QuotaLine]:
    """The compute quotas against a launch being filled in: `count` as typed so far (bad
    values count as 1); without a flavor, only what is used now."""
    try:
        servers = max(int(count or 1), 1)
    except (TypeError, ValueError):
        servers = 1
    if flavor is None:
        return launch_quota(project_id=project_id, vcpus=0, ram=0, count=0)
    return launch_quota(project_id=project_id, vcpus=flavor.vcpus, ram=flavor.ram, count=servers)
