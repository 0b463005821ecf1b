"""The topology picture: a page that draws the graph and the JSON it fetches again whenever the
mirror changes, from the mirror."""

import json
from contextlib import suppress
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from redis.exceptions import RedisError

from dashboard.mirror.live import session_mirror_version
from dashboard.mirror.middleware import request_versions
from dashboard.mirror.sweep import sync_freshness
from dashboard.sessions import request_session
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
            if node["kind"] == "subnet":  # its network comes before it
                nodes[node["extra"]["network"]]["subnets"].append(node)
        for row in graph["edges"]:
            edge = dict(zip(EDGE_COLUMNS, row, strict=True))
            edge["target_label"] = nodes[edge["target"]]["label"]
            nodes[edge["source"]]["links"].append(edge)
        return super().get_context_data(
            title=_("Topology"),
            networks=[node for node in nodes if node["kind"] == "network"],
            attached=[node for node in nodes if node["kind"] in ("router", "server", "port")],
            freshness=sync_freshness(
                group=GROUP,
                interval=SWEEP_INTERVAL,
                version=request_versions(self.request).sync_states,
            ),
            **kwargs,
        )

    def get_template_names(self) -> list[str]:
        return [f"{self.template_name}#list"] if self.request.htmx else [self.template_name]  # type: ignore[attr-defined]


# How long a built graph is kept for the mirror version it was built at (the next change makes
# a new version, so this only bounds what unchanged graphs hold in the cache).
GRAPH_CACHE_SECONDS = 600


def _graph_etag(request: HttpRequest) -> str | None:
    """The session's mirror version, in the request's language (labels are translated): the
    graph is the same while it is. None (no ETag) without Redis."""
    with suppress(RedisError):
        return f"{session_mirror_version(request_session(request))}-{get_language()}"
    return None


def topology_data(request: HttpRequest) -> HttpResponse:
    """The laid-out graph (`networks.selectors.topology`) as compact JSON: 304 while the mirror
    version the browser holds it for is still the session's (the browser revalidates every
    time), and built once per version for every tab that asks (the version is read before the
    rows, so a graph is never older than the version it is kept under)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    etag = _graph_etag(request)
    if etag is not None:
        unchanged = get_conditional_response(request, etag=quote_etag(etag))
        if unchanged is not None:
            return unchanged
    key = f"networks:topology:{etag}"
    body = None
    if etag is not None:
        with suppress(RedisError):
            body = cache.get(key)
    if body is None:
        graph = topology_graph(project_id=session_project_id(request))
        body = json.dumps(graph, ensure_ascii=False, separators=(",", ":")).encode()
        if etag is not None:
            with suppress(RedisError):
                cache.set(key, body, GRAPH_CACHE_SECONDS)
    response = HttpResponse(body, content_type="application/json")
    if etag is not None:
        response["ETag"] = quote_etag(etag)
    patch_cache_control(response, private=True, no_cache=True)
    return response
