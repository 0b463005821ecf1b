"""Every mirror model a page or API serves has its view and API test classes (NetBox's
model-test coverage check): a new resource cannot ship without the shared tests."""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings

from dashboard.testing.resources import ResourceAPITests, ResourceTests, ResourceViewTests

# Mirrored for other pages' choices and summaries, with no list page or endpoint of their own.
NOT_SERVED = {
    "instances.flavor",
    "instances.flavoraccess",
    "instances.image",
    "instances.imagemember",
    "instances.syncwatermark",
    "networks.subnetpool",
    "networks.portforwarding",
    "networks.rbacpolicy",
    "tenants.project",
    "tenants.quota",
    "tenants.quotadefault",
}

# Shown inside another object's page, with no list page of their own (their API has tests).
NO_LIST_PAGE = {"networks.securitygrouprule"}


def _subclasses(base: type) -> set[type]:
    found = set()
    for subclass in base.__subclasses__():
        found |= {subclass, *_subclasses(subclass)}
    return found


def _tested_models(base: type[ResourceTests]) -> set[str]:
    for path in Path(settings.BASE_DIR).glob("*/tests/test_*.py"):
        import_module(".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts))
    return {
        cls.factory._meta.model._meta.label_lower
        for cls in _subclasses(base)
        if getattr(cls, "factory", None) is not None
    }


def _served_models() -> set[str]:
    from dashboard.mirror.models import MirrorModel

    return {
        model._meta.label_lower
        for model in apps.get_models()
        if issubclass(model, MirrorModel) and model._meta.label_lower not in NOT_SERVED
    }


def test_every_served_mirror_model_has_view_tests() -> None:
    missing = _served_models() - NO_LIST_PAGE - _tested_models(ResourceViewTests)
    assert not missing, f"Add a ResourceViewTests subclass for: {sorted(missing)}"


def test_every_served_mirror_model_has_api_tests() -> None:
    missing = _served_models() - _tested_models(ResourceAPITests)
    assert not missing, f"Add a ResourceAPITests subclass for: {sorted(missing)}"
