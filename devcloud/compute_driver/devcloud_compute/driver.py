"""Nova's fake compute driver, with a console a browser can open and a boot log to read.

`compute_driver = devcloud_compute.driver.DevcloudComputeDriver` in nova.conf. The fake driver
answers `get_vnc_console` with an unreachable host and `get_console_output` with three fixed
lines; this one gives each instance its own VNC server on 127.0.0.1 (started on the first
console request, stopped when the instance is destroyed), showing the instance's boot log and a
login prompt, and returns that same log as the console output. A powered-off instance has no
console (Nova answers 409), and powering off disconnects its viewers.
"""

import threading
from typing import Any

import nova.conf
from nova import exception
from nova.compute import power_state
from nova.console import type as console_type
from nova.virt import fake

from devcloud_compute.boot_log import Guest, boot_log
from devcloud_compute.rfb import ConsoleServer
from devcloud_compute.screen import TextScreen

CONF = nova.conf.CONF


def _guest(instance: Any) -> Guest:
    """What the boot log says about an instance, from Nova's record of it."""
    network_info = instance.get_network_info()
    addresses = tuple(ip["address"] for vif in network_info for ip in vif.fixed_ips())
    return Guest(
        uuid=instance.uuid,
        hostname=instance.hostname or "instance",
        memory_mb=instance.flavor.memory_mb,
        vcpus=instance.flavor.vcpus,
        addresses=addresses,
    )


class DevcloudComputeDriver(fake.FakeDriverWithoutFakeNodes):
    """The single-node fake driver with a real VNC console and a boot log per instance."""

    def __init__(self, virtapi: Any, read_only: bool = False) -> None:
        super().__init__(virtapi, read_only)
        self._consoles: dict[str, ConsoleServer] = {}
        self._consoles_lock = threading.Lock()

    def get_console_output(self, context: Any, instance: Any) -> str:
        return boot_log(_guest(instance))

    def get_vnc_console(self, context: Any, instance: Any) -> console_type.ConsoleVNC:
        """The instance's VNC server, started on first use; Nova's proxy asks again for every
        connection and checks that the port is the one its token names."""
        running = self.instances.get(instance.uuid)
        if running is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        if running.state != power_state.RUNNING:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        with self._consoles_lock:
            server = self._consoles.get(instance.uuid)
            if server is None:
                guest = _guest(instance)
                screen = TextScreen(boot_log(guest), guest.hostname)
                name = f"{instance.display_name} ({instance.uuid})"
                server = ConsoleServer(screen, name, CONF.vnc.server_listen)
                self._consoles[instance.uuid] = server
        return console_type.ConsoleVNC(host=CONF.vnc.server_proxyclient_address, port=server.port)

    def destroy(
        self,
        context: Any,
        instance: Any,
        network_info: Any,
        block_device_info: Any = None,
        destroy_disks: bool = True,
        destroy_secrets: bool = True,
    ) -> None:
        super().destroy(
            context, instance, network_info, block_device_info, destroy_disks, destroy_secrets
        )
        self._close_console(instance.uuid)

    def power_off(self, instance: Any, timeout: int = 0, retry_interval: int = 0) -> None:
        super().power_off(instance, timeout, retry_interval)
        self._close_console(instance.uuid)

    def _close_console(self, uuid: str) -> None:
        """Stop the instance's VNC server, if it has one, disconnecting its viewers."""
        with self._consoles_lock:
            server = self._consoles.pop(uuid, None)
        if server is not None:
            server.close()
