"""Command line: `python3 -m devcloud <command>` (standard library only)."""

import argparse
import sys
from collections.abc import Callable

from devcloud import cloud, compute_hosts, health, tools
from devcloud.console import DevcloudError, Progress
from devcloud.paths import state_layout


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m devcloud",
        description="A real OpenStack control plane on 127.0.0.1 for developing the dashboard.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("install", help="install apt packages and the virtualenv if missing")
    up = commands.add_parser("up", help="bootstrap or start the cloud (idempotent)")
    up.add_argument("--fresh", action="store_true", help="restore the seeded snapshot first")
    commands.add_parser("down", help="stop everything devcloud started")
    hosts = commands.add_parser(
        "compute-hosts", help="run N nova-compute hosts (1 unless set; kept until a reset)"
    )
    hosts.add_argument("count", type=int, help=f"1 to {compute_hosts.MAX_COMPUTE_HOSTS}")
    status = commands.add_parser("status", help="show each service; exit 0 only if all healthy")
    status.add_argument("--json", action="store_true", help="print JSON")
    commands.add_parser("reset", help="restore the seeded state and start")
    logs = commands.add_parser("logs", help="show the end of the logs")
    logs.add_argument("service", nargs="?", help="one service (or step) to show, e.g. nova-api")
    logs.add_argument("-n", type=int, default=30, help="lines per log (default 30)")
    commands.add_parser("env", help="print the path of the dashboard env file")
    commands.add_parser("smoke", help="end-to-end check as the demo user (creates and deletes)")
    openstack = commands.add_parser("openstack", help="run the openstack CLI with clouds.yaml")
    openstack.add_argument("args", nargs="*", help="e.g. --os-cloud devcloud-demo server list")
    return parser


def _run(args: argparse.Namespace) -> int:
    layout = state_layout()
    progress = Progress()
    locked_commands: dict[str, Callable[[], None]] = {
        "install": lambda: tools.install_only(layout, progress),
        "up": lambda: cloud.up(layout, progress, fresh=args.fresh),
        "reset": lambda: cloud.reset(layout, progress),
        "down": lambda: cloud.down(layout, progress),
        "compute-hosts": lambda: compute_hosts.set_compute_hosts(layout, progress, args.count),
    }
    if args.command in locked_commands:
        with cloud.locked(layout):
            locked_commands[args.command]()
        return 0
    if args.command == "status":
        report = health.collect(layout)
        print(health.as_json(layout, report) if args.json else health.as_table(report))
        return 0 if health.all_healthy(report) else 1
    if args.command == "logs":
        return tools.show_logs(layout, args.service, args.n)
    if args.command == "env":
        return tools.show_env_path(layout)
    return tools.run_smoke(layout)


def main() -> int:
    """Parse the command line, run the command, turn expected failures into messages."""
    argv = sys.argv[1:]
    try:
        if argv[:1] == ["openstack"]:
            # Everything after `openstack` belongs to the openstack CLI, options included.
            return tools.run_openstack(state_layout(), argv[1:])
        return _run(_parser().parse_args(argv))
    except DevcloudError as error:
        if error.detail:
            print(error.detail, file=sys.stderr)
        print(f"devcloud: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("devcloud: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
