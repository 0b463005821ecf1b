"""The files a user downloads to use the cloud from the command line; they never hold a password."""

import shlex

import yaml
from django.conf import settings

from tenants.session import KeystoneSession


def cloud_name(keystone: KeystoneSession) -> str:
    return keystone.project_name or keystone.project_id


def clouds_yaml(keystone: KeystoneSession) -> str:
    """A clouds.yaml for openstacksdk and the openstack CLI; the password is asked for or added."""
    cloud = {
        "auth": {
            "auth_url": settings.OPENSTACK_AUTH_URL,
            "username": keystone.user_name,
            "user_domain_name": keystone.domain_name,
            "project_id": keystone.project_id,
            "project_name": keystone.project_name,
            "project_domain_id": keystone.project_domain_id,
        },
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
        f"# OpenStack credentials for project {shlex.quote(keystone.project_name)}; "
        "source this file, then type your password.",
        "unset OS_TOKEN OS_AUTH_TYPE OS_TENANT_ID OS_TENANT_NAME",
        *(f"export {name}={shlex.quote(value)}" for name, value in variables.items()),
        'printf "Password for %s in project %s: " "$OS_USERNAME" "$OS_PROJECT_NAME"',
        "stty -echo 2>/dev/null; read -r OS_PASSWORD; stty echo 2>/dev/null; echo",
        "export OS_PASSWORD",
    ]
    return "\n".join(lines) + "\n"
