"""What the cloud's policy lets the signed-in user do, read from files that mirror that policy.

As in Horizon: each service's default rules (`dashboard.policies`) overridden by the cloud's own
rules in `<OPENSTACK_POLICY_DIR>/<service>.yaml`, evaluated by oslo.policy, the library the
services enforce their policy with. Pages hide the fields and buttons the policy refuses and forms
refuse them when they are posted anyway; the cloud still decides.
"""

from collections.abc import Mapping
from functools import cache
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

    `target` adds attributes of the object acted on. By default the object, and the one it
    belongs to (the network of a subnet or port, the group of a security group rule, the
    floating IP of a port forwarding), are of the session's project, and an object a user owns
    (Nova's key pairs) is the session user's.
    An unknown service or a rule without a default in `dashboard.policies` is a programming
    error and raises.
    """
    credentials = {
        "user_id": keystone.user_id,
        "project_id": keystone.project_id,
        "roles": list(keystone.roles),
    }
    full_target = {
        "project_id": keystone.project_id,
        "tenant_id": keystone.project_id,
        "user_id": keystone.user_id,
        "network:project_id": keystone.project_id,
        "security_group:project_id": keystone.project_id,
        "ext_parent:project_id": keystone.project_id,
        **(target or {}),
    }
    enforcer = _enforcer(service, str(settings.OPENSTACK_POLICY_DIR))
    return bool(enforcer.authorize(rule, full_target, credentials))


@cache
def _enforcer(service: str, policy_dir: str) -> Enforcer:
    """The service's defaults under its override file, which is re-read when it changes."""
    conf = cfg.ConfigOpts()
    conf([], project="dashboard", default_config_files=[], default_config_dirs=[])
    enforcer = Enforcer(conf, policy_file=str(Path(policy_dir) / f"{service}.yaml"))
    conf.set_override("policy_dirs", [], group="oslo_policy")
    enforcer.register_defaults(DEFAULT_RULES[service])
    return enforcer
