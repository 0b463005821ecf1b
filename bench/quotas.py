"""The administrators' quota table: server time and SQL queries with 300 projects in the mirror.

Fills a fresh SQLite mirror with 300 projects and their quotas as Nova and Neutron report them
(7 compute and 11 network resources each, 5,400 rows; about a fifth of the projects near a
limit), and the servers, networks, ports, routers and floating IPs the page counts in use (about
70,000 rows), then times the admin quota page through Django's test client (the dashboard's own
server time, no HTTP server): the first page, the "near limit" filter, a name search, and the table
sorted by highest use, each as the htmx partial the page reloads; plus the API list. Signs in for
real as `admin` on the local cloud (`python3 -m devcloud up`); pages make no cloud call.

    .venv/bin/python bench/quotas.py [--requests 50] [--projects 300]
"""

import argparse
import random
import time
import uuid
from typing import Any

from common import print_header, signed_in_client, start_django, time_get

COMPUTE = {
    "instances": 10,
    "cores": 20,
    "ram": 51200,
    "key_pairs": 100,
    "server_groups": 10,
    "server_group_members": 10,
    "metadata_items": 128,
}
NETWORK = {
    "network": 100,
    "subnet": 100,
    "port": 500,
    "router": 10,
    "floatingip": 50,
    "security_group": 10,
    "security_group_rule": 100,
    "subnetpool": -1,
    "rbac_policy": 10,
    "router_route": 30,
    "trunk": -1,
}
# (variant, query): each fetched as the htmx partial the page swaps in.
VARIANTS = [
    ("first", ""),
    ("near limit", "near_limit=true"),
    ("search", "q=project-1"),
    ("by highest use", "sort=-highest_use&page=2"),
]


def counted_rows(project_id: str, resource: str, count: int, now: Any) -> list[Any]:
    """`count` mirror rows of the project that the quota page counts as `resource` in use."""
    from instances.models import Server
    from networks.models import FloatingIP, Network, Port, Router

    models = {"instances": Server, "network": Network, "port": Port, "router": Router}
    model = models.get(resource, FloatingIP if resource == "floatingip" else None)
    if model is None:
        return []
    fields: dict[str, Any] = {"project_id": project_id, "synced_at": now}
    if model is Server:
        fields |= {"status": "ACTIVE", "vcpus": 2, "ram": 2048}
    return [model(id=str(uuid.uuid4()), **fields) for _ in range(count)]


def fill_mirror(projects: int) -> None:
    """`projects` projects with every quota row, and the rows counted in use of the main
    resources; one in five uses 80-100 % of a main limit."""
    from django.utils import timezone

    from tenants.models import Project, Quota
    from tenants.usage import MIRROR_COUNTED

    now = timezone.now()
    rng = random.Random(7)
    project_rows, quota_rows = [], []
    counted: dict[type, list[Any]] = {}
    for n in range(projects):
        project_id = uuid.uuid4().hex
        project_rows.append(
            Project(id=project_id, project_id=project_id, name=f"project-{n}", synced_at=now)
        )
        crowded = n % 5 == 0
        for service, limits in (("compute", COMPUTE), ("network", NETWORK)):
            for resource, limit in limits.items():
                if limit < 0:
                    in_use = rng.randrange(20)
                elif crowded and resource in ("instances", "port"):
                    in_use = rng.randint(limit * 8 // 10, limit)
                else:
                    in_use = rng.randrange(max(limit // 2, 1))
                for row in counted_rows(project_id, resource, in_use, now):
                    counted.setdefault(type(row), []).append(row)
                if f"{service}_{resource}" in MIRROR_COUNTED:
                    in_use = 0  # the page counts the rows above, not the sweep's figure
                quota_rows.append(
                    Quota(
                        id=f"{project_id}:{service}:{resource}",
                        project_id=project_id,
                        service=service,
                        resource=resource,
                        limit=limit,
                        in_use=in_use,
                        synced_at=now,
                    )
                )
    Project.objects.bulk_create(project_rows, batch_size=500)
    Quota.objects.bulk_create(quota_rows, batch_size=500)
    for model, rows in counted.items():
        model._default_manager.bulk_create(rows, batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--projects", type=int, default=300)
    args = parser.parse_args()

    start_django("quotas")
    client = signed_in_client("admin")

    started = time.perf_counter()
    fill_mirror(args.projects)
    print(f"mirror filled in {time.perf_counter() - started:.1f} s ({args.projects} projects)")

    targets = [(f"page, {name}", f"/admin/quotas/?{query}", True) for name, query in VARIANTS]
    targets += [
        ("page, full", "/admin/quotas/", False),
        ("API, first", "/api/admin/quotas/", False),
        ("API, near limit", "/api/admin/quotas/?near_limit=true", False),
    ]
    print_header("request", 24)
    for label, url, htmx in targets:
        time_get(client, label, url, requests=args.requests, width=24, htmx=htmx)


if __name__ == "__main__":
    main()
