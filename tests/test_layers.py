"""The layers import downwards only: the core (`dashboard/`) imports no app but in its settings and
root URLs; `tenants` is the apps' base and imports neither `networks` nor `instances`; `instances`
may import `networks`, never the other way round. An upper layer fills in a lower one's hooks
where it is defined (`tenants.usage`, `networks.devices`, the apps' `events` modules), so no
import is needed upwards. Tests are left aside: they may set up rows of any app.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.models import Count, Q

from instances.selectors.devices import ServerReads
from networks.devices import instance_reads
from tenants.usage import (
    ALLOCATED_FLOATING_IPS,
    MIRROR_COUNTED,
    RUNNING_INSTANCES,
    MirrorCount,
    count_from_mirror,
)

ROOT = Path(__file__).resolve().parent.parent
APPS = frozenset({"tenants", "networks", "instances"})
# Package -> the apps it must not import.
FORBIDDEN = {
    "dashboard": APPS,
    "tenants": frozenset({"networks", "instances"}),
    "networks": frozenset({"instances"}),
}
# Where the core names the apps it is made of.
CORE_WIRING = {"dashboard/settings.py", "dashboard/urls.py"}


def _is_test(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    return (
        "tests" in relative.parts
        or relative.name.startswith("test_")
        or relative.name == "conftest.py"
    )


def _sources(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if not _is_test(path):
            yield path


def _imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (function bodies too)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.partition(".")[0])
    return imported


def _upward_imports(package: str) -> dict[str, list[str]]:
    """Module path -> the apps it imports that `package` must not."""
    found = {}
    for path in _sources(package):
        relative = path.relative_to(ROOT).as_posix()
        if relative in CORE_WIRING:
            continue
        if wrong := sorted(_imported_packages(path) & FORBIDDEN[package]):
            found[relative] = wrong
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    assert _upward_imports(package) == {}, (
        f"{package} must not import {', '.join(sorted(FORBIDDEN[package]))}"
    )


def test_the_check_sees_imports_inside_functions_and_skips_relative_ones(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "import os.path\nfrom . import sibling\n\ndef f():\n    from networks.models import Port\n"
    )

    assert _imported_packages(module) == {"os", "networks"}


def test_the_upper_apps_fill_the_hooks_of_the_lower_ones_as_they_start() -> None:
    assert set(MIRROR_COUNTED) == {
        "compute_instances",
        "compute_cores",
        "compute_ram",
        "network_network",
        "network_subnet",
        "network_port",
        "network_router",
        "network_floatingip",
        "network_security_group",
        "network_security_group_rule",
        RUNNING_INSTANCES,
        ALLOCATED_FLOATING_IPS,
    }
    assert isinstance(instance_reads(), ServerReads)


def test_a_figure_is_counted_one_way_only() -> None:
    counted = MIRROR_COUNTED["network_port"]

    count_from_mirror({"network_port": counted})  # the same declaration again: harmless
    with pytest.raises(ValueError, match="already counts network_port"):
        count_from_mirror({"network_port": MirrorCount(counted.model, Count, where=Q(pk="p"))})
    with pytest.raises(ValueError, match="No quota or overview figure is called network_ports"):
        count_from_mirror({"network_ports": counted})
    assert MIRROR_COUNTED["network_port"] == counted
