"""The topology picture: a page that draws the graph and the JSON it fetches again whenever the
mirror changes, from the mirror."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from dashboard.mirror.sweep import sync_freshness
from dashboard.web.generic import ProjectMixin, session_project_id
from networks.selectors.topology import topology_graph
from networks.tasks import GROUP, SWEEP_INTERVAL


class TopologyView(ProjectMixin, TemplateView):
    """The picture, and beside it the same graph as a keyboard-reachable list."""

    template_name = "networks/topology.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not self.request.htmx:  # type: ignore[attr-defined]
            # The picture fetches the graph itself; the list view loads right after the page.
            return super().get_context_data(title=_("Topology"), **kwargs)
        elements = topology_graph(project_id=self.project_id)
        nodes = [element["data"] for element in elements if element["group"] == "nodes"]
        labels = {node["id"]: node["label"] for node in nodes}
        subnets = _grouped([n for n in nodes if n["kind"] == "subnet"], "parent")
        links = _grouped(
            [
                {**edge["data"], "target_label": labels.get(edge["data"]["target"], "")}
                for edge in elements
                if edge["group"] == "edges"
            ],
            "source",
        )
        networks = [
            {**node, "subnets": subnets.get(node["id"], [])}
            for node in nodes
            if node["kind"] == "network"
        ]
        attached = [
            {**node, "links": links.get(node["id"], [])}
            for node in nodes
            if node["kind"] in ("router", "server", "port")
        ]
        return super().get_context_data(
            title=_("Topology"),
            networks=networks,
            attached=attached,
            freshness=sync_freshness(group=GROUP, interval=SWEEP_INTERVAL),
            **kwargs,
        )

    def get_template_names(self) -> list[str]:
        return [f"{self.template_name}#list"] if self.request.htmx else [self.template_name]  # type: ignore[attr-defined]


def _grouped(items: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        grouped.setdefault(item[key], []).append(item)
    return grouped


def topology_data(request: HttpRequest) -> JsonResponse:
    """The graph's elements; the page diffs them against what it shows."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first.")}, status=401)
    return JsonResponse({"elements": topology_graph(project_id=session_project_id(request))})
