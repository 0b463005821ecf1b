"""Key pair changes. Nova at the pinned microversion (2.92 and later) no longer generates key
pairs, so "create" generates one here with `cryptography`, imports only its public key through
the same operation as an import, and hands the private key back to the caller, which shows it to
the user once. The private key is never stored, logged or put in an operation's params."""

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from instances.changes import Change
from instances.models import KeyPair
from instances.reconcile import keypair_id

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


def import_keypair(*, user_id: str, name: str, public_key: str) -> Change:
    return {
        "action": "instances.keypair_create",
        "description": f"Import key pair “{name}”",
        "target_type": "keypair",
        # Names are unique per user: a second import of the same name waits for the first.
        "target_id": keypair_id(user_id=user_id, name=name),
        "target_name": name,
        "params": {"name": name, "public_key": public_key},
    }


def create_keypair(*, user_id: str, data: dict[str, Any]) -> tuple[Change, GeneratedKeyPair]:
    """Generate a key pair and the change that imports its public key into Nova."""
    generated = keypair_generate(key_type=data["key_type"], comment=data["name"])
    change = import_keypair(user_id=user_id, name=data["name"], public_key=generated.public_key)
    change["description"] = f"Create key pair “{data['name']}”"
    return change, generated


def delete_keypair(keypair: KeyPair) -> Change:
    return {
        "action": "instances.keypair_delete",
        "description": f"Delete key pair “{keypair.name}”",
        "target_type": "keypair",
        "target_id": keypair.id,
        "target_name": keypair.name,
        "params": {"name": keypair.name},
    }
