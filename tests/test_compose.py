"""The production stack as users deploy it: docker-compose.yml, the Dockerfile and .env.example.

No Docker engine runs where the suite runs, so these tests read the files and check what a broken
deployment would get wrong: services and their order of start, one image, health checks, a single
beat and a single notification listener, web and worker scalable behind one front proxy, Redis and
PostgreSQL with passwords and limits from .env, settings only from .env, and commands that name
modules and management commands which exist. Redis's command and health check run here against
Debian's redis-server, as the container would run them. The web service's settings (as compose
gives them from .env.example) pass `manage.py check --deploy`, and its gunicorn, run here with the
image's configuration, trusts forwarded headers from the configured proxy only.
"""

import importlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import redis
import yaml
from celery import Celery
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat", "listener", "migrate")
AFTER_MIGRATE = {
    "postgres": "service_healthy",
    "redis": "service_healthy",
    "migrate": "service_completed_successfully",
}
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|_KEY|TOKEN)$")
# A whole value that is one compose reference: ${NAME}, ${NAME:-default}, ${NAME:?message}.
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(?::?[-?][^}]*)?\}$")
# A compose reference anywhere in a value, with its name, kind (- or ?) and default or message.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def dockerfile_cmd(dockerfile: str) -> list[str]:
    """The exec-form CMD of the Dockerfile's last stage."""
    match = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form CMD"
    return list(yaml.safe_load(match[-1]))


def command(services: dict[str, Any], name: str, dockerfile: str) -> list[str]:
    """What the service runs: its command, else the image's CMD."""
    return list(services[name].get("command") or dockerfile_cmd(dockerfile))


def test_stack_has_the_dashboard_services_and_its_own_database_and_broker(
    services: dict[str, Any],
) -> None:
    assert set(services) == {*APP_SERVICES, "front", "redis", "postgres"}
    assert services["redis"]["image"].startswith("redis:7")
    assert services["postgres"]["image"].startswith("postgres:16")
    assert any(
        volume.endswith(":/var/lib/postgresql/data") for volume in services["postgres"]["volumes"]
    ), "PostgreSQL's data must live in a volume"


def test_dashboard_services_run_one_image_built_from_the_dockerfile(
    services: dict[str, Any],
) -> None:
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = {services[name].get("build") for name in APP_SERVICES}

    assert len(images) == 1
    assert builds == {"."}
    assert (ROOT / "Dockerfile").is_file()


def test_dockerfile_builds_a_slim_locked_non_root_image(dockerfile: str) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    uv_pin = re.search(r'"uv==([^"]+)"', pyproject)

    assert re.search(r"^FROM python:3\.12-slim\b", dockerfile, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in dockerfile
    assert uv_pin
    assert f"uv=={uv_pin[1]}" in dockerfile, "the image must use the uv the lock uses"
    assert "manage.py collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}


def test_web_runs_gunicorn_on_the_projects_wsgi_application(
    services: dict[str, Any], dockerfile: str
) -> None:
    web = command(services, "web", dockerfile)
    module, _, attribute = web[1].partition(":")

    assert web[0] == "gunicorn"
    assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_name_the_projects_celery_app(
    services: dict[str, Any], dockerfile: str, service: str
) -> None:
    argv = command(services, service, dockerfile)
    app_module = argv[argv.index("-A") + 1]

    assert argv[0] == "celery"
    assert service in argv
    # `celery -A dashboard` finds the app in dashboard.celery.
    assert isinstance(importlib.import_module(f"{app_module}.celery").app, Celery)


def test_exactly_one_beat(services: dict[str, Any], dockerfile: str) -> None:
    runs_beat = [name for name in services if "beat" in command(services, name, dockerfile)[:4]]

    assert runs_beat == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_exactly_one_notification_listener(services: dict[str, Any], dockerfile: str) -> None:
    listens = [
        name
        for name in services
        if "listen_notifications" in command(services, name, dockerfile)[:3]
    ]
    argv = command(services, "listener", dockerfile)

    assert listens == ["listener"]
    assert services["listener"]["deploy"]["replicas"] == 1
    assert argv[:3] == ["python", "manage.py", "listen_notifications"]
    assert get_commands()["listen_notifications"] == "dashboard.mirror"


def test_migrate_runs_once_before_the_other_dashboard_services(
    services: dict[str, Any], dockerfile: str
) -> None:
    migrate = services["migrate"]

    assert command(services, "migrate", dockerfile) == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]
    assert (ROOT / "manage.py").is_file()
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat", "listener"):
        conditions = {
            dependency: spec["condition"]
            for dependency, spec in services[name]["depends_on"].items()
        }
        assert conditions == AFTER_MIGRATE, name


