"""Key material for key pair tests: fresh OpenSSH public keys, and removing a user's key pairs."""

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def new_public_key(comment: str = "test@dashboard") -> str:
    """A new ed25519 public key in OpenSSH form (the private half is thrown away)."""
    public = ed25519.Ed25519PrivateKey.generate().public_key()
    line = public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return f"{line.decode()} {comment}"


def delete_user_keypairs(cloud: Any, user_id: str) -> None:
    """Delete every key pair of the user (Nova keeps them after the user is deleted)."""
    for keypair in cloud.compute.keypairs(user_id=user_id):
        cloud.compute.delete_keypair(keypair.name, user_id=user_id, ignore_missing=True)
