"""What the cloud's policy lets the signed-in user do, read from files that mirror that policy.

As in Horizon: each service's default rules (`dashboard.policies`) overridden by the cloud's own
rules in `<OPENSTACK_POLICY_DIR>/<service>.yaml`, evaluated by oslo.policy, the library the
services enforce their policy with. Pages hide the fields and buttons the policy refuses and forms
refuse them when they are posted anyway; the cloud still decides.
"""

import os
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from oslo_config import cfg
from oslo_policy.policy import Enforcer

from dashboard.policies import DEFAULT_RULES
from dashboard.sessions import CloudSession


def policy_allows(
    keystone: CloudSession,
    service: str,
    rule: str,
    *,
    target: Mapping[str, Any] | None = None,
) -> bool:
    """Whether `service`'s policy lets the session's user do `rule` (on its project's objects).

    `target` adds attributes of the object acted on (ids and names: its values are part of the
    remembered decision's key). By default the object, and the one it
    belongs to (the network of a subnet or port, the group of a security group rule, the
    floating IP of a port forwarding), are of the session's project, and an object a user owns
    (Nova's key pairs) is the session user's.
    An unknown service or a rule without a default in `dashboard.policies` is a programming
    error and raises.

    Decisions are remembered per process (a list asks the same few dozen questions on every
    page) until the service's override file changes.
    """
    policy_dir = str(settings.OPENSTACK_POLICY_DIR)
    try:
        # os.stat of a string: a list asks this for every action (pathlib took 6 µs a call).
        version = os.stat(os.path.join(policy_dir, f"{service}.yaml")).st_mtime_ns
    except FileNotFoundError:
        version = 0
    return _decision(
        service,
        rule,
        user_id=keystone.user_id,
        project_id=keystone.project_id,
        roles=tuple(sorted(keystone.roles)),
        target=tuple(sorted((target or {}).items())),
        policy_dir=policy_dir,
        version=version,
    )


@lru_cache(maxsize=8192)
def _decision(
    service: str,
    rule: str,
    *,
    user_id: str,
    project_id: str,
    roles: tuple[str, ...],
    target: tuple[tuple[str, Any], ...],
    policy_dir: str,
    version: int,
) -> bool:
    """oslo.policy's answer; `version` (the override file's mtime) is only part of the key."""
    credentials = {"user_id": user_id, "project_id": project_id, "roles": list(roles)}
    full_target = {
        "project_id": project_id,
        "tenant_id": project_id,
        "user_id": user_id,
        "network:project_id": project_id,
        "security_group:project_id": project_id,
        "ext_parent:project_id": project_id,
        **dict(target),
    }
    return bool(_enforcer(service, policy_dir).authorize(rule, full_target, credentials))


@cache
def _enforcer(service: str, policy_dir: str) -> Enforcer:
    """The service's defaults under its override file, which is re-read when it changes."""
    conf = cfg.ConfigOpts()
    conf([], project="dashboard", default_config_files=[], default_config_dirs=[])
    enforcer = Enforcer(conf, policy_file=str(Path(policy_dir) / f"{service}.yaml"))
    conf.set_override("policy_dirs", [], group="oslo_policy")
    enforcer.register_defaults(DEFAULT_RULES[service])
    return enforcer
