"""clouds.yaml and openrc downloads: no password inside, they really work with the cloud, and a
project's name cannot change what they do."""

import os
import subprocess
from pathlib import Path
from typing import Any

import openstack
import pytest
import yaml
from django.test import Client

from dashboard.testing.fixtures import KeystoneAccount

pytestmark = [pytest.mark.django_db, pytest.mark.cloud]


def test_api_access_lists_the_catalog(signed_in: Client) -> None:
    page = signed_in.get("/project/api-access/").content.decode()

    for service_type in ("identity", "compute", "network", "image"):
        assert f"<td>{service_type}</td>" in page
    assert "http://127.0.0.1:9696" in page


def test_clouds_yaml_works_with_openstacksdk(
    signed_in: Client, account: KeystoneAccount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = signed_in.get("/project/api-access/clouds.yaml")

    assert response["Content-Disposition"] == 'attachment; filename="clouds.yaml"'
    content = response.content.decode()
    assert account.password not in content
    assert "password" not in content
    cloud_name = account.project.name
    (tmp_path / "clouds.yaml").write_text(content)
    (tmp_path / "secure.yaml").write_text(
        yaml.safe_dump({"clouds": {cloud_name: {"auth": {"password": account.password}}}})
    )
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "clouds.yaml"))
    monkeypatch.setenv("OS_CLIENT_SECURE_FILE", str(tmp_path / "secure.yaml"))

    conn = openstack.connect(cloud=cloud_name)

    assert conn.current_project_id == account.project.id
    assert isinstance(list(conn.network.networks()), list)


def test_openrc_asks_for_the_password_and_authenticates(
    signed_in: Client, account: KeystoneAccount, tmp_path: Path
) -> None:
    response = signed_in.get("/project/api-access/openrc.sh")
    content = response.content.decode()
    assert account.password not in content
    rc_file = tmp_path / "openrc.sh"
    rc_file.write_text(content)

    sourced = subprocess.run(
        ["sh", "-c", f'. "{rc_file}" >/dev/null && env | grep ^OS_'],
        input=f"{account.password}\n",
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    variables = dict(line.split("=", 1) for line in sourced.stdout.splitlines())

    assert variables["OS_PASSWORD"] == account.password
    conn = openstack.connect(
        auth_url=variables["OS_AUTH_URL"],
        username=variables["OS_USERNAME"],
        password=variables["OS_PASSWORD"],
        user_domain_name=variables["OS_USER_DOMAIN_NAME"],
        project_id=variables["OS_PROJECT_ID"],
        region_name=variables["OS_REGION_NAME"],
    )
    assert conn.current_project_id == account.project.id


def test_a_project_name_cannot_inject_a_command_into_the_files(
    client: Client, cloud: Any, account: KeystoneAccount, tmp_path: Path
) -> None:
    """Keystone lets a tenant name a project anything (64 characters), control characters
    included."""
    marker = tmp_path / "pwn"  # the file the name's commands would make in the shell's directory
    evil_name = 'x"\n export EVIL=1 # $(touch pwn) `touch pwn`\r\x00;'
    cloud.identity.update_project(account.project, name=evil_name)
    assert client.post("/auth/login/", account.credentials()).status_code == 302

    response = client.get("/project/api-access/openrc.sh")
    rc_file = tmp_path / "openrc.sh"
    rc_file.write_bytes(response.content)
    sourced = subprocess.run(
        ["sh", "-c", f'. "{rc_file}" >/dev/null && env'],
        input="not-the-password\n",
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
        cwd=tmp_path,
    )
    variables = dict(line.split("=", 1) for line in sourced.stdout.splitlines() if "=" in line)
    clouds = yaml.safe_load(client.get("/project/api-access/clouds.yaml").content)

    assert "EVIL" not in variables
    assert not marker.exists()
    assert variables["OS_PROJECT_ID"] == account.project.id
    assert variables["OS_PROJECT_NAME"] == evil_name.translate(dict.fromkeys(b"\n\r\x00"))
    assert response.content.count(b"\n") == len(response.content.decode().splitlines())
    assert "\n" not in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith('attachment; filename="x\\"')
    (cloud_name,) = clouds["clouds"]
    assert "\n" not in cloud_name
    assert clouds["clouds"][cloud_name]["auth"]["project_id"] == account.project.id
