"""Fixtures of the tenants app's tests."""

from collections.abc import Callable
from typing import Any

import pytest

from tenants.reconcile import compute_service_id

# Registered (default) limits of Nova's resources, by Keystone's name, that the tests of unified
# limits make in Keystone when the cloud has none.
NOVA_REGISTERED = {"servers": 10, "class:VCPU": 20}


@pytest.fixture
def nova_registered_limits(
    cloud: Any, settings: Any, cleanup: Callable[[Callable[[], Any]], None]
) -> dict[str, int]:
    """The dashboard on Nova's unified limits (settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS), and
    Keystone's registered limits of `NOVA_REGISTERED`'s resources, by name: those the cloud has,
    else made and removed again. Nova on the local cloud keeps its own quotas, so what these tests
    read comes from Keystone alone."""
    settings.OPENSTACK_COMPUTE_UNIFIED_LIMITS = True
    service_id = compute_service_id(conn=cloud)
    limits: dict[str, int] = {}
    for name, default in NOVA_REGISTERED.items():
        registered = next(
            iter(cloud.identity.registered_limits(service_id=service_id, resource_name=name)),
            None,
        )
        if registered is None:
            registered = cloud.identity.create_registered_limit(
                service_id=service_id, resource_name=name, default_limit=default
            )
            cleanup(lambda made=registered: cloud.identity.delete_registered_limit(made))
        limits[name] = int(registered.default_limit)
    return limits
