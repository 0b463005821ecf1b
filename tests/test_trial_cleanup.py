"""The trials' clean-up against the real local cloud and a real worker: a trial whose end has
passed loses everything (floating IP, server, router with its gateway and interface, port,
subnet, network, security groups, its user's key pair) and its Keystone project is disabled,
while a project that is no trial keeps every object; the admin's dry run listed exactly what the
run then removed. Per-object lifetimes remove only what expired: an older server and an idle
floating IP go, a younger server and an attached floating IP stay."""

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.cloud import identity
from dashboard.cloud.connection import user_connection
from dashboard.operations.models import Operation
from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.mail import Mailbox
from dashboard.testing.waiting import operation_finished, servers_deleted, wait_until
from instances.reconcile import reconcile_keypairs, reconcile_servers
from instances.tests.keys import new_public_key
from networks.reconcile import reconcile_all
from tenants.models import Application, Project, Trial
from tenants.reconcile import reconcile_projects
from tenants.services.requests import TRIAL_ENDS_FORMAT, TRIAL_ENDS_TAG
from tenants.services.trials import trials_clean_up
from tenants.tasks import trial_cleanup_task

pytestmark = [pytest.mark.cloud]

Cleanup = Callable[[Callable[[], Any]], None]
FLAVOR = "m1.nano"
IMAGE = "cirros-fake"
OWNER = "owner@example.test"


def connect(account: KeystoneAccount) -> Any:
    """An SDK connection acting as `account` in its project."""
    unscoped = identity.password_login(
        username=account.username, password=account.password, domain=account.domain
    )
    scoped = identity.scoped_token(token=unscoped.token, project_id=account.project.id)
    return user_connection(token=scoped.token, project_id=account.project.id)


def boot(conn: Any, *, name: str, network_id: str) -> Any:
    server = conn.compute.create_server(
        name=name,
        flavor_id=conn.compute.find_flavor(FLAVOR, ignore_missing=False).id,
        image_id=conn.image.find_image(IMAGE, ignore_missing=False).id,
        networks=[{"uuid": network_id}],
    )
    return conn.compute.wait_for_server(server, status="ACTIVE", interval=0.5, wait=60)


def remove_everything(cloud: Any, project_id: str, user_id: str) -> None:
    """Undo a test's objects in the project as the admin, whatever is left (ignores what is
    gone)."""
    servers_deleted(cloud, *cloud.compute.servers(all_projects=True, project_id=project_id))
    for address in cloud.network.ips(project_id=project_id):
        cloud.network.delete_ip(address, ignore_missing=True)
    for router in cloud.network.routers(project_id=project_id):
        for port in cloud.network.ports(device_id=router.id):
            if port.device_owner == "network:router_interface":
                cloud.network.remove_interface_from_router(router, port_id=port.id)
        cloud.network.update_router(router, external_gateway_info={})
        cloud.network.delete_router(router, ignore_missing=True)
    for port in cloud.network.ports(project_id=project_id):
        cloud.network.delete_port(port, ignore_missing=True)
    for network in cloud.network.networks(project_id=project_id):
        cloud.network.delete_network(network, ignore_missing=True)
    for keypair in cloud.compute.keypairs(user_id=user_id):
        cloud.compute.delete_keypair(keypair.name, user_id=user_id, ignore_missing=True)


def furnish(cloud: Any, conn: Any, account: KeystoneAccount, *, cidr: str) -> dict[str, Any]:
    """A project's network, subnet, router (gateway on `public`, interface on the subnet), a
    port, a floating IP, a security group, a key pair of its user and a server."""
    public = cloud.network.find_network("public", ignore_missing=False)
    network = conn.network.create_network(name="trial-net")
    subnet = conn.network.create_subnet(
        network_id=network.id, ip_version=4, cidr=cidr, name="trial-subnet"
    )
    router = conn.network.create_router(
        name="trial-router", external_gateway_info={"network_id": public.id}
    )
    conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    port = conn.network.create_port(network_id=network.id, name="trial-port")
    address = conn.network.create_ip(floating_network_id=public.id)
    group = conn.network.create_security_group(name="trial-group")
    conn.compute.create_keypair(name="trial-key", public_key=new_public_key())
    server = boot(conn, name="trial-server", network_id=network.id)
    return {
        "network": network.id,
        "subnet": subnet.id,
        "router": router.id,
        "port": port.id,
        "floating_ip": address.id,
        "security_group": group.id,
        "keypair": f"{account.user_id}:trial-key",
        "server": server.id,
    }


