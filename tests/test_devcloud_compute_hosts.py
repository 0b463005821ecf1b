"""devcloud's compute hosts beyond the first (`python3 -m devcloud compute-hosts N`): what each
runs, reads and is called, worked out from a state directory of the test's own.

Starting a second nova-compute on the suite's cloud would put other tests' servers on it; the
command itself was run against the local cloud (up, boots spread over both hosts, down and up,
lowered, reset) as its closing note reports.
"""

from pathlib import Path

import pytest

from devcloud.compute_hosts import MAX_COMPUTE_HOSTS, set_compute_hosts
from devcloud.config import make_data_dirs, write_service_configs
from devcloud.console import DevcloudError, Progress
from devcloud.paths import Layout
from devcloud.services import (
    COMPUTE_HOSTS_FILE,
    SERVICE_NAMES,
    all_services,
    compute_host,
    compute_host_count,
    reporting_service,
    service_names,
)

CREDENTIALS = {"service": "service-secret", "database": "database-secret"}


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path / "state")


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    """A virtualenv with just what the config writer copies from it: the paste ini files."""
    root = tmp_path / "venv"
    for paste in ("glance/glance-api-paste.ini", "nova/api-paste.ini", "neutron/api-paste.ini"):
        (root / "etc" / paste).parent.mkdir(parents=True, exist_ok=True)
        (root / "etc" / paste).write_text("[app]\n")
    return root


def set_count(layout: Layout, count: int) -> None:
    layout.data.mkdir(parents=True, exist_ok=True)
    (layout.data / COMPUTE_HOSTS_FILE).write_text(f"{count}\n")


def test_without_a_count_the_cloud_runs_its_one_compute_host(layout: Layout, venv: Path) -> None:
    assert compute_host_count(layout) == 1
    assert service_names(layout) == SERVICE_NAMES
    assert [service.name for service in all_services(layout, venv)] == list(SERVICE_NAMES)


def test_an_unreadable_count_is_one_host(layout: Layout) -> None:
    layout.data.mkdir(parents=True)
    (layout.data / COMPUTE_HOSTS_FILE).write_text("two\n")
    assert compute_host_count(layout) == 1


def test_each_host_beyond_the_first_is_a_nova_compute_with_its_own_config_log_and_state(
    layout: Layout, venv: Path
) -> None:
    set_count(layout, 3)
    assert service_names(layout) == (*SERVICE_NAMES, "nova-compute-2", "nova-compute-3")

    extras = all_services(layout, venv)[len(SERVICE_NAMES) :]
    assert [service.name for service in extras] == ["nova-compute-2", "nova-compute-3"]
    second = extras[0].argv
    assert Path(second[0]).name == "nova-compute"
    # nova.conf first, then the host's own file, whose values win.
    config_files = [second[i + 1] for i, arg in enumerate(second) if arg == "--config-file"]
    assert config_files == [
        str(layout.etc / "nova" / "nova.conf"),
        str(layout.etc / "nova-compute-2" / "nova-compute.conf"),
    ]
    assert second[second.index("--log-file") + 1] == str(layout.log("nova-compute-2"))

    write_service_configs(layout, venv, CREDENTIALS, notifications=False)
    own = (layout.etc / "nova-compute-3" / "nova-compute.conf").read_text()
    assert "host = devcloud-compute-3\n" in own
    assert f"state_path = {layout.data}/nova-compute-3\n" in own
    make_data_dirs(layout)
    assert (layout.data / "nova-compute-2" / "instances").is_dir()
    assert (layout.data / "nova-compute-3" / "instances").is_dir()


def test_nova_service_rows_name_the_devcloud_service_by_binary_and_host() -> None:
    assert reporting_service("nova-conductor", "devcloud-compute") == "nova-conductor"
    assert reporting_service("nova-compute", "devcloud-compute") == "nova-compute"
    assert reporting_service("nova-compute", "devcloud-compute-2") == "nova-compute-2"
    assert compute_host("nova-compute") == "devcloud-compute"
    assert compute_host("nova-compute-2") == "devcloud-compute-2"


@pytest.mark.parametrize("count", [0, MAX_COMPUTE_HOSTS + 1])
def test_a_count_out_of_range_is_refused(layout: Layout, count: int) -> None:
    with pytest.raises(DevcloudError, match=f"must be 1 to {MAX_COMPUTE_HOSTS}"):
        set_compute_hosts(layout, Progress(), count)
    assert compute_host_count(layout) == 1


def test_before_the_first_up_there_is_no_cloud_to_add_hosts_to(layout: Layout) -> None:
    with pytest.raises(DevcloudError, match="run `python3 -m devcloud up` first"):
        set_compute_hosts(layout, Progress(), 2)
    assert not (layout.data / COMPUTE_HOSTS_FILE).exists()
