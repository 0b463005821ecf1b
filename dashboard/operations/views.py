"""The live status box of one operation, and the Activity page."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import trigger_client_event

from dashboard.operations.filtersets import OperationFilterSet
from dashboard.operations.models import Operation
from dashboard.operations.selectors import operation_get, operation_list
from dashboard.operations.services import OperationRefused, operation_start

PAGE_SIZE = 50


def visible_project(request: HttpRequest) -> str | None:
    """Operations a user may see: their project's; every project's for admins."""
    keystone = request.keystone  # type: ignore[attr-defined]
    return None if keystone.is_admin else keystone.project_id


def render_operation(request: HttpRequest, operation: Operation) -> HttpResponse:
    """The status box; once finished it stops polling and tells the page what changed."""
    response = render(request, "operations/operation_status.html", {"operation": operation})
    if operation.is_finished:
        app_label = operation.action.split(".", 1)[0]
        trigger_client_event(response, f"{app_label}:changed", after="receive")
    return response


def show_refusal(request: HttpRequest, message: str, *, redirect_to: str) -> HttpResponse:
    """A change that cannot start: htmx gets the message in place; a plain form post is
    redirected back with it."""
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "operations/refused.html", {"message": message})
    messages.error(request, message)
    return redirect(redirect_to)


def start_from_form(request: HttpRequest, *, redirect_to: str, **operation: Any) -> HttpResponse:
    """Start an operation for a page's form: htmx gets the live status box at once; a plain
    form post is redirected back with a message. A refusal is shown, nothing is started."""
    try:
        started = operation_start(actor=request.keystone, **operation)  # type: ignore[attr-defined]
    except OperationRefused as exc:
        return show_refusal(request, str(exc), redirect_to=redirect_to)
    if request.htmx:  # type: ignore[attr-defined]
        return render_operation(request, started)
    messages.info(request, f"Started: {started.description}. Follow it on the Activity page.")
    return redirect(redirect_to)


@login_required
def operation_status(request: HttpRequest, operation_id: UUID) -> HttpResponse:
    operation = operation_get(operation_id=operation_id, project_id=visible_project(request))
    if operation is None:
        raise Http404("No such operation in this project.")
    return render_operation(request, operation)


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    project_id = visible_project(request)
    filterset = OperationFilterSet(request.GET, queryset=operation_list(project_id=project_id))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "all_projects": project_id is None}
    template = "operations/activity.html#table" if request.htmx else "operations/activity.html"  # type: ignore[attr-defined]
    return render(request, template, context)
