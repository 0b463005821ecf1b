"""factory_boy factories for the tenants mirror rows (projects, quotas), for view and API tests."""

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tenants.models import Project, Quota


class ProjectFactory(DjangoModelFactory):
    id = factory.LazyFunction(lambda: uuid.uuid4().hex)
    project_id = factory.SelfAttribute("id")
    name = factory.Sequence(lambda n: f"project-{n}")
    domain_id = "default"
    synced_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Project


class QuotaFactory(DjangoModelFactory):
    """One quota row; give `project_id`, `service`, `resource`, `limit` and `in_use`."""

    id = factory.LazyAttribute(lambda q: f"{q.project_id}:{q.service}:{q.resource}")
    project_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
    service = Quota.Service.NETWORK
    resource = "network"
    limit = 100
    in_use = 0
    reserved = 0
    synced_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Quota


def quotas_for(project_id: str, **limits_and_usage: tuple[int, int]) -> list[Quota]:
    """Quota rows of a project from `<service>_<resource>=(limit, in_use)` keyword arguments."""
    rows: list[Quota] = []
    for key, (limit, in_use) in limits_and_usage.items():
        service, resource = key.split("_", 1)
        rows.append(
            QuotaFactory.create(
                project_id=project_id,
                service=service,
                resource=resource,
                limit=limit,
                in_use=in_use,
            )
        )
    return rows
