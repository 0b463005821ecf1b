"""Server pages: the list (rows follow the mirror live), the detail, the launch form, and the
live reads of one server (console link, console log, action log; see `instances.console`)."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from dashboard.cloud.errors import CloudError
from dashboard.operations.services import OperationRefused, operation_start
from dashboard.operations.views import render_operation, show_refusal
from dashboard.web.generic import (
    ObjectDetailView,
    ObjectListView,
    OperationFormView,
    ProjectMixin,
)
from dashboard.web.throttling import ServerLiveThrottle, throttle_refusal
from instances.console import (
    CONSOLE_LOG_LINES,
    action_log_list,
    console_link_create,
    console_log_read,
    live_connection,
    live_reads_allowed,
)
from instances.filtersets.servers import ServerFilterSet
from instances.forms.servers import GiB, MiB, ServerLaunchForm, launch_quota_preview
from instances.lifecycle import task_words
from instances.models import Server
from instances.selectors.servers import (
    launch_flavor_list,
    server_floating_ips,
    server_get,
    server_list,
    server_ports,
)
from instances.tables.servers import (
    ServerTable,
    is_transitional,
    render_addresses,
    render_status,
)
from instances.views.keypairs import private_key_answer

# Servers are polled every 10 s (Nova changes-since) and swept every 5 minutes.
FRESHNESS = ("servers", timedelta(seconds=10))
DETAIL_TEMPLATE = "instances/server_detail.html"
# The bulk actions besides delete (instances.urls.server_actions), as the list offers them.
BULK_ACTIONS = [
    ("start", _("Start selected")),
    ("stop", _("Stop selected")),
    ("reboot", _("Reboot selected")),
]


class ServerListView(ObjectListView):
    selector = staticmethod(server_list)
    filterset_class = ServerFilterSet
    table_class = ServerTable
    template_name = "instances/server_list.html"
    title = _("Instances")
    create_url_name = "instances:server_launch"
    create_action = "launch"
    create_label = _("Launch instance")
    bulk_delete_url_name = "instances:server_bulk_delete"
    freshness = FRESHNESS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bulk_actions = [
            (f"instances:server_bulk_{action}", label)
            for action, label in BULK_ACTIONS
            if self.may(action)
        ]
        return super().get_context_data(bulk_actions=bulk_actions, **kwargs)


class ServerObjectMixin(ProjectMixin):
    """Views of one of the project's servers (404 for any other). Server ids are UUIDs, and
    the routes say so: `instances/<uuid>/...` never shadows a literal path such as a bulk
    action's."""

    kwargs: dict[str, Any]

    def get_server(self) -> Server:
        server = server_get(project_id=self.project_id, pk=str(self.kwargs["pk"]))
        if server is None:
            raise Http404(gettext("No such server in this project."))
        return server


class ServerRowView(ServerObjectMixin, View):
    """One row of the list, as the mirror has it now: a transitional row reloads itself."""

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        table = ServerTable([self.get_server()], project_id=self.project_id, request=request)
        return render(request, "instances/server_row.html", {"table": table})


class ServerDetailView(ObjectDetailView):
    getter = staticmethod(server_get)
    noun = _("instance")
    template_name = DETAIL_TEMPLATE

    def get_related(self, obj: Server) -> dict[str, Any]:
        floating_ips = server_floating_ips(project_id=self.project_id, server_ids=[obj.pk])
        by_address = floating_ips.get(obj.pk, {})
        ports = list(server_ports(project_id=self.project_id, server_id=obj.pk))
        for port in ports:
            port.floating_ips_shown = [  # type: ignore[attr-defined]
                address
                for entry in port.fixed_ips
                for address in by_address.get(entry.get("ip_address", ""), [])
            ]
        return {
            "server": obj,
            "status": render_status(obj),
            "addresses": render_addresses(obj, by_address),
            "ports": ports,
            "floating_ips": by_address,
            "transitional": is_transitional(obj),
            "task": task_words(obj.task_state) if obj.task_state else "",
            "ram": filesizeformat(obj.ram * MiB),
            "disk": filesizeformat(obj.disk * GiB),
            "title": gettext("Instance “%(name)s”") % {"name": obj.name_or_id},
            "live_reads": live_reads_allowed(self.session),
        }


