"""The one route of every mailed link (`tenants:link`): it finds the link by its secret and hands
it to the page of its purpose; an unknown, used or expired link gets a page that says why."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string

from tenants.models import OneTimeLink
from tenants.services.links import LinkInvalid, link_find

Purpose = OneTimeLink.Purpose

# Each purpose's page: `view(request, link) -> HttpResponse`; it calls `link_use` when the link
# has done its work (a GET only shows the page, so mail scanners that open links use nothing).
LINK_VIEWS = {
    Purpose.VERIFY_EMAIL: "tenants.views.sign_up.verify_email",
    Purpose.SET_PASSWORD: "tenants.views.sign_up.set_password",
    Purpose.INVITATION: "tenants.views.invitations.invitation_accept",
}


def link_open(request: HttpRequest, secret: str) -> HttpResponse:
    try:
        link = link_find(secret=secret)
    except LinkInvalid as exc:
        return render(request, "tenants/link_invalid.html", {"reason": str(exc)}, status=400)
    view = import_string(LINK_VIEWS[Purpose(link.purpose)])
    response: HttpResponse = view(request, link)
    return response
