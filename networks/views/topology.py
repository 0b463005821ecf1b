"""The topology picture: a page that draws the graph and the JSON it fetches again whenever the
mirror changes, from the mirror."""

from contextlib import suppress
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from django.views.generic import TemplateView
from redis.exceptions import RedisError

from dashboard.mirror.live import session_mirror_version
from dashboard.mirror.sweep import sync_freshness
from dashboard.web.generic import ProjectMixin, session_project_id
from networks.selectors.topology import EDGE_COLUMNS, NODE_COLUMNS, URL_ID, topology_graph
from networks.tasks import GROUP, SWEEP_INTERVAL


class TopologyView(ProjectMixin, TemplateView):
    """The picture, and beside it the same graph as a keyboard-reachable list."""

    template_name = "networks/topology.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not self.request.htmx:  # type: ignore[attr-defined]
            # The picture fetches the graph itself; the list view loads once scrolled to.
            return super().get_context_data(title=_("Topology"), **kwargs)
        graph = topology_graph(project_id=self.project_id)
        urls = graph["urls"]
        nodes = [
            {**dict(zip(NODE_COLUMNS, row, strict=False)), "links": [], "subnets": []}
            for row in graph["nodes"]
        ]
        for node in nodes:
            template = urls.get(node["kind"])
            node["url"] = template.replace(URL_ID, node["id"]) if template else ""
        for node in nodes:
            if node["kind"] == "subnet":
                nodes[node["extra"]["network"]]["subnets"].append(node)
        for row in graph["edges"]:
            edge = dict(zip(EDGE_COLUMNS, row, strict=True))
            edge["target_label"] = nodes[edge["target"]]["label"]
            nodes[edge["source"]]["links"].append(edge)
        return super().get_context_data(
            title=_("Topology"),
            networks=[node for node in nodes if node["kind"] == "network"],
            attached=[node for node in nodes if node["kind"] in ("router", "server", "port")],
            freshness=sync_freshness(group=GROUP, interval=SWEEP_INTERVAL),
            **kwargs,
        )

    def get_template_names(self) -> list[str]:
        return [f"{self.template_name}#list"] if self.request.htmx else [self.template_name]  # type: ignore[attr-defined]


def _graph_etag(request: HttpRequest) -> str | None:
    """The session's mirror version, in the request's language (labels are translated): the
    graph is the same while it is. None (no ETag) without a session or Redis."""
    keystone = getattr(request, "keystone", None)
    if keystone is None:
        return None
    with suppress(RedisError):
        return f"{session_mirror_version(keystone)}-{get_language()}"
    return None


@condition(etag_func=_graph_etag)
def topology_data(request: HttpRequest) -> HttpResponse:
    """The laid-out graph (`networks.selectors.topology`); 304 while the mirror version the
    browser holds it for is still the session's. The browser revalidates every time."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    response = JsonResponse(topology_graph(project_id=session_project_id(request)))
    patch_cache_control(response, private=True, no_cache=True)
    return response
