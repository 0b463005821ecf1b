"""Key pair actions: import a public key, name a key pair for the dashboard to generate, delete.

Key pairs belong to the session's Keystone user, not to the project. Nova at the pinned
microversion (2.92 and later) no longer generates key pairs, so "create" generates one here with
`cryptography` and imports only its public key, through the same service as an import; the form
keeps the private key for the answer, which shows it to the user once. The private key is never
stored, logged or put in an operation's params.
"""

import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest
from dashboard.web.forms import NameField, ProjectForm
from instances.models import KeyPair
from instances.reconcile import keypair_id
from instances.selectors.keypairs import keypair_name_taken
from instances.services import keypairs as services

# Nova's key pair names since microversion 2.92.
NAME = re.compile(r"^[_\-@. a-zA-Z0-9]+$")
KEY_TYPES = [("ed25519", _("Ed25519 (recommended)")), ("rsa", "RSA 4096")]
RSA_BITS = 4096


@dataclass(frozen=True)
class GeneratedKeyPair:
    """A key pair made here: the public key goes to Nova, the private key to the user only."""

    public_key: str
    private_key: str

    def __repr__(self) -> str:  # never print the private key, even in a traceback
        return f"GeneratedKeyPair(public_key={self.public_key!r})"


def keypair_generate(*, key_type: str, comment: str) -> GeneratedKeyPair:
    """A new key pair: the OpenSSH public key line and the private key (OpenSSH PEM)."""
    private = (
        rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        if key_type == "rsa"
        else ed25519.Ed25519PrivateKey.generate()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return GeneratedKeyPair(public_key=f"{public.decode()} {comment}", private_key=pem.decode())


def clean_keypair_name(name: str, *, user_id: str) -> str:
    """A new key pair's name: Nova's characters, and not one the user already has."""
    if not NAME.match(name):
        raise forms.ValidationError(
            gettext("Use only letters, digits, spaces and the characters - _ . @ in the name.")
        )
    if keypair_name_taken(user_id=user_id, name=name):
        raise forms.ValidationError(
            gettext(
                "You already have a key pair named “%(name)s”. Choose another name, or delete "
                "that key pair first."
            )
            % {"name": name}
        )
    return name


def clean_public_key(text: str) -> str:
    """An OpenSSH public key line, its white space folded."""
    public_key = " ".join(text.split())
    try:
        serialization.load_ssh_public_key(public_key.encode())
    except (ValueError, UnsupportedAlgorithm):
        raise forms.ValidationError(
            gettext(
                "This is not an OpenSSH public key. Paste the single line of your .pub file "
                "(it starts with ssh-ed25519, ssh-rsa or ecdsa-sha2-…), not the private key."
            )
        ) from None
    return public_key


class UserForm(ProjectForm):
    """A form about the session's user's own objects (key pairs)."""

    @property
    def user_id(self) -> str:
        assert self.keystone is not None, "the form needs the session (`keystone`)"
        return self.keystone.user_id


class KeyPairNameForm(UserForm):
    """A new key pair of the session's user: its name is Nova's characters, and not one the
    user already has."""

    model = KeyPair
    on_object = False
    policy = ("nova", "os_compute_api:os-keypairs:create")

    name = NameField(
        label=_("Name"),
        help_text=_("Letters, digits, spaces and - _ . @; unique among your key pairs."),
    )

    def clean_name(self) -> str:
        return clean_keypair_name(self.cleaned_data["name"], user_id=self.user_id)

    def import_request(self, public_key: str, *, description: Message) -> OperationRequest:
        """Import `public_key` as the user's key pair of the form's name."""
        name = self.cleaned_data["name"]
        return OperationRequest(
            service=services.keypair_create,
            description=description,
            target_type="keypair",
            # Names are unique per user: a second import of the same name waits for the first.
            target_id=keypair_id(user_id=self.user_id, name=name),
            target_name=name,
            params={"name": name, "public_key": public_key},
        )


class KeyPairImportForm(KeyPairNameForm):
    action = "import"

    public_key = forms.CharField(
        label=_("Public key"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "The whole line of an OpenSSH public key (the contents of a .pub file), "
            "such as “ssh-ed25519 AAAA… you@laptop”."
        ),
    )

    def clean_public_key(self) -> str:
        return clean_public_key(self.cleaned_data["public_key"])

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        return self.import_request(
            self.cleaned_data["public_key"],
            description=Message(gettext_noop("Import key pair “%(name)s”"), {"name": name}),
        )


class KeyPairCreateForm(KeyPairNameForm):
    """Generate a key pair and import its public key; `generated` keeps the pair for the answer
    (made by `operation_request`, once per form)."""

    action = "create"

    key_type = forms.ChoiceField(
        label=_("Key type"),
        choices=KEY_TYPES,
        initial="ed25519",
        help_text=_(
            "The dashboard generates the key pair and gives Nova only its public key. "
            "The private key is shown to you once, right after you create it: save it then."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.generated: GeneratedKeyPair | None = None

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        if self.generated is None:
            self.generated = keypair_generate(key_type=self.cleaned_data["key_type"], comment=name)
        return self.import_request(
            self.generated.public_key,
            description=Message(gettext_noop("Create key pair “%(name)s”"), {"name": name}),
        )


class KeyPairDeleteForm(UserForm):
    model = KeyPair
    action = "delete"
    policy = ("nova", "os_compute_api:os-keypairs:delete")

    def operation_request(self) -> OperationRequest:
        keypair: KeyPair = self.obj
        return OperationRequest(
            service=services.keypair_delete,
            description=Message(gettext_noop("Delete key pair “%(name)s”"), {"name": keypair.name}),
            target_type="keypair",
            target_id=keypair.id,
            target_name=keypair.name,
            params={"name": keypair.name},
        )
