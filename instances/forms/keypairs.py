"""Key pair forms: import a public key, or name a key pair for the dashboard to generate."""

import re
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from django import forms

from dashboard.web.forms import NameField, ProjectForm
from instances.selectors.keypairs import keypair_name_taken

# Nova's key pair names since microversion 2.92.
NAME = re.compile(r"^[_\-@. a-zA-Z0-9]+$")
KEY_TYPES = [("ed25519", "Ed25519 (recommended)"), ("rsa", "RSA 4096")]


def clean_keypair_name(name: str, *, user_id: str) -> str:
    """A new key pair's name: Nova's characters, and not one the user already has."""
    if not NAME.match(name):
        raise forms.ValidationError(
            "Use only letters, digits, spaces and the characters - _ . @ in the name."
        )
    if keypair_name_taken(user_id=user_id, name=name):
        raise forms.ValidationError(
            f"You already have a key pair named “{name}”. Choose another name, or delete "
            "that key pair first."
        )
    return name


def clean_public_key(text: str) -> str:
    """An OpenSSH public key line, its white space folded."""
    public_key = " ".join(text.split())
    try:
        serialization.load_ssh_public_key(public_key.encode())
    except (ValueError, UnsupportedAlgorithm):
        raise forms.ValidationError(
            "This is not an OpenSSH public key. Paste the single line of your .pub file "
            "(it starts with ssh-ed25519, ssh-rsa or ecdsa-sha2-…), not the private key."
        ) from None
    return public_key


class KeyPairNameForm(ProjectForm):
    """A key pair's name: Nova's characters, and not one the user already has."""

    name = NameField(
        help_text="Letters, digits, spaces and - _ . @; unique among your key pairs.",
    )

    def __init__(self, *args: Any, user_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user_id

    def clean_name(self) -> str:
        return clean_keypair_name(self.cleaned_data["name"], user_id=self.user_id)


class KeyPairImportForm(KeyPairNameForm):
    public_key = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="The whole line of an OpenSSH public key (the contents of a .pub file), "
        "such as “ssh-ed25519 AAAA… you@laptop”.",
    )

    def clean_public_key(self) -> str:
        return clean_public_key(self.cleaned_data["public_key"])


class KeyPairCreateForm(KeyPairNameForm):
    key_type = forms.ChoiceField(
        label="Key type",
        choices=KEY_TYPES,
        initial="ed25519",
        help_text="The dashboard generates the key pair and gives Nova only its public key. "
        "The private key is shown to you once, right after you create it: save it then.",
    )
