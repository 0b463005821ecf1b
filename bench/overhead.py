"""Operation overhead: from the form POST to the worker's first cloud request, for N operations.

Runs the real stack on this machine: the local cloud (`python3 -m devcloud up`), Redis, a Celery
worker process, and the dashboard's API through Django's test client (no HTTP server, so the
figure is the dashboard's own overhead). Each operation creates a network; the clock stops when
the worker claims the operation and starts talking to the cloud (`Operation.started_at`).

    .venv/bin/python bench/overhead.py [--operations 100]
"""

import argparse
import os
import secrets
import statistics
import subprocess
import time
from datetime import UTC, datetime

from common import ROOT, celery_worker, percentile, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=100)
    args = parser.parse_args()

    start_django("overhead")
    import redis
    from django.test import Client

    from dashboard.cloud.connection import service_connection
    from dashboard.operations.models import Operation

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()

    cloud = service_connection()
    tag = secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    project = cloud.identity.create_project(name=f"bench-{tag}", domain_id="default")
    user = cloud.identity.create_user(name=f"bench-{tag}", password=password, domain_id="default")
    cloud.identity.assign_project_role_to_user(
        project, user, cloud.identity.find_role("member", ignore_missing=False)
    )
    cloud.network.update_quota(project.id, networks=-1)
    worker = subprocess.Popen(
        celery_worker("--without-heartbeat", pool="solo", log_level="WARNING"),
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        client = Client()
        response = client.post(
            "/auth/login/", {"username": user.name, "password": password, "domain": "Default"}
        )
        assert response.status_code == 302, "sign-in failed"
        client.post("/api/networks/", {"name": "warm-up"})  # first call of each kind is slow
        time.sleep(3)

        latencies = []
        for index in range(args.operations):
            sent = datetime.now(UTC)
            response = client.post("/api/networks/", {"name": f"bench-{index}"})
            operation_id = response.json()["id"]
            while True:
                operation = Operation.objects.get(pk=operation_id)
                if operation.is_finished:
                    break
                time.sleep(0.005)
            assert operation.status == Operation.Status.SUCCEEDED, operation.error_message
            latencies.append((operation.started_at - sent).total_seconds() * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        for network in cloud.network.networks(project_id=project.id):
            cloud.network.delete_network(network)
        for group in cloud.network.security_groups(project_id=project.id):
            cloud.network.delete_security_group(group)
        cloud.identity.delete_user(user)
        cloud.identity.delete_project(project)

    print(f"operations: {len(latencies)}")
    print(
        "POST -> worker starts on the cloud (ms): "
        f"p50 {statistics.median(latencies):.1f}, p95 {percentile(latencies, 0.95):.1f}, "
        f"max {max(latencies):.1f}"
    )


if __name__ == "__main__":
    main()