class ServerLaunchView(OperationFormView):
    """The launch form; a valid launch of N servers starts N operations, one per server."""

    form_class = ServerLaunchForm
    template_name = "instances/server_launch.html"
    title = _("Launch instance")
    submit_label = _("Launch")
    success_url_name = "instances:server_list"

    def get_form(self, obj: Any, data: Any = None) -> ServerLaunchForm:
        return ServerLaunchForm(
            data,
            self.request.FILES if data is not None else None,
            project_id=self.project_id,
            keystone=self.session,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_permitted(None)
        form = self.get_form(None, request.POST)
        if not form.is_valid():
            return self.render_form(form, None)
        redirect_to = reverse(self.success_url_name)
        try:
            started = [
                operation_start(actor=self.session, request=operation_request)
                for operation_request in form.operation_requests()
            ]
        except OperationRefused as exc:
            return show_refusal(self.request, str(exc), redirect_to=redirect_to)
        statuses = "".join(
            render_operation(request, operation).content.decode() for operation in started
        )
        if form.generated_keypair is not None:
            return private_key_answer(
                self.request,
                status=statuses,
                name=form.cleaned_data["key_name"],
                generated=form.generated_keypair,
                title=self.title,
                back_to=(redirect_to, gettext("Back to instances")),
            )
        if not self.htmx:
            for operation in started:
                messages.info(
                    request,
                    gettext("Started: %(description)s.") % {"description": operation.description},
                )
            return redirect(redirect_to)
        return self.with_fresh_form(HttpResponse(statuses), None)


class ServerLaunchQuotaView(ProjectMixin, View):
    """The launch form's quota box for the flavor and count chosen so far (from the mirror)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        flavor_id = request.GET.get("flavor_id", "")
        flavor = launch_flavor_list(project_id=self.project_id).filter(pk=flavor_id).first()
        quota = launch_quota_preview(
            project_id=self.project_id, flavor=flavor, count=request.GET.get("count")
        )
        return render(request, "instances/server_launch.html#quota", {"quota": quota})


def _live(response: HttpResponse) -> HttpResponse:
    """Live answers from Nova are never cached (a console URL is a one-time credential)."""
    add_never_cache_headers(response)
    return response


class LivePartialView(ServerObjectMixin, View):
    """A partial of the detail page filled by a live read from Nova, with the user's token (as
    often as the API's live reads allow); when Nova fails or the user asks too often, the partial
    shows why instead."""

    partial = ""

    def read(self, *, conn: Any, server: Server) -> dict[str, Any]:
        raise NotImplementedError

    def respond(self, request: HttpRequest) -> HttpResponse:
        server = self.get_server()
        context: dict[str, Any] = {"server": server, "loaded": True}
        if refusal := throttle_refusal(request, ServerLiveThrottle):
            context["error"] = refusal.message
        else:
            try:
                conn = live_connection(self.session)
                context.update(self.read(conn=conn, server=server))
            except CloudError as exc:
                context["error"] = str(exc)
        return _live(render(request, f"{DETAIL_TEMPLATE}#{self.partial}", context))

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        return self.respond(request)


class ServerConsoleView(LivePartialView):
    """Mint a console link on click; see `instances.console` for why this is not an Operation."""

    http_method_names = ["post"]
    partial = "console_link"

    def read(self, *, conn: Any, server: Server) -> dict[str, Any]:
        return {"console": console_link_create(conn=conn, server=server)}

    def post(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        return self.respond(request)


class ServerConsoleLogView(LivePartialView):
    """The end of the console log, lazy-loaded into the detail page."""

    partial = "console_log"

    def read(self, *, conn: Any, server: Server) -> dict[str, Any]:
        log = console_log_read(conn=conn, server=server, lines=CONSOLE_LOG_LINES)
        return {"console_log": log, "lines": CONSOLE_LOG_LINES}


class ServerActionLogView(LivePartialView):
    """Nova's action log of the server, lazy-loaded into the detail page."""

    partial = "action_log"

    def read(self, *, conn: Any, server: Server) -> dict[str, Any]:
        return {"actions": action_log_list(conn=conn, server=server)}


class ServerConsoleLogDownloadView(ServerObjectMixin, View):
    """The whole console log as a text file."""

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        server = self.get_server()
        if refusal := throttle_refusal(request, ServerLiveThrottle):
            return _live(
                refusal.with_retry_after(
                    HttpResponse(refusal.message, status=429, content_type="text/plain")
                )
            )
        try:
            log = console_log_read(
                conn=live_connection(self.session),
                server=server,
            )
        except CloudError as exc:
            return _live(HttpResponse(str(exc), status=502, content_type="text/plain"))
        response = HttpResponse(log, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"console-{server.name_or_id}.log"
        )
        return _live(response)
