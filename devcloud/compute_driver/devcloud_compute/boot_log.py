"""The console log of a fake instance: what a small Linux guest (CirrOS-like) prints at boot.

It is made from the instance's own facts (name, UUID, flavor, addresses), so two instances show
two different logs, and the same instance always shows the same one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Guest:
    """What the log says about one instance."""

    uuid: str
    hostname: str
    memory_mb: int
    vcpus: int
    addresses: tuple[str, ...]


def boot_log(guest: Guest) -> str:
    """The lines the guest printed from power-on to its login prompt."""
    kernel = [
        "Linux version 6.1.0-devcloud (devcloud@localhost) #1 SMP",
        "Command line: LABEL=cirros-rootfs ro console=tty1 console=ttyS0",
        "DMI: OpenStack Foundation OpenStack Nova, BIOS 1.16.3 04/01/2014",
        f"Memory: {guest.memory_mb * 1024}K available",
        f"smpboot: Allowing {guest.vcpus} CPUs, 0 hotplug CPUs",
        "virtio_net virtio0 eth0: renamed from eth0",
        "EXT4-fs (vda1): mounted filesystem with ordered data mode",
        "Run /sbin/init as init process",
    ]
    lines = [f"[{0.25 * index:12.6f}] {line}" for index, line in enumerate(kernel)]
    lines += [
        "Starting network: udhcpc: started",
        *(f"udhcpc: lease of {address} obtained, lease time 86400" for address in guest.addresses),
        "OK",
        "checking http://169.254.169.254/2009-04-04/instance-id",
        f"successful after 1/20 tries: up 2.40. iid={guest.uuid}",
        f"hostname: {guest.hostname}",
        "=== system information ===",
        f"Platform: OpenStack Nova (devcloud fake driver), {guest.vcpus} vCPU",
        f"Mem: {guest.memory_mb} MB",
        f"Addresses: {', '.join(guest.addresses) or 'none'}",
        "=== cirros: current=0.6.2 uptime=3.10 ===",
        "This is a devcloud fake instance: there is no operating system to log in to.",
        "",
    ]
    return "\n".join(lines)
