"""Generic pages over the mirror, written once: lists, details, and forms that start operations.

A resource's views are declarations: a list names its selector, filterset and table; a detail
names its lookup; a change names its form, whose valid data becomes an Operation
(`ProjectForm.operation_request`). Every lookup goes through a selector with the session's
project, so another project's object is a 404; a change the session may not make
(`dashboard.web.permissions`) is a 403.
"""

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails
from django_stubs_ext import StrOrPromise
from django_tables2 import SingleTableMixin
from django_tables2.utils import AttributeDict

from dashboard.mirror.middleware import request_versions
from dashboard.mirror.sweep import sync_freshness
from dashboard.operations.models import Operation
from dashboard.operations.selectors import operation_deleted
from dashboard.operations.services import OperationRefused, operation_start
from dashboard.operations.views import answer_started, render_operation, show_refusal
from dashboard.sessions import CloudSession, request_session, session_request
from dashboard.web.forms import ProjectForm, form_errors_text
from dashboard.web.pagination import BoundedPaginator
from dashboard.web.permissions import (
    action_forms,
    action_url_name,
    allowed_by_policy,
    permitted_actions,
)
from dashboard.web.querysets import built_once
from dashboard.web.text import isolated_text

PAGE_SIZE = 25
# The id of a form on its own page (web/object_form.html and the pages like it).
FORM_ID = "object-form"


def session_project_id(request: HttpRequest) -> str:
    """The project of the signed-in session; every page and API read is scoped to it."""
    return request_session(request).project_id


def app_changed_event(model: type[Model] | None) -> str:
    """The event pages of `model`'s app reload on: one of that app's operations ended
    (`dashboard.operations.views.render_operation` sends it)."""
    return f"{model._meta.app_label}:changed" if model is not None else ""


class ProjectMixin(LoginRequiredMixin):
    """Signed-in users only; `project_id` is the session's project."""

    request: HttpRequest
    kwargs: dict[str, Any]
    url_kwarg = "pk"

    @property
    def session(self) -> CloudSession:
        """The signed-in session (`dashboard.sessions`)."""
        return request_session(self.request)

    @property
    def htmx(self) -> HtmxDetails:
        return session_request(self.request).htmx

    @property
    def project_id(self) -> str:
        return self.session.project_id

    def lookup(self, getter: Callable[..., Model | None], pk: Any) -> Any:
        """The object `pk` through `getter`, a selector scoped to the session's project (views
        of objects a user owns, such as key pairs, scope it to the user instead); or None."""
        return getter(project_id=self.project_id, pk=pk)

    def object_or_404(self, getter: Callable[..., Model | None]) -> Any:
        """The URL's object through `getter` (`lookup`); 404 when the project has no such
        object."""
        obj = self.lookup(getter, self.kwargs[self.url_kwarg])
        if obj is None:
            raise Http404(_("Nothing with this id exists in this project."))
        return obj


