"""Each compute change as the Operation engine takes it (the kwargs of `operation_start`)."""

from typing import Any

Change = dict[str, Any]
