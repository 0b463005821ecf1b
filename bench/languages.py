"""Every list page, the overview, Activity and two forms, in English and in Simplified Chinese:
the server time of each in both languages and the ratio (issue 15: zh-hans within 10% of English).

Fills the mirrors of pages.py (2,000 ports, 200 routers, 400 floating IPs) and instances.py (500
servers, 200 images, 100 flavors) for the signed-in project, then times each page through
Django's test client with `Accept-Language: en` and `zh-hans` alternately, request by request, so
the machine's load weighs on both languages alike. Signs in for real as `demo` on the local cloud
(`python3 -m devcloud up`); the pages make no cloud call.

    .venv/bin/python bench/languages.py [--requests 40]
"""

import argparse
import importlib.util
import statistics
import time
from pathlib import Path
from typing import Any

import pages
from common import percentile, signed_in_client, start_django

# bench/instances.py, under another name: `instances` is the dashboard's app.
_spec = importlib.util.spec_from_file_location(
    "bench_instances", Path(__file__).with_name("instances.py")
)
if _spec is None or _spec.loader is None:
    raise ImportError("bench/instances.py is missing")
bench_instances = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_instances)

# (page, URL name): the pages people open most, and the largest lists of pages.py, instances.py.
PAGES = [
    ("overview", "tenants:overview"),
    ("networks", "networks:network_list"),
    ("subnets", "networks:subnet_list"),
    ("ports", "networks:port_list"),
    ("routers", "networks:router_list"),
    ("floating IPs", "networks:floating_ip_list"),
    ("security groups", "networks:security_group_list"),
    ("network create form", "networks:network_create"),
    ("instances", "instances:server_list"),
    ("launch form", "instances:server_launch"),
    ("key pairs", "instances:keypair_list"),
    ("activity", "operations:activity"),
    ("API access", "tenants:api_access"),
]
LANGUAGES = ("en", "zh-hans")
ALLOWED_SLOWDOWN = 1.10


def time_languages(client: Any, url: str, *, requests: int) -> dict[str, list[float]]:
    """Server times (ms) of `url` in each language, requests alternating between them."""
    times: dict[str, list[float]] = {language: [] for language in LANGUAGES}
    for language in LANGUAGES:  # warm-up: templates, catalog
        client.get(url, headers={"Accept-Language": language})
    for index in range(requests):
        order = LANGUAGES if index % 2 == 0 else LANGUAGES[::-1]
        for language in order:
            begun = time.perf_counter()
            response = client.get(url, headers={"Accept-Language": language})
            times[language].append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    start_django("languages")
    from django.urls import reverse

    client = signed_in_client("demo")
    project_id = client.session["keystone"]["project_id"]
    external_id = pages.external_network()
    pages.fill_mirror(project_id, external_id, prefix=0)
    bench_instances.fill_mirror(project_id, prefix=100)
    bench_instances.fill_catalog()

    print(f"{'page':<22} {'en p50':>8} {'en p95':>8} {'zh p50':>8} {'zh p95':>8} {'p50 zh/en':>10}")
    slower = []
    for label, url_name in PAGES:
        times = time_languages(client, reverse(url_name), requests=args.requests)
        (en50, en95), (zh50, zh95) = (
            (statistics.median(times[language]), percentile(times[language], 0.95))
            for language in LANGUAGES
        )
        ratio = zh50 / en50
        if ratio > ALLOWED_SLOWDOWN:
            slower.append(label)
        print(f"{label:<22} {en50:8.1f} {en95:8.1f} {zh50:8.1f} {zh95:8.1f} {ratio:10.2f}")
    limit = f"{(ALLOWED_SLOWDOWN - 1) * 100:.0f}%"
    print(f"\nzh-hans p50 more than {limit} above English: {', '.join(slower) or 'none'}")


if __name__ == "__main__":
    main()