def mirror(cloud: Any, account: KeystoneAccount) -> None:
    project_id = account.project.id
    reconcile_projects(conn=cloud, ids=[project_id])
    reconcile_all(conn=cloud, project_id=project_id)
    reconcile_servers(conn=cloud, project_id=project_id)
    reconcile_keypairs(conn=cloud, user_id=account.user_id)


def make_trial(cloud: Any, account: KeystoneAccount, *, ends_at: Any) -> Trial:
    """Tag the project as a trial in Keystone and record its trial and its user's application."""
    project = account.project
    tags = ["trial", f"{TRIAL_ENDS_TAG}{ends_at.astimezone(UTC).strftime(TRIAL_ENDS_FORMAT)}"]
    cloud.identity.update_project(project, tags=tags)
    reconcile_projects(conn=cloud, ids=[project.id])
    application = Application.objects.create(
        name="Trial owner",
        email=OWNER,
        status=Application.Status.APPROVED,
        project_id=project.id,
        user_id=account.user_id,
    )
    return Trial.objects.create(
        project_id=project.id,
        project_name=project.name,
        owner_email=OWNER,
        application=application,
        ends_at=ends_at,
    )


def cloud_objects(cloud: Any, project_id: str, user_id: str) -> set[str]:
    """Every object of the project in the cloud, as "<type>:<id>". Security groups are listed
    without a project filter: Neutron makes a project's default group again when asked for the
    project's groups."""
    found = {
        f"server:{s.id}" for s in cloud.compute.servers(all_projects=True, project_id=project_id)
    }
    network = cloud.network
    found |= {f"floating_ip:{a.id}" for a in network.ips(project_id=project_id)}
    found |= {f"router:{r.id}" for r in network.routers(project_id=project_id)}
    found |= {f"port:{p.id}" for p in network.ports(project_id=project_id)}
    found |= {f"subnet:{s.id}" for s in network.subnets(project_id=project_id)}
    found |= {f"network:{n.id}" for n in network.networks(project_id=project_id)}
    found |= {
        f"security_group:{g.id}" for g in network.security_groups() if g.project_id == project_id
    }
    found |= {f"keypair:{user_id}:{k.name}" for k in cloud.compute.keypairs(user_id=user_id)}
    return found


