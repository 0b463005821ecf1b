"""Nova's default policy rules for the calls the dashboard makes (Nova 2026.2).

Copied from `nova/policies/{base,servers,pause_server,suspend_server,lock_server,rescue,shelve,
attach_interfaces,keypairs,remote_consoles,console_output}.py`: the check strings must stay
Nova's, so that without an override file the dashboard describes a cloud that runs Nova's
defaults. Add a rule here before asking about it.
"""

from oslo_policy.policy import RuleDefault

ADMIN = "rule:context_is_admin"
PROJECT_MEMBER_OR_ADMIN = "rule:project_member_or_admin"
PROJECT_READER_OR_ADMIN = "rule:project_reader_or_admin"
# Key pairs belong to users: a user manages their own, whatever their role in the project.
ADMIN_OR_OWNER_USER = f"({ADMIN}) or user_id:%(user_id)s"

_BASE = {
    "context_is_admin": "role:admin",
    "project_member_api": "role:member and project_id:%(project_id)s",
    "project_reader_api": "role:reader and project_id:%(project_id)s",
    "project_member_or_admin": "rule:project_member_api or rule:context_is_admin",
    "project_reader_or_admin": "rule:project_reader_api or rule:context_is_admin",
}

_PROJECT_MEMBER = [
    "os_compute_api:servers:create",
    "os_compute_api:servers:delete",
    "os_compute_api:servers:update",
    "os_compute_api:servers:confirm_resize",
    "os_compute_api:servers:revert_resize",
    "os_compute_api:servers:reboot",
    "os_compute_api:servers:resize",
    "os_compute_api:servers:rebuild",
    "os_compute_api:servers:create_image",
    "os_compute_api:servers:start",
    "os_compute_api:servers:stop",
    "os_compute_api:os-pause-server:pause",
    "os_compute_api:os-pause-server:unpause",
    "os_compute_api:os-suspend-server:suspend",
    "os_compute_api:os-suspend-server:resume",
    "os_compute_api:os-lock-server:lock",
    "os_compute_api:os-lock-server:unlock",
    "os_compute_api:os-rescue",
    "os_compute_api:os-unrescue",
    "os_compute_api:os-shelve:shelve",
    "os_compute_api:os-shelve:unshelve",
    "os_compute_api:os-attach-interfaces:create",
    "os_compute_api:os-attach-interfaces:delete",
    "os_compute_api:os-remote-consoles",
    "os_compute_api:os-console-output",
]

_PROJECT_READER = [
    "os_compute_api:os-instance-actions:list",
]

_USERS_OWN = [
    "os_compute_api:os-keypairs:index",
    "os_compute_api:os-keypairs:create",
    "os_compute_api:os-keypairs:delete",
]

RULES: list[RuleDefault] = [
    *(RuleDefault(name, check_str) for name, check_str in _BASE.items()),
    *(
        RuleDefault(name, PROJECT_MEMBER_OR_ADMIN, scope_types=["project"])
        for name in _PROJECT_MEMBER
    ),
    *(
        RuleDefault(name, PROJECT_READER_OR_ADMIN, scope_types=["project"])
        for name in _PROJECT_READER
    ),
    *(RuleDefault(name, ADMIN_OR_OWNER_USER, scope_types=["project"]) for name in _USERS_OWN),
]
