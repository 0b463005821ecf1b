"""Structured logging with structlog, for our own events and the standard library's alike.

Tokens and passwords must never reach a log: `redact_secrets` masks them by key name and masks
anything shaped like a Keystone token (Fernet or JWS) wherever it appears in an event, exception
tracebacks included (they are rendered to text first, then masked).
"""

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

SECRET_KEY_PATTERN = re.compile(r"token|password|secret|authorization|credential", re.IGNORECASE)
# Keystone's two token formats: Fernet tokens are url-safe base64 starting with "gAAAAA"; JWS
# tokens are JWTs, three url-safe base64 parts of which the first (a JSON header) starts "eyJ".
TOKEN_PATTERN = re.compile(
    r"gAAAAA[A-Za-z0-9_\-]{20,}=*"
    r"|eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"
)
MASK = "***"


def mask_tokens(text: str) -> str:
    """`text` with every Keystone-token-shaped string replaced by the mask."""
    return TOKEN_PATTERN.sub(MASK, text)


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return mask_tokens(value)
    if isinstance(value, Mapping):
        return {
            key: MASK if SECRET_KEY_PATTERN.search(str(key)) else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        # A plain list: a NamedTuple (or any tuple subclass) cannot be rebuilt from one iterable.
        return [_redact(item) for item in value]
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Mask secret-looking keys and token-shaped strings in every log event."""
    return {
        key: MASK if SECRET_KEY_PATTERN.search(key) and key != "event" else _redact(value)
        for key, value in event_dict.items()
    }


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
    # A traceback becomes text here, so that the next step can mask a token an exception quotes.
    structlog.processors.format_exc_info,
    redact_secrets,
]


def logging_config(*, debug: bool, level: str) -> dict[str, Any]:
    """Configure structlog and return Django's LOGGING dict that renders stdlib records too."""
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if debug
        else structlog.processors.JSONRenderer()
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    redact_secrets,
                    renderer,
                ],
                "foreign_pre_chain": SHARED_PROCESSORS,
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # keystoneauth logs request headers at DEBUG; keep it quiet whatever the level.
            "keystoneauth": {"level": "WARNING"},
            "openstack": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }
