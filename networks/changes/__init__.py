"""Each networking change as the Operation engine takes it, shared by the pages and the API.

A change is the keyword arguments of `operation_start`: action, description, target and params.
"""

from typing import Any

Change = dict[str, Any]