class ObjectListView(ProjectMixin, SingleTableMixin, FilterView):  # type: ignore[misc]
    """A paged, sortable, filterable table of the project's objects, from the mirror.

    htmx requests (sorting, paging, filtering, and the reload after an operation ends) get only
    the `#table` partial. Subclasses set `selector` (a staticmethod taking `project_id`, its
    queryset depending on nothing else: it is built once per project, `built_once`),
    `filterset_class`, `table_class`, `template_name`, `title`, and optionally `create_url_name`
    (with `create_action`, the action of its form) and `bulk_delete_url_name`.
    """

    selector: Callable[..., QuerySet[Any]]
    title: StrOrPromise = ""
    create_url_name = ""
    create_action = "create"
    create_label: StrOrPromise = gettext_lazy("Create")
    bulk_delete_url_name = ""
    # The mirror sync group and interval whose freshness the page reports.
    freshness: tuple[str, timedelta]
    # The event that reloads the table (by default its app's: an operation of that app ended).
    changed_event = ""
    table_pagination = {"per_page": PAGE_SIZE, "paginator_class": BoundedPaginator}
    strict = False

    def get_queryset(self) -> QuerySet[Any]:
        return built_once(self.selector, self.project_id).all()

    def get_template_names(self) -> list[str]:
        names: list[str] = super().get_template_names()
        if not self.htmx:
            return names
        # A page template that extends web/object_list.html (say, to add to its intro) has no
        # `#table` partial of its own: Django finds the inherited one under the parent's name.
        return [*(f"{name}#table" for name in names), "web/object_list.html#table"]

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "request": self.request}

    def get_table_pagination(self, table: Any) -> dict[str, Any]:
        """Pages of the user's own page size (their settings), else PAGE_SIZE; `?per_page=` still
        overrides it."""
        per_page = getattr(self.request.user, "page_size", None) or PAGE_SIZE
        return {**super().get_table_pagination(table), "per_page": per_page}

    def get_table(self, **kwargs: Any) -> Any:
        table = super().get_table(**kwargs)
        # The table's sort and page links reload it in place (hx-boost in object_list.html); the
        # links in its rows open their own pages, never boosted into the table.
        table.attrs["tbody"] = AttributeDict({**table.attrs.get("tbody", {}), "hx-boost": "false"})
        if self.filtering:
            # Empty here means nothing matched, not that the project has none (the table's own
            # empty text); the link reloads the whole page, the filter form with it.
            table.empty_text = format_html(
                '{} <a href="{}">{}</a>',
                _("Nothing matches these filters."),
                self.request.path,
                _("Clear the filters"),
            )
        return table

    @property
    def filtering(self) -> bool:
        """Whether the request narrows the list by a search or a filter."""
        query = self.request.GET
        return any(value for name in self.filterset.form.fields for value in query.getlist(name))

    @cached_property
    def allowed_by_policy(self) -> frozenset[str]:
        """The list's model's actions the cloud's policy allows the session (checked once)."""
        return allowed_by_policy(self.session, self.table_class._meta.model)

    def may(self, action: str) -> bool:
        """Whether the list offers `action` (create, delete): the session may take it on this
        model (`dashboard.web.permissions`), or the model declares no form for it."""
        model = self.table_class._meta.model
        if model is None or action not in action_forms(model):
            return True
        return action in self.allowed_by_policy

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        group, interval = self.freshness
        create = self.create_url_name and self.may(self.create_action)
        bulk_delete = self.bulk_delete_url_name and self.may("delete")
        return super().get_context_data(
            title=self.title,
            create_url=reverse(self.create_url_name) if create else "",
            create_label=self.create_label,
            bulk_delete_url=reverse(self.bulk_delete_url_name) if bulk_delete else "",
            changed_event=self.changed_event or app_changed_event(self.table_class._meta.model),
            freshness=sync_freshness(
                group=group,
                interval=interval,
                version=request_versions(self.request).sync_states,
            ),
            **kwargs,
        )


class ObjectDetailView(ProjectMixin, TemplateView):
    """One object and what relates to it, from the mirror; 404 outside the session's project.

    Subclasses set `getter` (a staticmethod taking `project_id` and the URL's object id) and may
    add related rows in `get_related`. When the object leaves the mirror under an open page, the
    page's live reload (`static/js/live.js` sends `X-Live-Refresh`) gets a banner saying who
    deleted the `noun` (by default named after the URL: `networks:floating_ip_detail` is a
    "floating ip"), with a link back to the list (`networks:floating_ip_list`), marked with
    `X-Object-Gone`; every other request for it is a 404.
    """

    getter: Callable[..., Model | None]
    # The event that reloads the page's body (by default its object's app's).
    changed_event = ""
    # The object in the "gone" banner; apps name it in the reader's language (gettext_lazy).
    noun: StrOrPromise = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if not request.headers.get("X-Live-Refresh"):
                raise
            return self.render_gone()

    def render_gone(self) -> HttpResponse:
        match = self.request.resolver_match
        assert match is not None
        name = match.url_name.removesuffix("_detail") if match.url_name else ""
        context = {
            "noun": self.noun or name.replace("_", " "),
            "list_url": reverse(f"{match.namespace}:{name}_list"),
            "operation": operation_deleted(
                project_id=self.project_id, target_id=str(self.kwargs[self.url_kwarg])
            ),
        }
        response = render(self.request, "mirror/gone.html", context)
        response["X-Object-Gone"] = "true"
        return response

    def get_object(self) -> Any:
        return self.object_or_404(self.getter)

    def get_related(self, obj: Any) -> dict[str, Any]:
        return {}

    def get_template_names(self) -> list[str]:
        names = super().get_template_names()
        return [f"{name}#body" for name in names] if self.htmx else names

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        obj = self.get_object()
        may = permitted_actions(self.session, type(obj), obj)
        return super().get_context_data(
            object=obj,
            changed_event=self.changed_event or app_changed_event(type(obj)),
            may=may,
            header_actions=header_actions(obj, may),
            **self.get_related(obj),
            **kwargs,
        )


