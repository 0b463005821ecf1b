"""A real SMTP server on loopback (aiosmtpd) that keeps what the dashboard sends, for tests.

`mailbox` points the dashboard's SMTP backend at it for one test and gives the mails received;
`Mailbox.links` finds the dashboard's links in a mail, so a test can follow them.
"""

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from threading import Lock
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from dashboard.testing.waiting import wait_until


@dataclass
class _Keeper:
    """aiosmtpd's handler: parses and keeps every message it accepts."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: Lock = field(default_factory=Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """The mails the SMTP server received during one test."""

    keeper: _Keeper

    @property
    def messages(self) -> list[EmailMessage]:
        with self.keeper.lock:
            return list(self.keeper.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in str(message["To"])]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 30.0) -> EmailMessage:
        """The `count`th mail to `address` (waiting for a worker to send it)."""
        wait_until(
            lambda: len(self.to(address)) >= count or None,
            timeout=timeout,
            what=f"mail number {count} to {address}",
        )
        return self.to(address)[count - 1]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "the mail has a plain-text body"
        return str(part.get_content())

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        """The dashboard's links in the mail, as paths (to `client.get`)."""
        site = re.escape(settings.SITE_URL)
        return re.findall(rf"{site}(/\S*)", cls.body(message))

    def clear(self) -> None:
        with self.keeper.lock:
            self.keeper.messages.clear()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[_Keeper, int]]:
    keeper = _Keeper()
    port = _free_port()
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield keeper, port
    finally:
        controller.stop()


def smtp_mailers(port: int) -> dict[str, Any]:
    """`settings.MAILERS` sending through plain SMTP on loopback `port`."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def mailbox(smtp_server: tuple[_Keeper, int], settings: Any) -> Iterator[Mailbox]:
    """The dashboard sends through the loopback SMTP server for this test; the mails it got."""
    keeper, port = smtp_server
    settings.MAILERS = smtp_mailers(port)
    box = Mailbox(keeper)
    box.clear()
    yield box
    box.clear()