def test_an_ended_trial_loses_everything_and_is_disabled_and_no_other_project_is_touched(
    celery_worker: Any,
    mailbox: Mailbox,
    cloud: Any,
    make_account: Callable[..., KeystoneAccount],
    admin_client: Client,
    cleanup: Cleanup,
) -> None:
    trial_account, other_account = make_account(), make_account()
    for each in (trial_account, other_account):
        cleanup(lambda each=each: remove_everything(cloud, each.project.id, each.user_id))
    made = furnish(cloud, connect(trial_account), trial_account, cidr="10.71.0.0/24")
    kept = furnish(cloud, connect(other_account), other_account, cidr="10.72.0.0/24")
    trial = make_trial(cloud, trial_account, ends_at=timezone.now() + timedelta(days=3))
    # The other project has a Trial row but no Keystone tag: it is no trial of the clean-up's.
    Trial.objects.create(
        project_id=other_account.project.id,
        project_name=other_account.project.name,
        ends_at=timezone.now() - timedelta(days=1),
    )
    mirror(cloud, trial_account)
    mirror(cloud, other_account)
    project_id = trial_account.project.id
    before = cloud_objects(cloud, project_id, trial_account.user_id)
    other_before = cloud_objects(cloud, other_account.project.id, other_account.user_id)
    assert {f"{kind}:{object_id}" for kind, object_id in made.items()} <= before

    trial.ends_at = timezone.now() - timedelta(minutes=1)
    trial.save(update_fields=["ends_at"])
    dry_run = admin_client.get("/admin/trials/cleanup/").content.decode()
    listed = set(re.findall(r'data-removal="([^"]+)"', dry_run))
    assert f'id="trial-{other_account.project.id}"' not in dry_run

    trial_cleanup_task()

    started = Operation.objects.filter(action="tenants.trial_end", target_id=project_id)
    assert started.count() == 1
    assert not Operation.objects.exclude(target_id=project_id).exists()
    operation = operation_finished(started.get().pk, timeout=150)
    assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
    assert operation.project_id == project_id
    assert operation.user_id != trial_account.user_id
    left = cloud_objects(cloud, project_id, trial_account.user_id)
    assert left == set(), left
    assert not cloud.identity.get_project(project_id).is_enabled
    assert not Project.objects.get(pk=project_id).enabled
    trial.refresh_from_db()
    assert trial.ended_at is not None
    assert "has ended" in str(mailbox.wait_for(OWNER)["Subject"])
    # What the dry run listed is what went; only the ports a server or a router owned went
    # with their owner, unlisted.
    assert listed <= before
    assert {f"{kind}:{object_id}" for kind, object_id in made.items()} <= listed
    assert all(entry.startswith("port:") for entry in before - listed), before - listed
    assert cloud_objects(cloud, other_account.project.id, other_account.user_id) == other_before
    assert {f"{kind}:{object_id}" for kind, object_id in kept.items()} <= other_before
    assert cloud.identity.get_project(other_account.project.id).is_enabled

    again = trials_clean_up()

    assert again.operations == []


def test_objects_go_when_their_own_lifetime_is_over_and_only_those(
    celery_worker: Any,
    settings: Any,
    cloud: Any,
    make_account: Callable[..., KeystoneAccount],
    cleanup: Cleanup,
) -> None:
    account = make_account()
    cleanup(lambda: remove_everything(cloud, account.project.id, account.user_id))
    conn = connect(account)
    public = cloud.network.find_network("public", ignore_missing=False)
    network = conn.network.create_network(name="life-net")
    subnet = conn.network.create_subnet(
        network_id=network.id, ip_version=4, cidr="10.73.0.0/24", name="life-subnet"
    )
    router = conn.network.create_router(
        name="life-router", external_gateway_info={"network_id": public.id}
    )
    conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    older = boot(conn, name="older", network_id=network.id)
    time.sleep(3)  # Nova's creation times are in whole seconds
    younger = boot(conn, name="younger", network_id=network.id)
    idle = conn.network.create_ip(floating_network_id=public.id)
    younger_port = next(iter(conn.network.ports(device_id=younger.id)))
    attached = conn.network.create_ip(floating_network_id=public.id, port_id=younger_port.id)
    make_trial(cloud, account, ends_at=timezone.now() + timedelta(days=30))
    mirror(cloud, account)
    settings.TRIAL_SERVER_LIFETIME_HOURS = 1
    younger_created = datetime.fromisoformat(younger.created_at)
    # One second before the younger server's hour is over: the older one's is.
    run = trials_clean_up(now=younger_created + timedelta(hours=1, seconds=-1))

    assert [(o.action, o.target_id) for o in run.operations] == [
        ("instances.server_delete", older.id)
    ]
    assert operation_finished(run.operations[0].pk).status == Operation.Status.SUCCEEDED
    wait_until(
        lambda: cloud.compute.find_server(older.id, all_projects=True) is None or None,
        timeout=60,
        what="the older server's deletion",
    )
    assert cloud.compute.get_server(younger.id).status == "ACTIVE"

    settings.TRIAL_SERVER_LIFETIME_HOURS = 0
    settings.TRIAL_FLOATING_IP_IDLE_HOURS = 12
    run = trials_clean_up(now=timezone.now() + timedelta(hours=13))

    assert [(o.action, o.target_id) for o in run.operations] == [
        ("networks.floating_ip_delete", idle.id)
    ]
    assert operation_finished(run.operations[0].pk).status == Operation.Status.SUCCEEDED
    assert cloud.network.find_ip(idle.id) is None
    assert cloud.network.get_ip(attached.id).port_id == younger_port.id