def header_actions(obj: Model, may: frozenset[str]) -> list[dict[str, Any]]:
    """The buttons of an object's header (`web/object_actions.html`): each permitted action
    whose form has a `label`, in the order the forms are declared; an action without fields is
    a POST (with the form's confirmation), one with fields a link to its form's page."""
    buttons = []
    for action, form_class in action_forms(type(obj)).items():
        if action not in may or not form_class.label:
            continue
        url = reverse(action_url_name(type(obj), action), kwargs={"pk": obj.pk})
        buttons.append(
            {
                "label": form_class.label,
                "url": url,
                "post": not form_class.base_fields,
                "confirm": form_class.confirm.format(
                    obj=isolated_text(getattr(obj, "name_or_id", obj.pk))
                ),
                "danger": action == "delete",
            }
        )
    return buttons


class OperationFormView(ProjectMixin, View):
    """A form whose valid data becomes one Operation: create, edit, or an action with options.

    GET renders the form page; POST validates (the same form the API uses) and answers at once
    with the live status box (htmx) or a redirect with a message; an invalid or refused form
    comes back with its errors in place and nothing is started. Set `form_class`, `title`,
    `submit_label` and `success_url_name` (a route may pass them to `as_view`); views on an
    existing object also set `getter` (as in `ObjectDetailView`) and may give the form
    `initial` values. The session must be permitted the form's action (else 403).
    """

    form_class: type[ProjectForm] = ProjectForm
    template_name = "web/object_form.html"
    title: StrOrPromise = ""
    submit_label: StrOrPromise = gettext_lazy("Save")
    success_url_name = ""
    getter: Callable[..., Model | None] | None = None
    # A form on no object (a create) comes back empty once its operation is queued; one that
    # edits settings without an object (the quota defaults) sets this False.
    empties_after_start = True

    def get_object(self) -> Any:
        obj = None if self.getter is None else self.object_or_404(self.getter)
        self.require_permitted(obj)
        return obj

    def require_permitted(self, obj: Any) -> None:
        """403 unless the session may take the form's action (`dashboard.web.permissions`)."""
        model, action = self.form_class.model, self.form_class.action
        if model is None or not action:
            return
        if action not in permitted_actions(self.session, model, obj):
            raise PermissionDenied(_("You may not do this here: your role, or the object's state."))

    def get_initial(self, obj: Any) -> dict[str, Any]:
        return self.form_class.initial_for(obj)

    def get_form(self, obj: Any, data: Any = None) -> ProjectForm:
        return self.form_class(
            data,
            initial=self.get_initial(obj),
            project_id=self.project_id,
            obj=obj,
            keystone=self.session,
        )

    def get_success_url(self, obj: Any) -> str:
        return reverse(self.success_url_name)

    def get_title(self, obj: Any) -> str:
        return self.title.format(obj=obj)

    def posted_from_its_page(self) -> bool:
        """Whether the request was sent by the form on its own page (`#object-form`), rather
        than by a button elsewhere (a row of a list, a detail page) that posts to this view."""
        return self.htmx.trigger == FORM_ID

    def form_context(self, form: ProjectForm, obj: Any) -> dict[str, Any]:
        return {
            "form": form,
            "object": obj,
            "title": self.get_title(obj),
            "submit_label": self.submit_label,
            "cancel_url": self.get_success_url(obj),
        }

    def render_form(self, form: ProjectForm, obj: Any) -> HttpResponse:
        """The form page; for an htmx post, the invalid form in place of the one sent, or, when a
        button elsewhere sent it, its errors in the messages area of the page it was sent from."""
        if self.htmx and self.request.method == "POST":
            if not self.posted_from_its_page():
                message = form_errors_text(form)
                return show_refusal(self.request, message, redirect_to=self.get_success_url(obj))
            response = render(
                self.request, f"{self.template_name}#form", self.form_context(form, obj)
            )
            return reswap(retarget(response, f"#{FORM_ID}"), "outerHTML")
        return render(self.request, self.template_name, self.form_context(form, obj))

    def with_fresh_form(self, response: HttpResponse, obj: Any) -> HttpResponse:
        """`response` to a started operation, plus, for a create sent from its own page, the form
        as first shown (an out-of-band swap), so what was sent cannot be sent twice by accident.
        A change to an existing object keeps what it sent: a second one would be refused while
        the first runs (one unfinished operation per target)."""
        if obj is None and self.empties_after_start and self.posted_from_its_page():
            context = {**self.form_context(self.get_form(obj), obj), "swap_oob": True}
            response.write(render(self.request, f"{self.template_name}#form", context).content)
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_form(self.get_form(obj), obj)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.get_form(obj, self.request.POST)
        if not form.is_valid():
            # Status 200: htmx 2 swaps only 2xx bodies.
            return self.render_form(form, obj)
        redirect_to = self.get_success_url(obj)
        try:
            started = start_operation(self.request, form)
        except OperationRefused as exc:
            return show_refusal(self.request, str(exc), redirect_to=redirect_to)
        return self.with_fresh_form(answer_started(request, started, redirect_to=redirect_to), obj)


