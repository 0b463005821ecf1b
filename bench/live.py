"""Live pages: what an open page costs while nothing changes, and how soon it shows a change.

    .venv/bin/python bench/live.py [--polls 200] [--idle 30] [--changes 20]

Idle cost: the server time of the version endpoint an open page polls (Django's test client,
signed in as `demo`, nothing changing: every answer is a 204), and the requests the open
Overview, Topology and Networks pages in Chromium send in `--idle` seconds each with nothing
changing, per minute.
End to end: with the Networks page open in Chromium (against a live server on a fresh SQLite
mirror), networks of the `demo` project are made and deleted with the SDK, in turns; each is
timed from the moment the API answered until the row appears in (or leaves) the page, and
until its mirror row does (a thread polls the database every 5 ms), to split the two. Nothing
calls reconcile: a notification listener runs in this process, as `bin/run`'s does. Prints the
machine's load average with the figures, since the machine is shared.
"""

import argparse
import os
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from common import (
    percentile,
    print_header,
    seeded_password,
    signed_in_client,
    start_django,
    start_listener,
    time_get,
)

TIMEOUT_MS = 60_000
# The Networks page is opened last: the changes are watched on it.
IDLE_PAGES = [
    ("Overview", "/"),
    ("Topology page", "/network/topology/"),
    ("Networks page", "/network/networks/"),
]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def idle_poll_times(client: Any, polls: int) -> None:
    """Server time of the version endpoint while nothing changes (the page's known version)."""
    headers = {"Accept": "application/json"}  # as static/js/live.js asks
    # As the Networks page asks: its freshness note is of the networking sweeps.
    current = client.get("/mirror/version/?groups=networking", headers=headers).json()
    print_header("endpoint", 36)
    url = f"/mirror/version/?v={current['version']}&f={current['freshness']}&groups=networking"
    label = "version poll, nothing changed (204)"
    time_get(client, label, url, requests=polls, width=36, headers=headers, status=204)


def mirrored(network_id: str, *, present: bool) -> Callable[[], float]:
    """Watch, in a thread, for the network's mirror row to come (or go); the returned call
    waits for it and gives the `time.perf_counter()` it was first seen at."""
    from networks.models import Network

    seen: list[float] = []

    def watch() -> None:
        deadline = time.perf_counter() + TIMEOUT_MS / 1000
        while Network.objects.filter(pk=network_id).exists() != present:
            if time.perf_counter() > deadline:
                return
            time.sleep(0.005)
        seen.append(time.perf_counter())

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()

    def result() -> float:
        thread.join()
        if not seen:
            raise SystemExit(f"the mirror did not follow network {network_id}")
        return seen[0]

    return result


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<24}{len(values):>4}  p50 {statistics.median(values):6.0f} ms"
        f"  p95 {percentile(values, 0.95):6.0f} ms  max {max(values):6.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--idle", type=int, default=30, help="seconds each open page idles")
    parser.add_argument("--changes", type=int, default=20, help="creates and deletes, in all")
    args = parser.parse_args()

    start_django("live", DJANGO_ALLOW_ASYNC_UNSAFE="true")
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from dashboard.cloud.connection import service_connection
    from dashboard.testing.browser import CHROMIUM, CHROMIUM_ARGS

    print(f"start: {load()}")
    client = signed_in_client("demo")
    project_id = client.session["keystone"]["project_id"]
    idle_poll_times(client, args.polls)

    listener = start_listener()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    conn: Any = service_connection()  # the SDK proxies are typed per API version
    appear: list[float] = []
    leave: list[float] = []
    came: list[float] = []
    went: list[float] = []
    made: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/auth/login/")
            page.get_by_label("User name").fill("demo")
            page.get_by_label("Password").fill(seeded_password("demo"))
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/")
            sent: list[str] = []
            page.on("request", lambda request: sent.append(request.url))
            for label, path in IDLE_PAGES:
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                sent.clear()
                page.wait_for_timeout(args.idle * 1000)
                polls = sum(1 for url in sent if "/mirror/version/" in url)
                print(
                    f"open {label}, idle {args.idle} s: "
                    f"{len(sent) * 60 / args.idle:.0f} requests a minute "
                    f"({polls * 60 / args.idle:.0f} version polls, "
                    f"{(len(sent) - polls) * 60 / args.idle:.0f} other)"
                )

            for _ in range(-(-args.changes // 2)):
                network = conn.network.create_network(
                    name=f"bench-live-{secrets.token_hex(3)}", project_id=project_id
                )
                made.append(network.id)
                answered = time.perf_counter()
                watch = mirrored(network.id, present=True)
                page.wait_for_selector(f"#network-{network.id}", timeout=TIMEOUT_MS)
                appear.append((time.perf_counter() - answered) * 1000)
                came.append((watch() - answered) * 1000)
                conn.network.delete_network(network.id)
                answered = time.perf_counter()
                watch = mirrored(network.id, present=False)
                page.wait_for_selector(
                    f"#network-{network.id}", state="detached", timeout=TIMEOUT_MS
                )
                leave.append((time.perf_counter() - answered) * 1000)
                went.append((watch() - answered) * 1000)
            browser.close()
    finally:
        for network_id in made:
            conn.network.delete_network(network_id, ignore_missing=True)
        listener.stop()
        server.terminate()
    print("SDK change to the open page (from the API's answer):")
    print(line("network appears", appear))
    print(line("network leaves", leave))
    print(line("all", appear + leave))
    in_mirror = came + went
    print(line("of which: in the mirror", in_mirror))
    page_part = [shown - mirror for shown, mirror in zip(appear + leave, in_mirror, strict=True)]
    print(line("then: on the page", page_part))
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
