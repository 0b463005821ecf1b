"""End-to-end check of devcloud as the demo member; runs inside the devcloud virtualenv.

Creates a network, subnet, router (gateway on `public` with SNAT off and a chosen fixed IP,
which needs devcloud's neutron policy file), floating IP and server, checks isolation from
project `other` and the dashboard account's view, opens the server's console through
nova-novncproxy, then deletes everything it made.
Usage: python -m devcloud.smoke CREDENTIALS_JSON
"""

import json
import random
import struct
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from openstack import exceptions
from websockify.websocket import WebSocket

from devcloud.seed import connect

TIMEOUT = 120.0


class Smoke:
    """Runs named steps, timing each, and undoes what they created in reverse order."""

    def __init__(self, credentials: dict[str, str]) -> None:
        self.credentials = credentials
        self.demo = connect("demo", credentials["demo"], "demo")
        self.prefix = f"smoke-{uuid.uuid4().hex[:8]}"
        self.cleanups: list[tuple[str, Callable[[], object]]] = []
        self.started = time.monotonic()
        self.passed = 0

    def step(self, label: str, action: Callable[[], Any]) -> Any:
        """Run one step and print its duration; exceptions propagate."""
        step_started = time.monotonic()
        result = action()
        self.passed += 1
        print(f"  ok  {label} ({time.monotonic() - step_started:.1f} s)", flush=True)
        return result

    def cleanup(self) -> bool:
        """Undo in reverse order; True if everything was deleted."""
        clean = True
        for label, undo in reversed(self.cleanups):
            try:
                undo()
                print(f"  ok  cleanup: {label}")
            except exceptions.SDKException as exc:
                clean = False
                print(f"  FAILED cleanup: {label}: {exc}")
        return clean