def start_operation(request: HttpRequest, form: ProjectForm) -> Operation:
    """Start the operation a valid form asks for, as the session's user; raises
    OperationRefused (another operation on the target still runs)."""
    return operation_start(actor=request_session(request), request=form.operation_request())


class ObjectActionView(OperationFormView):
    """A POST-only change on one object without options (delete, disassociate, clear gateway):
    its form has no fields; its `clean()` refuses what the mirror shows cannot work (the message
    is shown where the button was; nothing starts)."""

    http_method_names = ["post"]

    def render_form(self, form: ProjectForm, obj: Any) -> HttpResponse:
        message = form_errors_text(form)
        return show_refusal(self.request, message, redirect_to=self.get_success_url(obj))


class BulkActionView(ProjectMixin, View):
    """One Operation per selected object (`pk` values of the POST), e.g. bulk delete, each
    through the action's form (`form_class`, without fields).

    Objects outside the session's project, and those the session may not act on, are skipped as
    if they did not exist; a refusal (a form's, or one already running on that object) is
    reported next to the operations started.
    """

    form_class: type[ProjectForm] = ProjectForm
    getter: Callable[..., Model | None]
    success_url_name = ""
    http_method_names = ["post"]

    def selected(self) -> Iterable[Any]:
        model, action = self.form_class.model, self.form_class.action
        assert model is not None
        for pk in dict.fromkeys(self.request.POST.getlist("pk")):
            obj = self.lookup(self.getter, pk)
            if obj is not None and action in permitted_actions(self.session, model, obj):
                yield obj

    def start(self, obj: Any) -> Operation:
        form = self.form_class({}, project_id=self.project_id, obj=obj, keystone=self.session)
        if not form.is_valid():
            raise OperationRefused(form_errors_text(form))
        return start_operation(self.request, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started, refused = [], []
        for obj in self.selected():
            try:
                started.append(self.start(obj))
            except OperationRefused as exc:
                refused.append(str(exc))
        if not self.htmx:
            for operation in started:
                messages.info(
                    request, _("Started: %(description)s.") % {"description": operation.description}
                )
            for message in refused or ([] if started else [_("Select at least one row first.")]):
                messages.error(request, message)
            return redirect(reverse(self.success_url_name))
        parts = [render_operation(request, operation).content.decode() for operation in started]
        parts += [
            render(request, "operations/refused.html", {"message": message}).content.decode()
            for message in refused or ([] if started else [_("Select at least one row first.")])
        ]
        return HttpResponse("".join(parts))