def test_long_running_services_have_health_checks(services: dict[str, Any]) -> None:
    web = services["web"]["healthcheck"]["test"]
    worker = " ".join(services["worker"]["healthcheck"]["test"])

    assert web == ["CMD", "python", "docker/healthcheck.py"]
    assert (ROOT / "docker" / "healthcheck.py").is_file()
    assert resolve("/healthz").url_name == "healthz"
    # $$ is compose's escape: the container's shell expands $HOSTNAME, the worker's node name.
    assert "celery -A dashboard inspect ping -d celery@$$HOSTNAME" in worker
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert services["front"]["healthcheck"]["test"][-1] == "http://127.0.0.1:8080/front-health"
    assert "location = /front-health" in (ROOT / "docker" / "nginx.conf").read_text()
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_settings_come_from_the_env_file_and_no_secret_is_written_inline(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    for name in APP_SERVICES:
        assert services[name]["env_file"] == ".env", name
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert REFERENCE.match(str(value)), f"{name}: {key} must be a ${{...}} reference"
    database_url = re.fullmatch(
        r"postgres://(?P<user>\$\{[^}]+\}):(?P<password>\$\{[^}]+\})@postgres:5432/\$\{[^}]+\}",
        services["web"]["environment"]["DATABASE_URL"],
    )
    assert database_url, "DATABASE_URL must point at the stack's postgres, credentials as ${...}"
    assert REFERENCE.match(database_url["password"])


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".env", ".venv", "var", ".devcloud", ".git"} <= ignored


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_env_example_documents_every_variable_the_settings_and_compose_read() -> None:
    settings = (ROOT / "dashboard" / "settings.py").read_text()
    read_by_settings = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", settings))
    compose_text = (ROOT / "docker-compose.yml").read_text()
    referenced_by_compose = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", compose_text))

    assert "OPENSTACK_AUTH_URL" in read_by_settings  # the pattern still finds the settings' reads
    assert read_by_settings - _env_example_names() == set()
    assert referenced_by_compose - _env_example_names() == set()


def test_env_example_holds_no_secret_values() -> None:
    for line in (ROOT / ".env.example").read_text().splitlines():
        name, _, value = line.partition("=")
        if not line.startswith("#") and SECRET_NAME.search(name):
            assert value == "", f"{name} must be left empty in .env.example"


