"""The live status box of one operation, and the Activity page."""

from urllib.parse import urlsplit
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, retarget, trigger_client_event

from dashboard.operations.filtersets import OperationFilterSet
from dashboard.operations.models import Operation
from dashboard.operations.selectors import operation_get, operation_list
from dashboard.web.pagination import BoundedPaginator

PAGE_SIZE = 50


def visible_project(request: HttpRequest) -> str | None:
    """Operations a user may see: their project's; every project's for admins."""
    keystone = request.keystone  # type: ignore[attr-defined]
    return None if keystone.is_admin else keystone.project_id


def page_of_deleted_target(request: HttpRequest, operation: Operation) -> str:
    """When `operation` deleted the object whose page the request comes from, the URL of that
    object's list (`<app>:<type>_list`); otherwise ""."""
    path = request.htmx.current_url_abs_path  # type: ignore[attr-defined]
    if operation.status != Operation.Status.SUCCEEDED or not operation.deletes_target or not path:
        return ""
    app_label = operation.action.split(".", 1)[0]
    try:
        page = resolve(urlsplit(path).path)
        list_url = reverse(f"{app_label}:{operation.target_type}_list")
    except (Resolver404, NoReverseMatch):
        return ""
    on_its_page = page.view_name == f"{app_label}:{operation.target_type}_detail" and str(
        page.kwargs.get("pk")
    ) == str(operation.target_id)
    return list_url if on_its_page else ""


def render_operation(request: HttpRequest, operation: Operation) -> HttpResponse:
    """The status box; once finished it stops polling and tells the page what changed. A page
    whose object the operation deleted goes to that object's list, which says so."""
    list_url = page_of_deleted_target(request, operation)
    if list_url:
        messages.success(
            request, _("Done: %(description)s.") % {"description": operation.description}
        )
        return HttpResponseClientRedirect(list_url)
    response = render(request, "operations/operation_status.html", {"operation": operation})
    if operation.is_finished:
        app_label = operation.action.split(".", 1)[0]
        trigger_client_event(response, f"{app_label}:changed", after="receive")
    return response


# Where a refusal goes: the messages area every page has (base.html), so it reaches the user
# whichever page, row or menu the change was sent from; scrolled into view.
MESSAGES_TARGET = "#messages"
MESSAGES_SWAP = "innerHTML show:top"


def show_refusal(request: HttpRequest, message: str, *, redirect_to: str) -> HttpResponse:
    """A change that cannot start: htmx gets the message in the page's messages area, wherever
    the change was sent from; a plain form post is redirected back with it."""
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "operations/refused.html", {"message": message})
        response["HX-Reswap"] = MESSAGES_SWAP  # a swap with a modifier: not django-htmx's reswap()
        return retarget(response, MESSAGES_TARGET)
    messages.error(request, message)
    return redirect(redirect_to)


def answer_started(request: HttpRequest, operation: Operation, *, redirect_to: str) -> HttpResponse:
    """The answer to a change that started: htmx gets the live status box at once; a plain form
    post is redirected back with a message."""
    if request.htmx:  # type: ignore[attr-defined]
        return render_operation(request, operation)
    messages.info(
        request,
        _("Started: %(description)s. Follow it on the Activity page.")
        % {"description": operation.description},
    )
    return redirect(redirect_to)


@login_required
def operation_status(request: HttpRequest, operation_id: UUID) -> HttpResponse:
    operation = operation_get(operation_id=operation_id, project_id=visible_project(request))
    if operation is None:
        raise Http404(_("No such operation in this project."))
    return render_operation(request, operation)


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    project_id = visible_project(request)
    filterset = OperationFilterSet(request.GET, queryset=operation_list(project_id=project_id))
    page = BoundedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "all_projects": project_id is None}
    template = "operations/activity.html#table" if request.htmx else "operations/activity.html"  # type: ignore[attr-defined]
    return render(request, template, context)
