"""The instances pages and API, from the mirror: list, detail, launch form, quota box.

No worker runs here: a launch is checked up to the operations it starts (test_launch.py runs them
against the real cloud).
"""

import base64
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.resources import FROM_THE_FORM, ResourceAPITests, ResourceViewTests
from instances.factories import (
    FlavorAccessFactory,
    FlavorFactory,
    ImageFactory,
    ImageMemberFactory,
    KeyPairFactory,
    ServerFactory,
)
from instances.forms.servers import MAX_USER_DATA
from instances.tests.keys import new_public_key
from networks.factories import (
    FloatingIPFactory,
    NetworkFactory,
    PortFactory,
    SecurityGroupFactory,
    SubnetFactory,
)
from tenants.models import Quota

pytestmark = [pytest.mark.django_db, pytest.mark.cloud, pytest.mark.shared_account]

HTMX = {"HX-Request": "true"}
LAUNCH_URL = "/compute/instances/launch/"


def launchable(project_id: str, **flavor: Any) -> dict[str, Any]:
    """Mirror rows a launch in `project_id` may use, and valid launch data naming them."""
    image = ImageFactory(visibility="public", name="cirros")
    flavor_row = FlavorFactory(name="m1.test", **flavor)
    network = SubnetFactory(project_id=project_id).network
    return {
        "name": "web",
        "count": 1,
        "image_id": image.id,
        "flavor_id": flavor_row.id,
        "nics": [f"network:{network.id}"],
    }


def compute_quota(project_id: str, **limits: int) -> None:
    """Quota rows for the project: resource=limit. The use of instances, vCPUs and RAM is counted
    from the mirror's servers; the rows' stale `in_use` is ignored."""
    for resource, limit in limits.items():
        Quota.objects.create(
            id=f"{project_id}:compute:{resource}",
            project_id=project_id,
            service=Quota.Service.COMPUTE,
            resource=resource,
            limit=limit,
            in_use=99,
            synced_at=timezone.now(),
        )


class TestServerViews(ResourceViewTests):
    factory = ServerFactory
    list_url_name = "instances:server_list"
    detail_url_name = "instances:server_detail"
    create_url_name = "instances:server_launch"
    create_action = "instances.server_create"
    invalid_data = {"count": 0}
    invalid_field = "count"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return launchable(project_id)


class TestServerAPI(ResourceAPITests):
    factory = ServerFactory
    api_url = "/api/servers/"
    create_action = "instances.server_create"
    invalid_data = {"count": 0}
    invalid_field = "count"

    def valid_data(self, *, project_id: str) -> dict[str, Any]:
        return launchable(project_id)


# ---- the list ---------------------------------------------------------------------------------


def test_list_shows_addresses_with_floating_ips_within_a_query_budget(
    signed_in: Client,
    account: KeystoneAccount,
    no_cloud_calls: None,
    django_assert_max_num_queries: Any,
) -> None:
    """30 servers, each with a port on its network and a floating IP: no query per row."""
    project_id = account.project.id
    network = NetworkFactory(project_id=project_id, name="app-net")
    for index in range(30):
        address = f"10.1.0.{index + 10}"
        server = ServerFactory(
            project_id=project_id,
            addresses={"app-net": [{"version": 4, "addr": address, "OS-EXT-IPS:type": "fixed"}]},
        )
        port = PortFactory(
            project_id=project_id,
            network=network,
            device_id=server.id,
            fixed_ips=[{"subnet_id": "s", "ip_address": address}],
        )
        FloatingIPFactory(
            project_id=project_id,
            port=port,
            fixed_ip_address=address,
            floating_ip_address=f"203.0.113.{index + 10}",
        )

    with django_assert_max_num_queries(12):
        page = signed_in.get("/compute/instances/").content.decode()

    assert page.count("203.0.113.") == 25  # the first page, each address once
    assert "app-net</bdi>:</span> 10.1.0." in page


