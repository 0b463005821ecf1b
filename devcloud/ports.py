"""Who listens on a TCP port, read from /proc (Linux), and whether the port answers."""

import os
import socket
from pathlib import Path

_LISTEN = "0A"


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True if a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on `port` on any local address, IPv4 or IPv6."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == _LISTEN:
                inodes.add(fields[9])
    return inodes


def listening_pid(port: int) -> int | None:
    """The pid of a process that holds the listening socket of `port`, if one can be seen."""
    targets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not targets:
        return None
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fds = os.scandir(f"/proc/{entry.name}/fd")
            for fd in fds:
                if os.readlink(fd.path) in targets:
                    return int(entry.name)
        except OSError:
            continue
    return None


def session_id(pid: int) -> int | None:
    """The session id of a process (devcloud starts each service in its own session)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[3])


def command_line(pid: int) -> str:
    """The command line of a process, shortened for messages."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    text = raw.replace(b"\0", b" ").decode(errors="replace").strip()
    return text if len(text) <= 120 else text[:117] + "..."


def devcloud_home_of(pid: int) -> str | None:
    """The DEVCLOUD_HOME a process was started with, if it is a devcloud service."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for item in environ:
        if item.startswith(b"DEVCLOUD_HOME="):
            return item.split(b"=", 1)[1].decode(errors="replace")
    return None


def foreign_listeners_message(listeners: list[tuple[int, int | None]]) -> str:
    """One sentence per owner of the given (port, pid) pairs, saying how to free the ports."""
    other_devclouds: dict[str, list[str]] = {}
    sentences = []
    for port, pid in listeners:
        other_home = devcloud_home_of(pid) if pid is not None else None
        if other_home:
            other_devclouds.setdefault(other_home, []).append(str(port))
        elif pid is None:
            sentences.append(
                f"port {port} is in use by another process (not visible to this user); stop it "
                "or run `python3 -m devcloud down` in the checkout that started it"
            )
        else:
            sentences.append(
                f"port {port} is in use by another process (pid {pid}: {command_line(pid)}); "
                "stop it or run `python3 -m devcloud down` in the checkout that started it"
            )
    for other_home, ports in other_devclouds.items():
        checkout = Path(other_home).parent
        held = f"ports {', '.join(ports)} are" if len(ports) > 1 else f"port {ports[0]} is"
        sentences.append(
            f"{held} in use by another devcloud (state in {other_home}); "
            f"run `python3 -m devcloud down` in {checkout}"
        )
    return "; ".join(sentences)
