"""Reads of the key pair mirror. Key pairs belong to a Keystone user, not to a project, so these
take the signed-in user's id; every project of that user sees the same key pairs."""

from django.db.models import QuerySet

from instances.models import KeyPair


def keypair_list(*, user_id: str) -> QuerySet[KeyPair]:
    """The user's key pairs, by name."""
    return KeyPair.objects.filter(user_id=user_id).order_by("name")


def keypair_get(*, user_id: str, pk: str) -> KeyPair | None:
    """One of the user's key pairs (its id is `<user_id>:<name>`), else None."""
    return keypair_list(user_id=user_id).filter(pk=pk).first()


def keypair_name_taken(*, user_id: str, name: str) -> bool:
    """Whether the user already has a key pair of this name (Nova's names are per user)."""
    return keypair_list(user_id=user_id).filter(name=name).exists()