class _Healthz(BaseHTTPRequestHandler):
    """Answers like Django: 400 for a Host outside the allowed list, else 200 "ok"."""

    allowed_host = "dashboard.example.com"
    hosts_seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        host = self.headers["Host"]
        self.hosts_seen.append(host)
        ok = self.path == "/healthz" and host == self.allowed_host
        body = b"ok" if ok else b"Bad Request"
        self.send_response(200 if ok else 400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def healthz_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Healthz)
    _Healthz.hosts_seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run_healthcheck(port: int, allowed_hosts: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py")],
        env={"HEALTHCHECK_PORT": str(port), "DJANGO_ALLOWED_HOSTS": allowed_hosts},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_healthcheck_asks_healthz_as_the_first_allowed_host(healthz_server: HTTPServer) -> None:
    result = _run_healthcheck(healthz_server.server_port, "*,.dashboard.example.com,other.org")

    assert result.returncode == 0, result.stderr
    assert _Healthz.hosts_seen == ["dashboard.example.com"]


def test_healthcheck_fails_when_django_refuses_the_host(healthz_server: HTTPServer) -> None:
    result = _run_healthcheck(healthz_server.server_port, "other.org")

    assert result.returncode == 1
    assert "400" in result.stderr


def test_healthcheck_fails_when_nothing_listens(healthz_server: HTTPServer) -> None:
    port = healthz_server.server_port
    healthz_server.shutdown()
    healthz_server.server_close()

    result = _run_healthcheck(port, "dashboard.example.com")

    assert result.returncode == 1
    assert "healthz:" in result.stderr


def _listener_healthcheck(heartbeat: Path) -> int:
    """Run the listener's health check (as the container's shell would) against `heartbeat`."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    kind, script = services["listener"]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    script = script.replace("$$", "$").replace("/tmp/listener.heartbeat", str(heartbeat))
    return subprocess.run(["sh", "-c", script], check=False, timeout=10).returncode


def test_listener_health_check_reads_the_heartbeat_file_the_command_touches(
    services: dict[str, Any], tmp_path: Path
) -> None:
    argv = services["listener"]["command"]
    heartbeat = tmp_path / "listener.heartbeat"

    assert argv[argv.index("--heartbeat-file") + 1] == "/tmp/listener.heartbeat"
    assert _listener_healthcheck(heartbeat) != 0  # never touched: not started
    heartbeat.touch()
    assert _listener_healthcheck(heartbeat) == 0
    two_minutes_ago = time.time() - 120
    os.utime(heartbeat, (two_minutes_ago, two_minutes_ago))
    assert _listener_healthcheck(heartbeat) != 0


# ---- the web service's settings and gunicorn, as compose runs them ------------------------------


def _dotenv() -> dict[str, str]:
    """.env as an operator makes it from .env.example: the empty secrets filled in, the rest as
    shipped."""
    text = (ROOT / ".env.example").read_text()
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.MULTILINE))
    return {
        name: value or (secrets.token_hex(32) if SECRET_NAME.search(name) else "")
        for name, value in values.items()
    }


def _interpolate(value: str, variables: dict[str, str]) -> str:
    """`value` with its ${...} references filled in from `variables`, as compose does."""

    def fill(reference: re.Match[str]) -> str:
        name, kind, default_or_message = reference.groups()
        found = variables.get(name, "")
        assert found or kind != "?", default_or_message
        return found or (default_or_message if kind == "-" else "")

    return INTERPOLATION.sub(fill, value).replace("$$", "$")


def _web_environment(services: dict[str, Any]) -> dict[str, str]:
    """The web container's environment: .env (env_file), then the service's `environment`."""
    dotenv = _dotenv()
    environment = {
        name: _interpolate(str(value), dotenv)
        for name, value in services["web"]["environment"].items()
    }
    return {**dotenv, **environment}


def _isolated(environment: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """`environment` alone (with PATH), not the suite's: no local cloud's env file either."""
    return {"PATH": os.environ["PATH"], "DEVCLOUD_HOME": str(tmp_path), **environment}


def _manage(argv: list[str], environment: dict[str, str], tmp_path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=_isolated(environment, tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_check_deploy_is_clean_with_the_web_services_settings(
    services: dict[str, Any], tmp_path: Path
) -> None:
    output = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"], _web_environment(services), tmp_path
    )

    assert "System check identified no issues" in output


HTTPS_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
)


def _https_settings(environment: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    names = ", ".join(repr(name) for name in HTTPS_SETTINGS)
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in ({names})}}))"
    )
    output = _manage(["shell", "-c", code], environment, tmp_path)
    return dict(yaml.safe_load(output.splitlines()[-1]))


@pytest.mark.parametrize(("debug", "https"), [("false", True), ("true", False)])
def test_https_protections_are_on_by_default_outside_debug(
    tmp_path: Path, debug: str, https: bool
) -> None:
    required = {"DJANGO_SECRET_KEY": secrets.token_hex(32), "DJANGO_ALLOWED_HOSTS": "example.org"}

    values = _https_settings({**required, "DJANGO_DEBUG": debug}, tmp_path)

    assert values == {
        "SESSION_COOKIE_SECURE": https,
        "CSRF_COOKIE_SECURE": https,
        "SECURE_SSL_REDIRECT": https,
        "SECURE_HSTS_SECONDS": 31_536_000 if https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        # Django would believe the header from any client; gunicorn checks who sent it.
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_front_port_is_published_on_the_hosts_loopback_unless_told(
    services: dict[str, Any],
) -> None:
    (published,) = services["front"]["ports"]

    assert _interpolate(published, {}) == "127.0.0.1:8000:8080"
    assert _interpolate(published, {"WEB_BIND": "0.0.0.0"}) == "0.0.0.0:8000:8080"
    assert [name for name, service in services.items() if service.get("ports")] == ["front"]


# ---- scaling out: several web and worker containers ---------------------------------------------


@pytest.mark.parametrize("service", ["web", "worker"])
def test_web_and_worker_scale_with_the_scale_option(services: dict[str, Any], service: str) -> None:
    """`docker compose up --scale web=3 --scale worker=4` needs replicas that differ: no fixed
    container name, no host port, no fixed replica count."""
    spec = services[service]

    assert "container_name" not in spec
    assert "ports" not in spec
    assert "replicas" not in spec.get("deploy", {})
    assert not any("container_name" in other for other in services.values())


def test_front_spreads_requests_over_every_web_replica(services: dict[str, Any]) -> None:
    front = services["front"]
    (mount,) = front["volumes"]
    source, target, mode = mount.split(":")
    nginx = (ROOT / source).read_text()

    assert front["image"].startswith("nginx:")
    assert target == "/etc/nginx/conf.d/default.conf"
    assert mode == "ro"
    assert front["depends_on"] == {"web": {"condition": "service_healthy"}}
    # Docker's DNS answers the service's name with every replica; a variable makes nginx ask
    # again as replicas come and go, where a plain `proxy_pass http://web:8000` would resolve once.
    assert re.search(r"resolver 127\.0\.0\.11 valid=\d+s", nginx)
    assert "set $web http://web:8000;" in nginx
    assert "proxy_pass $web;" in nginx
    assert "listen 8080;" in nginx
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx


def test_postgres_connection_limit_comes_from_the_env_file(services: dict[str, Any]) -> None:
    argv = services["postgres"]["command"]

    assert argv[:2] == ["postgres", "-c"]
    assert _interpolate(argv[2], {}) == "max_connections=200"
    assert _interpolate(argv[2], {"POSTGRES_MAX_CONNECTIONS": "500"}) == "max_connections=500"
    assert _dotenv()["POSTGRES_MAX_CONNECTIONS"] == "200"


def test_redis_requires_the_password_every_dashboard_service_uses(
    services: dict[str, Any], tmp_path: Path
) -> None:
    """Redis started by the service's own command (Debian's redis-server on a free port): it
    refuses a client without the password, answers the dashboard's REDIS_URL and CACHE_URL as
    compose fills them from .env, and its health check passes."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        pytest.skip("redis-server is not installed")
    environment = _web_environment(services)
    password = environment["REDIS_PASSWORD"]
    port = _free_port()
    shell, flag, script = services["redis"]["command"]
    script = script.replace("$$", "$").replace("redis-server", f"{redis_server} --port {port}")
    assert _interpolate(services["redis"]["environment"]["REDIS_PASSWORD"], _dotenv())
    server = subprocess.Popen(
        [shell, flag, script + " --save ''"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "REDIS_PASSWORD": password},
        stdout=subprocess.DEVNULL,
    )
    try:
        plain = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                plain.ping()
            except redis.AuthenticationError:
                break  # up, and asks for the password
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        for name in ("REDIS_URL", "CACHE_URL"):
            url = environment[name].replace("@redis:6379", f"@127.0.0.1:{port}")
            assert redis.Redis.from_url(url).ping(), name
        kind, check = services["redis"]["healthcheck"]["test"]
        check = check.replace("$$", "$").replace("redis-cli", f"redis-cli -p {port}")
        healthy = subprocess.run(
            ["sh", "-c", check],
            env={"PATH": os.environ["PATH"], "REDIS_PASSWORD": password},
            check=False,
            timeout=10,
        )
        assert kind == "CMD-SHELL"
        assert healthy.returncode == 0
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status_through_gunicorn(
    services: dict[str, Any], dockerfile: str, tmp_path: Path, forwarded_allow_ips: str
) -> int:
    """The status of a request claiming HTTPS (X-Forwarded-Proto) that reaches the web
    service's gunicorn from 127.0.0.1, gunicorn started as the image starts it (on a free
    loopback port, one worker, an empty SQLite database instead of the stack's PostgreSQL, and
    static files from the source tree since none are collected here)."""
    argv = command(services, "web", dockerfile)
    port = _free_port()
    environment = {
        **_web_environment(services),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_MANIFEST": "false",
        "DJANGO_TRUSTED_PROXIES": forwarded_allow_ips,
    }
    with (tmp_path / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / argv[0]),
                *argv[1:],
                *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
            ],
            cwd=ROOT,
            env=_isolated(environment, tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer in 120 s"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
                    connection.sendall(
                        b"GET /no-such-page HTTP/1.1\r\nHost: dashboard.example.com\r\n"
                        b"X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
                    )
                    status_line = connection.makefile("rb").readline()
                return int(status_line.split()[1])
            except ConnectionRefusedError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize(
    ("forwarded_allow_ips", "status"),
    [
        # The proxy is trusted: Django sees HTTPS and answers the page itself (a 404 here).
        ("127.0.0.1", 404),
        # Another proxy is configured: the claim is ignored and Django redirects to HTTPS.
        ("192.0.2.10", 301),
    ],
)
def test_gunicorn_trusts_the_forwarded_scheme_only_from_the_configured_proxy(
    services: dict[str, Any], dockerfile: str, tmp_path: Path, forwarded_allow_ips: str, status: int
) -> None:
    assert _status_through_gunicorn(services, dockerfile, tmp_path, forwarded_allow_ips) == status