def wait_for(check: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Poll `check` every half second until it is true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done within {timeout:.0f} s")
        time.sleep(0.5)


def check_dashboard_account(credentials: dict[str, str]) -> None:
    """The dashboard account lists all projects and domains."""
    conn = connect("dashboard", credentials["dashboard"], "service")
    names = {project.name for project in conn.identity.projects()}
    missing = {"admin", "service", "demo", "other"} - names
    if missing:
        raise AssertionError(f"dashboard account does not see projects {sorted(missing)}")
    if not any(domain.name == "Default" for domain in conn.identity.domains()):
        raise AssertionError("dashboard account does not see the Default domain")


def create_router_with_gateway(smoke: Smoke, public: Any) -> Any:
    """Router on `public` with SNAT off and a chosen gateway IP (needs the policy file)."""
    network = smoke.demo.network
    for _attempt in range(5):
        address = f"203.0.113.{random.randint(100, 249)}"
        gateway = {
            "network_id": public.id,
            "enable_snat": False,
            "external_fixed_ips": [{"ip_address": address}],
        }
        try:
            router = network.create_router(name=smoke.prefix, external_gateway_info=gateway)
        except exceptions.ConflictException:
            continue  # the address is taken; try another
        smoke.cleanups.append(("router", lambda made=router: network.delete_router(made)))
        info = router.external_gateway_info
        if info["enable_snat"] or info["external_fixed_ips"][0]["ip_address"] != address:
            raise AssertionError(f"router gateway is not as requested: {info}")
        return router
    raise AssertionError("no free gateway address found in 5 attempts")


def build_network(smoke: Smoke) -> tuple[Any, Any, Any]:
    """Network, subnet and router with an interface on the subnet."""
    network = smoke.demo.network
    net = smoke.step("create network", lambda: network.create_network(name=smoke.prefix))
    smoke.cleanups.append(("network", lambda: network.delete_network(net)))
    subnet = smoke.step(
        "create subnet 10.199.0.0/24",
        lambda: network.create_subnet(
            name=smoke.prefix, network_id=net.id, ip_version=4, cidr="10.199.0.0/24"
        ),
    )
    smoke.cleanups.append(("subnet", lambda: network.delete_subnet(subnet)))
    public = network.find_network("public", ignore_missing=False)
    router = smoke.step(
        "create router: gateway on public, SNAT off, chosen fixed IP (as member)",
        lambda: create_router_with_gateway(smoke, public),
    )
    smoke.step(
        "add router interface", lambda: network.add_interface_to_router(router, subnet_id=subnet.id)
    )
    smoke.cleanups.append(
        ("router interface", lambda: network.remove_interface_from_router(router, subnet.id))
    )
    return net, public, router


def boot_server(smoke: Smoke, net: Any) -> Any:
    """Boot m1.nano / cirros-fake on the network and wait for ACTIVE."""
    compute = smoke.demo.compute
    flavor = compute.find_flavor("m1.nano", ignore_missing=False)
    image = smoke.demo.image.find_image("cirros-fake", ignore_missing=False)
    server = compute.create_server(
        name=smoke.prefix,
        flavor_id=flavor.id,
        image_id=image.id,
        networks=[{"uuid": net.id}],
    )

    def delete_server() -> None:
        compute.delete_server(server)
        compute.wait_for_delete(server, wait=int(TIMEOUT))

    smoke.cleanups.append(("server", delete_server))
    return compute.wait_for_server(server, status="ACTIVE", wait=int(TIMEOUT))


def associate_floating_ip(smoke: Smoke, fip: Any, server: Any) -> None:
    """Associate the floating IP with the server's port and wait until nova shows it."""
    network, compute = smoke.demo.network, smoke.demo.compute
    port = next(iter(network.ports(device_id=server.id)))
    network.update_ip(fip, port_id=port.id)

    def shown() -> bool:
        addresses = compute.get_server(server.id).addresses or {}
        return any(
            entry["addr"] == fip.floating_ip_address
            for entries in addresses.values()
            for entry in entries
        )

    wait_for(shown, "floating IP in the server's addresses", timeout=60)


def check_isolation(credentials: dict[str, str], net: Any, server: Any) -> None:
    """Project `other` sees neither demo's network nor its server."""
    other = connect("other", credentials["other"], "other")
    if other.network.find_network(net.id) is not None:
        raise AssertionError("user other can see demo's network")
    if other.compute.find_server(server.id) is not None:
        raise AssertionError("user other can see demo's server")


class _ConsoleSocket(WebSocket):
    """websockify's client sends only the URL's path; the proxy wants the token's query too."""

    def __init__(self, query: str) -> None:
        super().__init__()
        self._query = query

    def send_request(self, type: str, path: str) -> None:
        super().send_request(type, f"{path}?{self._query}")


class _Received:
    """Exact reads from a websocket whose messages may split the RFB stream anywhere."""

    def __init__(self, socket: WebSocket) -> None:
        self.socket = socket
        self.buffer = b""

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            data = self.socket.recv()
            if data is None:
                reason = f"{self.socket.close_code} {self.socket.close_reason}"
                raise AssertionError(f"the console proxy closed the connection ({reason})")
            self.buffer += data
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


def open_console(url: str, server: Any) -> None:
    """Follow the console URL as noVNC does: the page comes from nova-novncproxy, and a websocket
    with the URL's token reaches the server's own VNC server through the proxy (RFB 3.8 up to
    the desktop name, which names the server)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        if "core/rfb.js" not in response.read().decode():
            raise AssertionError(f"{url} is not the noVNC console page")
    websocket_path = parse_qs(urlparse(url).query)["path"][0]  # "?token=..."
    socket = _ConsoleSocket(urlparse(websocket_path).query)
    socket.connect("ws://127.0.0.1:6080/")
    try:
        received = _Received(socket)
        version = received.exactly(12)
        if version != b"RFB 003.008\n":
            raise AssertionError(f"the console answered {version!r}, not RFB 3.8")
        socket.send(version)
        if received.exactly(2) != b"\x01\x01":  # one security type: None
            raise AssertionError("the console proxy did not offer the security type None")
        socket.send(b"\x01")
        if received.exactly(4) != b"\x00\x00\x00\x00":
            raise AssertionError("the console refused the security handshake")
        socket.send(b"\x01")  # ClientInit: shared
        received.exactly(20)  # ServerInit: size and pixel format
        (length,) = struct.unpack("!I", received.exactly(4))
        name = received.exactly(length).decode()
        if server.id not in name:
            raise AssertionError(f"the console shows {name!r}, not server {server.id}")
    finally:
        socket.close()


def run(smoke: Smoke) -> None:
    """All steps in order."""
    credentials = smoke.credentials
    smoke.step(
        "dashboard account lists projects and domains",
        lambda: check_dashboard_account(credentials),
    )
    net, public, _router = build_network(smoke)
    network = smoke.demo.network
    fip = smoke.step(
        "allocate floating IP on public",
        lambda: network.create_ip(floating_network_id=public.id),
    )
    smoke.cleanups.append(("floating IP", lambda: network.delete_ip(fip)))
    server = smoke.step(
        "boot server m1.nano/cirros-fake to ACTIVE", lambda: boot_server(smoke, net)
    )
    smoke.step("associate floating IP", lambda: associate_floating_ip(smoke, fip, server))
    url = smoke.step(
        "mint noVNC console URL",
        lambda: (
            smoke.demo.compute.create_server_remote_console(
                server, protocol="vnc", type="novnc"
            ).url
        ),
    )
    if not url.startswith("http://127.0.0.1:6080/"):
        raise AssertionError(f"unexpected console URL {url}")
    smoke.step("open the console through nova-novncproxy", lambda: open_console(url, server))
    smoke.step(
        "project other cannot see demo's objects",
        lambda: check_isolation(credentials, net, server),
    )


def main(argv: list[str]) -> int:
    """Run the smoke test; exit 0 only if every step and the cleanup passed."""
    credentials = json.loads(Path(argv[0]).read_text())
    smoke = Smoke(credentials)
    print(f"smoke test as demo (objects named {smoke.prefix}):", flush=True)
    failure = None
    try:
        run(smoke)
    except (exceptions.SDKException, AssertionError, TimeoutError) as exc:
        failure = exc
        print(f"  FAILED: {exc}")
    clean = smoke.cleanup()
    total = time.monotonic() - smoke.started
    if failure is None and clean:
        print(f"smoke: {smoke.passed} steps passed in {total:.1f} s, everything deleted")
        return 0
    print(f"smoke: FAILED after {smoke.passed} steps ({total:.1f} s)")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