def test_transitional_rows_reload_themselves_until_they_settle(
    signed_in: Client, account: KeystoneAccount
) -> None:
    building = ServerFactory(project_id=account.project.id, status="BUILD", vm_state="building")
    rebooting = ServerFactory(project_id=account.project.id, task_state="rebooting")
    settled = ServerFactory(project_id=account.project.id)

    page = signed_in.get("/compute/instances/").content.decode()

    for server in (building, rebooting):
        assert f'hx-get="/compute/instances/{server.id}/row/"' in page
    assert f'hx-get="/compute/instances/{settled.id}/row/"' not in page
    assert 'hx-trigger="load delay:2s"' in page

    building.status, building.vm_state = "ACTIVE", "active"
    building.save()
    row = signed_in.get(f"/compute/instances/{building.id}/row/", headers=HTMX).content.decode()
    broken = ServerFactory(
        project_id=account.project.id, status="ERROR", fault={"code": 500, "message": "No host"}
    )
    assert (
        'title="No host">No host</div>'
        in signed_in.get(f"/compute/instances/{broken.id}/row/", headers=HTMX).content.decode()
    )

    assert row.startswith(f'<tr id="server-{building.id}"')
    assert "hx-get" not in row
    assert "ACTIVE" in row


def test_list_filters_by_status_ip_image_and_flavor(
    signed_in: Client, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    image = ImageFactory(visibility="public")
    small = FlavorFactory(name="m1.small")
    ServerFactory(project_id=project_id, name="web", image=image, flavor_name="m1.small")
    broken = ServerFactory(project_id=project_id, name="broken", status="ERROR")
    port = PortFactory(project_id=project_id, device_id=broken.id)
    FloatingIPFactory(
        project_id=project_id,
        port=port,
        fixed_ip_address="10.0.0.10",
        floating_ip_address="203.0.113.77",
    )

    def names(**query: str) -> set[str]:
        body = signed_in.get("/api/servers/", query).json()
        return {item["name"] for item in body["results"]}

    assert names(status="ERROR") == {"broken"}
    assert names(ip="203.0.113.77") == {"broken"}
    assert names(ip="10.0.0.1") == {"web", "broken"}  # both have 10.0.0.10
    assert names(ip="10.9.") == set()
    assert names(image=image.id) == {"web"}
    assert names(flavor=small.id) == {"web"}
    page = signed_in.get("/compute/instances/", {"status": "ERROR"}, headers=HTMX)
    assert "broken" in page.content.decode()
    assert ">web<" not in page.content.decode()


def test_filters_offer_only_images_and_flavors_the_project_may_use(
    signed_in: Client, account: KeystoneAccount
) -> None:
    ImageFactory(visibility="public", name="public-image")
    ImageFactory(project_id="someone-else", name="their-image")
    ImageMemberFactory(image__name="shared-with-us", project_id=account.project.id)
    ImageMemberFactory(image__name="offered-to-us", project_id=account.project.id, status="pending")
    ImageMemberFactory(image__name="shared-with-them", project_id="someone-else")
    FlavorFactory(name="public-flavor")
    FlavorAccessFactory(flavor__name="our-private-flavor", project_id=account.project.id)
    FlavorAccessFactory(flavor__name="their-private-flavor", project_id="someone-else")

    page = signed_in.get("/compute/instances/").content.decode()

    assert "public-image" in page
    assert "their-image" not in page
    assert "shared-with-us" in page
    assert "offered-to-us" not in page  # Glance lists a shared image once it is accepted
    assert "shared-with-them" not in page
    assert "public-flavor" in page
    assert "our-private-flavor" in page
    assert "their-private-flavor" not in page


# ---- the detail page ----------------------------------------------------------------------------


def test_detail_renders_from_the_mirror_with_ports_floating_ips_volumes_and_fault(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project_id = account.project.id
    server = ServerFactory(
        project_id=project_id,
        status="ERROR",
        vm_state="error",
        fault={"code": 500, "message": "No valid host was found. "},
        volumes_attached=[{"id": "vol-1", "delete_on_termination": True}],
    )
    port = PortFactory(
        project_id=project_id,
        device_id=server.id,
        name="nic0",
        fixed_ips=[{"subnet_id": "s", "ip_address": "10.0.0.10"}],
    )
    FloatingIPFactory(
        project_id=project_id,
        port=port,
        fixed_ip_address="10.0.0.10",
        floating_ip_address="203.0.113.44",
    )

    page = signed_in.get(f"/compute/instances/{server.id}/").content.decode()

    assert 'id="server-fault"' in page
    assert "No valid host was found." in page
    assert "nic0" in page
    assert page.count("203.0.113.44") == 2  # in the addresses and beside the port
    assert "vol-1" in page
    # The live reads are lazy-loaded after the page is shown, never during its request.
    assert f'hx-get="/compute/instances/{server.id}/action-log/" hx-trigger="load"' in page
    assert f'hx-get="/compute/instances/{server.id}/console-log/" hx-trigger="load"' in page
    assert f'action="/compute/instances/{server.id}/console/"' in page


def test_detail_body_polls_while_nova_works_on_the_server(
    signed_in: Client, account: KeystoneAccount
) -> None:
    building = ServerFactory(project_id=account.project.id, status="BUILD")
    active = ServerFactory(project_id=account.project.id)

    building_body = signed_in.get(f"/compute/instances/{building.id}/", headers=HTMX)
    active_body = signed_in.get(f"/compute/instances/{active.id}/", headers=HTMX)

    assert building_body.content.decode().lstrip().startswith('<div id="object-body"')
    assert "load delay:2s" in building_body.content.decode()
    assert "load delay:2s" not in active_body.content.decode()


# ---- the launch form ----------------------------------------------------------------------------


def test_launch_form_offers_only_what_the_project_may_use(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project_id = account.project.id
    data = launchable(project_id)
    ImageFactory(project_id="someone-else", name="their-image")
    ImageFactory(visibility="public", status="queued", name="unfinished-image")
    FlavorAccessFactory(flavor__name="their-flavor", project_id="someone-else")
    SubnetFactory(project_id="someone-else", network__name="their-net")
    NetworkFactory(project_id=project_id, name="net-without-subnet")
    PortFactory(project_id=project_id, name="free-port", device_id="", device_owner="")
    PortFactory(project_id=project_id, name="used-port")
    SecurityGroupFactory(project_id=project_id, name="default")
    SecurityGroupFactory(project_id="someone-else", name="their-group")
    KeyPairFactory(user_id=account.user_id, name="my-key")
    KeyPairFactory(name="their-key")

    page = signed_in.get(LAUNCH_URL).content.decode()

    assert f'value="{data["image_id"]}"' in page
    assert "m1.test — 1 vCPU, 64.0\xa0MB RAM, 1.0\xa0GB disk" in page
    assert "free-port" in page
    assert ">my-key<" in page
    for hidden in (
        "their-image",
        "unfinished-image",
        "their-flavor",
        "their-net",
        "net-without-subnet",
        "used-port",
        "their-group",
        "their-key",
    ):
        assert hidden not in page, hidden
    assert 'enctype="multipart/form-data"' in page
    assert page.count('name="nics"') == 4  # numbered interface slots, in order


def test_launch_form_suggests_each_availability_zone_once(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    launchable(account.project.id)
    for n in range(101):
        ServerFactory(project_id=f"project-{n % 7}", availability_zone="nova", name=f"vm-{n}")
    ServerFactory(project_id="project-1", availability_zone="az-b")
    ServerFactory(project_id="project-2", availability_zone="")

    page = signed_in.get(LAUNCH_URL).content.decode()

    datalist = page.split('<datalist id="availability-zones">')[1].split("</datalist>")[0]
    assert datalist == '<option value="az-b"></option><option value="nova"></option>'


def test_launching_three_starts_three_operations_named_in_order(
    signed_in: Client, account: KeystoneAccount, django_capture_on_commit_callbacks: Any
) -> None:
    project_id = account.project.id
    data = launchable(project_id)
    port = PortFactory(project_id=project_id, device_id="", device_owner="")
    group = SecurityGroupFactory(project_id=project_id)
    data |= {
        "count": 3,
        "nics": [f"port:{port.id}", data["nics"][0]],
        "security_groups": [group.id],
        "user_data": "#cloud-config\n",
        "metadata": "role=web\n\nteam = blue",
    }

    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(LAUNCH_URL, data, headers=FROM_THE_FORM)

    assert response.status_code == 200
    operations = Operation.objects.order_by("target_name")
    assert [operation.target_name for operation in operations] == ["web-1", "web-2", "web-3"]
    assert len(callbacks) == 3
    assert response.content.decode().count('class="operation-status') == 3
    params = operations[0].params
    assert params["nics"] == [{"port": port.id}, {"uuid": data["nics"][1].split(":")[1]}]
    assert params["security_groups"] == [group.id]
    assert params["metadata"] == {"role": "web", "team": "blue"}
    assert base64.b64decode(params["user_data"]) == b"#cloud-config\n"
    assert "count" not in params


def test_api_launch_of_two_answers_with_both_operations(
    signed_in: Client, account: KeystoneAccount
) -> None:
    data = launchable(account.project.id) | {"count": 2}

    response = signed_in.post("/api/servers/", data, content_type="application/json")

    assert response.status_code == 202
    names = [operation["target_name"] for operation in response.json()["operations"]]
    assert sorted(names) == ["web-1", "web-2"]


def test_flavor_too_small_for_the_image_is_a_field_error(
    signed_in: Client, account: KeystoneAccount
) -> None:
    data = launchable(account.project.id)
    big = ImageFactory(visibility="public", name="big", min_disk=20, min_ram=2048)

    response = signed_in.post(
        "/api/servers/", data | {"image_id": big.id}, content_type="application/json"
    )

    assert response.status_code == 400
    message = response.json()["flavor_id"][0]["message"]
    assert message.startswith("Flavor m1.test is too small for image big:")
    assert "2048 MiB of RAM" in message
    assert "at least 20 GiB" in message
    assert not Operation.objects.exists()


def test_user_data_over_novas_limit_is_refused_with_the_limit(
    signed_in: Client, account: KeystoneAccount
) -> None:
    data = launchable(account.project.id)
    too_big = "x" * (MAX_USER_DATA // 4 * 3 + 3)  # 65,536 bytes once base64-encoded

    response = signed_in.post(LAUNCH_URL, data | {"user_data": too_big}, headers=FROM_THE_FORM)

    body = response.content.decode()
    assert response["HX-Retarget"] == "#object-form"
    assert "Nova accepts at most 64.0\xa0KB" in body
    assert not Operation.objects.exists()


def test_user_data_from_a_file_is_sent_base64_encoded(
    signed_in: Client, account: KeystoneAccount
) -> None:
    data = launchable(account.project.id)
    script = b"#!/bin/sh\necho hello\n"

    both = signed_in.post(
        LAUNCH_URL,
        data | {"user_data": "#cloud-config", "user_data_file": SimpleUploadedFile("a.sh", script)},
        headers=FROM_THE_FORM,
    )
    assert "Give the user data as text or as a file, not both." in both.content.decode()
    assert not Operation.objects.exists()

    signed_in.post(
        LAUNCH_URL,
        data | {"user_data_file": SimpleUploadedFile("a.sh", script)},
        headers=FROM_THE_FORM,
    )
    assert base64.b64decode(Operation.objects.get().params["user_data"]) == script


def test_bad_name_count_metadata_and_foreign_choices_are_field_errors(
    signed_in: Client, account: KeystoneAccount
) -> None:
    data = launchable(account.project.id)
    foreign_port = PortFactory(project_id="someone-else", device_id="", device_owner="")

    def errors(**changes: Any) -> dict[str, Any]:
        response = signed_in.post("/api/servers/", data | changes, content_type="application/json")
        assert response.status_code == 400
        return dict(response.json())

    assert "count" in errors(count=11)
    assert "name" in errors(name="a\tb")
    assert "name" in errors(name="x" * 254, count=2)
    assert "metadata" in errors(metadata="no equals sign")
    assert "metadata" in errors(metadata="dashboard-operation=mine")
    assert "nics" in errors(nics=[])
    assert "nics" in errors(nics=[f"port:{foreign_port.id}"])
    assert "key_name" in errors(key_name="nobodys-key")
    assert not Operation.objects.exists()


def test_a_launch_can_make_its_key_pair_generated_or_imported(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    data = launchable(account.project.id) | {"count": 2}
    KeyPairFactory(user_id=account.user_id, name="laptop")

    generated = signed_in.post(
        LAUNCH_URL, data | {"new_key_name": "web-key"}, headers=FROM_THE_FORM
    )

    page = generated.content.decode()
    assert page.count('class="operation-status') == 2
    assert "Save the private key of “web-key” now." in page
    assert "BEGIN OPENSSH PRIVATE KEY" in page
    assert "no-store" in generated["Cache-Control"]
    for operation in Operation.objects.all():
        assert operation.params["key_name"] == "web-key"
        assert operation.params["public_key"].startswith("ssh-ed25519 ")
        assert "PRIVATE" not in str(operation.params)
    Operation.objects.all().delete()

    public_key = new_public_key("me@laptop")
    api = signed_in.post(
        "/api/servers/",
        data | {"count": 1, "new_key_name": "mine", "new_public_key": f"  {public_key}\n"},
        content_type="application/json",
    )
    assert api.status_code == 202, api.content.decode()
    assert "private_key" not in api.json()
    assert Operation.objects.get().params["public_key"] == public_key

    def errors(**changes: Any) -> dict[str, Any]:
        response = signed_in.post("/api/servers/", data | changes, content_type="application/json")
        assert response.status_code == 400
        return dict(response.json())

    assert "new_key_name" in errors(new_key_name="web", key_name="laptop")
    assert "new_key_name" in errors(new_key_name="laptop")  # already one of the user's
    assert "new_key_name" in errors(new_public_key=public_key)
    assert "new_public_key" in errors(new_key_name="x", new_public_key="-----BEGIN PRIVATE")
    assert Operation.objects.count() == 1


def test_a_launch_over_the_compute_quota_is_refused_before_any_cloud_call(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project_id = account.project.id
    data = launchable(project_id, vcpus=2, ram=512) | {"count": 3}
    compute_quota(project_id, instances=10, cores=8, ram=51200)
    ServerFactory.create_batch(2, project_id=project_id, vcpus=2, ram=0)

    response = signed_in.post(LAUNCH_URL, data, headers=FROM_THE_FORM)

    body = response.content.decode()
    assert "does not fit your project&#x27;s compute quota" in body
    assert "it needs 6 vCPUs but only 4 of 8 are left" in body
    assert 'href="/"' in body  # the Overview, with the project's quotas
    assert 'class="table-danger" data-resource="cores"' in body
    assert not Operation.objects.exists()


def test_the_quota_box_follows_the_flavor_and_count(
    signed_in: Client, account: KeystoneAccount, no_cloud_calls: None
) -> None:
    project_id = account.project.id
    flavor = FlavorFactory(vcpus=2, ram=512)
    compute_quota(project_id, instances=10, cores=-1, ram=1024)
    ServerFactory.create_batch(2, project_id=project_id, vcpus=2, ram=0)

    box = signed_in.get(
        "/compute/instances/launch/quota/", {"flavor_id": flavor.id, "count": "3"}, headers=HTMX
    ).content.decode()

    assert box.lstrip().startswith('<div id="launch-quota"')
    assert "+3</td>" in box  # instances
    assert "+6</td>" in box  # vCPUs, unlimited
    assert "unlimited" in box
    assert "Not enough MiB of RAM left: 1024 of 1024." in box
