"""Keystone tokens are encrypted wherever they rest: the session table and Redis.

Fernet (AES-128-CBC with HMAC-SHA256) with the keys of `TOKEN_ENCRYPTION_KEYS`: the first key
encrypts, every key decrypts, so a key is rotated by putting a new one first and dropping the old
one once the longest-lived token it encrypted has expired (Keystone's `[token] expiration`).
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current_cipher() -> MultiFernet:
    return _cipher(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def token_encrypt(token: str) -> str:
    """`token` encrypted with the first key."""
    return _current_cipher().encrypt(token.encode()).decode()


def token_decrypt(sealed: str) -> str | None:
    """The token, or None when no configured key opens it (its key was retired, or it was
    tampered with): the caller treats it as gone."""
    try:
        return _current_cipher().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None
