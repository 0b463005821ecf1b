"""The files a user downloads to use the cloud from the command line; they never hold a password.

Names come from Keystone, where any tenant of the cloud may choose them: every value written to a
file loses its control characters (a newline in a project name would otherwise start a command
of its own in the openrc file) and is quoted for the file's language.
"""

import shlex
import unicodedata

import yaml
from django.conf import settings

from tenants.session import KeystoneSession


def printable(text: str) -> str:
    """`text` without control or format characters (newlines, carriage returns, NUL, escapes,
    bidirectional overrides): none belongs in a name, and each can change what a file does or
    how a terminal shows it."""
    return "".join(char for char in text if unicodedata.category(char)[0] != "C")


def cloud_name(keystone: KeystoneSession) -> str:
    return printable(keystone.project_name or keystone.project_id)


def clouds_yaml(keystone: KeystoneSession) -> str:
    """A clouds.yaml for openstacksdk and the openstack CLI; the password is asked for or added."""
    auth = {
        "auth_url": settings.OPENSTACK_AUTH_URL,
        "username": keystone.user_name,
        "user_domain_name": keystone.domain_name,
        "project_id": keystone.project_id,
        "project_name": keystone.project_name,
        "project_domain_id": keystone.project_domain_id,
    }
    cloud = {
        "auth": {name: printable(value) for name, value in auth.items()},
        "region_name": settings.OPENSTACK_REGION_NAME,
        "interface": settings.OPENSTACK_INTERFACE,
        "identity_api_version": 3,
    }
    return yaml.safe_dump({"clouds": {cloud_name(keystone): cloud}}, sort_keys=False)


def openrc(keystone: KeystoneSession) -> str:
    """A shell file that exports the OS_* variables and asks for the password when sourced."""
    variables = {
        "OS_AUTH_URL": settings.OPENSTACK_AUTH_URL,
        "OS_IDENTITY_API_VERSION": "3",
        "OS_INTERFACE": settings.OPENSTACK_INTERFACE,
        "OS_REGION_NAME": settings.OPENSTACK_REGION_NAME,
        "OS_USERNAME": keystone.user_name,
        "OS_USER_DOMAIN_NAME": keystone.domain_name,
        "OS_PROJECT_ID": keystone.project_id,
        "OS_PROJECT_NAME": keystone.project_name,
        "OS_PROJECT_DOMAIN_ID": keystone.project_domain_id,
    }
    lines = [
        "#!/usr/bin/env sh",
        f"# OpenStack credentials for project {shlex.quote(cloud_name(keystone))}; "
        "source this file, then type your password.",
        "unset OS_TOKEN OS_AUTH_TYPE OS_TENANT_ID OS_TENANT_NAME",
        *(f"export {name}={shlex.quote(printable(value))}" for name, value in variables.items()),
        'printf "Password for %s in project %s: " "$OS_USERNAME" "$OS_PROJECT_NAME"',
        "stty -echo 2>/dev/null; read -r OS_PASSWORD; stty echo 2>/dev/null; echo",
        "export OS_PASSWORD",
    ]
    return "\n".join(lines) + "\n"
