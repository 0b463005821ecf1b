"""Passwords generated once per state directory and kept with the snapshot."""

import json
import secrets
import string
from pathlib import Path

NAMES = ("admin", "service", "dashboard", "trials", "demo", "other", "database")
# Letters and digits only: the passwords go into URLs, command lines, YAML and env files.
_ALPHABET = string.ascii_letters + string.digits


def _new_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(24))


def load_or_create(path: Path) -> dict[str, str]:
    """Read the credentials file, adding random passwords for missing names (file mode 600)."""
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [name for name in NAMES if name not in stored]
    if missing:
        stored |= {name: _new_password() for name in missing}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2) + "\n")
        path.chmod(0o600)
    return stored
