"""What the trials' clean-up removes and when (`tenants.lifetimes`), as pages, mails and the dry
run show it: the banner on every page of a trial project, the badges on instances and floating
IPs (read once a page, whatever the rows), the overview's trial end, one warning mail per
removal in the owner's language, the dry run for administrators only."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard.testing.fixtures import KeystoneAccount
from dashboard.testing.mail import Mailbox
from instances.factories import KeyPairFactory, ServerFactory
from networks.factories import (
    FloatingIPFactory,
    PortFactory,
    RouterFactory,
    SecurityGroupFactory,
    SubnetFactory,
)
from tenants.factories import ProjectFactory
from tenants.lifetimes import PROJECT, cleanup_plan, removals
from tenants.models import Application, ExpiryWarning, Project, Trial
from tenants.services.trials import trials_clean_up

OWNER = "owner@example.test"


@pytest.fixture
def lifetimes(settings: Any) -> None:
    settings.TRIAL_SERVER_LIFETIME_HOURS = 24
    settings.TRIAL_FLOATING_IP_IDLE_HOURS = 12
    settings.TRIAL_WARN_BEFORE_HOURS = 24


def trial_of(project_id: str, *, ends_in: timedelta, tags: tuple[str, ...] = ("trial",)) -> Trial:
    """A mirrored project tagged as Keystone tags trials, and its trial."""
    if not Project.objects.filter(pk=project_id).update(tags=list(tags)):
        ProjectFactory(id=project_id, tags=list(tags))
    return Trial.objects.create(
        project_id=project_id,
        project_name=f"trial {project_id[:6]}",
        owner_email=OWNER,
        ends_at=timezone.now() + ends_in,
    )


@pytest.mark.django_db
def test_removals_are_each_objects_own_end_or_the_trials_if_sooner(lifetimes: None) -> None:
    now = timezone.now()
    trial = trial_of("p" * 32, ends_in=timedelta(days=3))
    young = ServerFactory(project_id=trial.project_id, created_at=now - timedelta(hours=2))
    idle = FloatingIPFactory(project_id=trial.project_id, port=None, updated_at=now)
    attached = FloatingIPFactory(
        project_id=trial.project_id, port=PortFactory(project_id=trial.project_id), updated_at=now
    )

    found = {(r.resource_type, r.resource.id): r.removal_at for r in removals(trial.project_id)}

    assert found == {
        ("floating_ip", idle.pk): now + timedelta(hours=12),
        ("server", young.pk): young.created_at + timedelta(hours=24),
        (PROJECT, trial.project_id): trial.ends_at,
    }
    assert ("floating_ip", attached.pk) not in found
    trial.ends_at = now + timedelta(hours=1)
    trial.save()
    assert {r.removal_at for r in removals(trial.project_id)} == {trial.ends_at}


@pytest.mark.django_db
def test_only_trials_tagged_in_keystone_and_not_ended_have_removals(lifetimes: None) -> None:
    untagged = trial_of("u" * 32, ends_in=timedelta(days=1), tags=())
    ended = trial_of("e" * 32, ends_in=timedelta(days=-1))
    ended.ended_at = timezone.now()
    ended.save()
    for trial in (untagged, ended):
        ServerFactory(project_id=trial.project_id, created_at=timezone.now())

    assert removals(untagged.project_id) == []
    assert removals(ended.project_id) == []


@pytest.mark.django_db
def test_an_ended_trials_plan_is_everything_of_it_in_the_order_it_goes(lifetimes: None) -> None:
    trial = trial_of("d" * 32, ends_in=timedelta(minutes=-1))
    project_id, user_id = trial.project_id, "k" * 32
    Application.objects.create(
        name="Owner",
        email=OWNER,
        status=Application.Status.APPROVED,
        project_id=project_id,
        user_id=user_id,
    )
    subnet = SubnetFactory(project_id=project_id)
    router = RouterFactory(project_id=project_id)
    own_port = PortFactory(project_id=project_id, network=subnet.network, device_owner="")
    PortFactory(project_id=project_id, network=subnet.network, device_owner="compute:nova")
    PortFactory(
        project_id=project_id,
        network=subnet.network,
        device_owner="network:router_interface",
        device_id=router.pk,
    )
    address = FloatingIPFactory(project_id=project_id, port=None)
    group = SecurityGroupFactory(project_id=project_id)
    server = ServerFactory(project_id=project_id, created_at=timezone.now())
    keypair = KeyPairFactory(user_id=user_id)
    KeyPairFactory()
    later = trial_of("l" * 32, ends_in=timedelta(days=1))
    ServerFactory(project_id=later.project_id, created_at=timezone.now())

    plans = {plan.trial.project_id: plan for plan in cleanup_plan(timezone.now())}

    assert plans[project_id].ends
    assert [(r.resource_type, r.resource.id) for r in plans[project_id].removals] == [
        ("floating_ip", address.pk),
        ("server", server.pk),
        ("router", router.pk),
        ("port", own_port.pk),
        ("subnet", subnet.pk),
        ("network", subnet.network.pk),
        ("security_group", group.pk),
        ("keypair", keypair.pk),
    ]
    assert not plans[later.project_id].ends
    assert plans[later.project_id].removals == []
    assert [r.resource_type for r in plans[later.project_id].coming] == ["server", PROJECT]


@pytest.mark.django_db
def test_the_owner_is_warned_once_per_removal_in_their_language(
    lifetimes: None, mailbox: Mailbox
) -> None:
    trial = trial_of("w" * 32, ends_in=timedelta(hours=10))
    trial.owner_language = "zh-hans"
    trial.save()
    server = ServerFactory(
        project_id=trial.project_id, name="soon", created_at=timezone.now() - timedelta(hours=20)
    )
    far = trial_of("f" * 32, ends_in=timedelta(days=20))

    first = trials_clean_up()
    second = trials_clean_up()

    assert (first.warned, second.warned) == (2, 0)
    assert first.operations == second.operations == []
    mail = mailbox.wait_for(OWNER)
    assert len(mailbox.to(OWNER)) == 1
    assert "试用" in str(mail["Subject"])
    body = Mailbox.body(mail)
    assert "soon" in body
    assert "/requests/extension/" in Mailbox.links(mail)
    assert set(ExpiryWarning.objects.values_list("resource_type", "resource_id")) == {
        (PROJECT, trial.project_id),
        ("server", server.pk),
    }
    assert not ExpiryWarning.objects.filter(project_id=far.project_id).exists()


@pytest.mark.cloud
@pytest.mark.django_db
def test_pages_of_a_trial_show_its_end_and_each_objects_removal(
    lifetimes: None, signed_in: Client, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    trial_of(project_id, ends_in=timedelta(days=3, minutes=5))
    server = ServerFactory(project_id=project_id, created_at=timezone.now() - timedelta(hours=21))
    idle = FloatingIPFactory(project_id=project_id, port=None, updated_at=timezone.now())

    overview = signed_in.get("/").content.decode()
    servers = signed_in.get("/compute/instances/").content.decode()
    detail = signed_in.get(f"/compute/instances/{server.pk}/").content.decode()
    addresses = signed_in.get("/network/floating-ips/").content.decode()

    assert 'id="trial-banner"' in overview
    assert "This trial ends in 3\xa0days" in overview
    assert "/requests/extension/" in overview
    assert 'id="trial-ends"' in overview
    assert "Instances are deleted 24 hours after they are launched." in servers
    for page in (servers, detail):
        assert "Deleted in 2\xa0hours" in page
    assert "Deleted in 11\xa0hours" in addresses
    assert str(idle.pk) in addresses


@pytest.mark.cloud
@pytest.mark.django_db
def test_a_trial_with_no_end_and_no_lifetimes_shows_no_empty_banner(
    signed_in: Client, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    trial_of(project_id, ends_in=timedelta(days=1))
    Trial.objects.filter(project_id=project_id).update(ends_at=None)

    overview = signed_in.get("/").content.decode()

    assert 'id="trial-banner"' not in overview
    assert 'id="trial-ends"' in overview


@pytest.mark.cloud
@pytest.mark.django_db
def test_the_badges_are_read_once_a_page_whatever_the_rows(
    lifetimes: None, signed_in: Client, account: KeystoneAccount
) -> None:
    project_id = account.project.id
    trial_of(project_id, ends_in=timedelta(days=3))
    ServerFactory(project_id=project_id, created_at=timezone.now())
    signed_in.get("/compute/instances/")
    with CaptureQueriesContext(connection) as one_row:
        signed_in.get("/compute/instances/")
    ServerFactory.create_batch(4, project_id=project_id, created_at=timezone.now())
    with CaptureQueriesContext(connection) as five_rows:
        page = signed_in.get("/compute/instances/").content.decode()

    assert page.count("data-removal-at=") == 5
    assert len(five_rows.captured_queries) == len(one_row.captured_queries)


@pytest.mark.cloud
@pytest.mark.django_db
def test_a_project_that_is_no_trial_shows_no_banner_and_the_dry_run_is_for_admins(
    signed_in: Client,
) -> None:
    overview = signed_in.get("/").content.decode()

    assert 'id="trial-banner"' not in overview
    assert signed_in.get("/admin/trials/cleanup/").status_code == 403
