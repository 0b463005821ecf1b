"""The session project's pages: the overview with its quota usage, and API access (the
endpoints, and clouds.yaml and openrc files to download)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from dashboard.mirror.sweep import sync_freshness
from dashboard.web.generic import session_project_id
from tenants import api_access as access_files
from tenants.selectors.quotas import project_overview
from tenants.selectors.requests import recently_decided, trial_get
from tenants.session import request_keystone
from tenants.tasks import quota_refresh_soon
from tenants.views.quotas import QUOTA_FRESHNESS


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    project_id = session_project_id(request)
    trial = trial_get(project_id=project_id)
    context = {
        # Requests decided lately (a notice), and whether the trial has an end to move.
        "decided_requests": recently_decided(project_id=project_id),
        "may_extend": trial is not None and trial.ends_at is not None,
        "trial": trial,
    }
    return render(request, "tenants/overview.html", context)


@login_required
def overview_usage(request: HttpRequest) -> HttpResponse:
    """The overview's usage panel, from the mirror; while it is watched (it reloads itself),
    the project's quotas are re-read from the cloud in the background."""
    project_id = session_project_id(request)
    quota_refresh_soon(project_id=project_id)
    group, interval = QUOTA_FRESHNESS
    context = {
        "overview": project_overview(project_id=project_id),
        "freshness": sync_freshness(group=group, interval=interval),
    }
    return render(request, "tenants/overview.html#usage", context)


@login_required
def api_access(request: HttpRequest) -> HttpResponse:
    keystone = request_keystone(request)
    endpoints = sorted(keystone.endpoints(), key=lambda e: (e.service_type, e.interface))
    return render(
        request,
        "tenants/api_access.html",
        {"endpoints": endpoints, "auth_url": settings.OPENSTACK_AUTH_URL},
    )


def _download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@login_required
def clouds_yaml(request: HttpRequest) -> HttpResponse:
    keystone = request_keystone(request)
    return _download(access_files.clouds_yaml(keystone), "clouds.yaml", "application/yaml")


@login_required
def openrc(request: HttpRequest) -> HttpResponse:
    keystone = request_keystone(request)
    filename = f"{access_files.cloud_name(keystone)}-openrc.sh"
    return _download(access_files.openrc(keystone), filename, "text/x-shellscript")
