"""`manage.py listen_notifications`: keep the mirror fresh from Nova's and Neutron's events."""

import signal
import threading
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from dashboard.mirror.listener import NotificationListener

log = structlog.get_logger(__name__)
IDLE_BEAT = 10.0


class Command(BaseCommand):
    help = (
        "Turn Nova and Neutron notifications into targeted reconciles of the mirror, until "
        "SIGTERM. Run exactly one. Without OPENSTACK_NOTIFICATIONS_URL it only waits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--heartbeat-file",
            type=Path,
            default=None,
            help="touch this file about every second while consuming (for health checks)",
        )

    def handle(self, *args: Any, heartbeat_file: Path | None, **options: Any) -> None:
        url = settings.OPENSTACK_NOTIFICATIONS_URL
        if not url:
            self._idle(heartbeat_file)
            return
        listener = NotificationListener(
            url=url,
            queue=settings.OPENSTACK_NOTIFICATIONS_QUEUE,
            topic=settings.OPENSTACK_NOTIFICATIONS_TOPIC,
            heartbeat_file=heartbeat_file,
        )
        listener.install_signal_handlers()
        listener.run()

    def _idle(self, heartbeat_file: Path | None) -> None:
        """Without a broker to listen to, stay up (a supervisor would only restart us) and say
        once why nothing happens."""
        log.warning(
            "listener.disabled",
            reason="OPENSTACK_NOTIFICATIONS_URL is not set: the mirror follows the cloud by "
            "beat's polling alone",
        )
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda _signum, _frame: stopping.set())
        while True:
            if heartbeat_file is not None:
                heartbeat_file.touch()
            if stopping.wait(IDLE_BEAT):
                return
