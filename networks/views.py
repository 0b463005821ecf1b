"""Network and floating IP pages: lists from the mirror, changes through operations."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from dashboard.mirror.sweep import sync_freshness
from dashboard.operations.views import start_from_form
from networks import changes, selectors
from networks.forms import FloatingIPCreateForm, NetworkCreateForm
from networks.tasks import GROUP, SWEEP_INTERVAL


def _project_id(request: HttpRequest) -> str:
    return str(request.keystone.project_id)  # type: ignore[attr-defined]


def _list_page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    """The whole page, or only its table for htmx (it reloads itself after each change)."""
    context["freshness"] = sync_freshness(group=GROUP, interval=SWEEP_INTERVAL)
    return render(request, f"{template}#table" if request.htmx else template, context)  # type: ignore[attr-defined]


def _invalid(request: HttpRequest, template: str, form_id: str, form: object) -> HttpResponse:
    """Re-render the form with its errors in place (status 200: htmx 2 swaps only 2xx)."""
    response = render(request, f"{template}#create_form", {"form": form})
    if request.htmx:  # type: ignore[attr-defined]
        response = reswap(retarget(response, f"#{form_id}"), "outerHTML")
    return response


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    project_id = _project_id(request)
    return _list_page(
        request,
        "networks/network_list.html",
        {"networks": selectors.network_list(project_id=project_id), "form": NetworkCreateForm()},
    )


@login_required
@require_POST
def network_create(request: HttpRequest) -> HttpResponse:
    form = NetworkCreateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, "networks/network_list.html", "network-create-form", form)
    return start_from_form(
        request,
        redirect_to=reverse("networks:network_list"),
        **changes.create_network(form.cleaned_data),
    )


@login_required
@require_POST
def network_delete(request: HttpRequest, network_id: str) -> HttpResponse:
    network = selectors.network_get_owned(project_id=_project_id(request), network_id=network_id)
    if network is None:
        raise Http404("No such network in this project.")
    return start_from_form(
        request,
        redirect_to=reverse("networks:network_list"),
        **changes.delete_network(network),
    )


@login_required
def floating_ip_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "networks/floating_ip_list.html",
        {
            "floating_ips": selectors.floating_ip_list(project_id=_project_id(request)),
            "form": FloatingIPCreateForm(),
        },
    )


@login_required
@require_POST
def floating_ip_create(request: HttpRequest) -> HttpResponse:
    form = FloatingIPCreateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, "networks/floating_ip_list.html", "floating-ip-create-form", form)
    return start_from_form(
        request,
        redirect_to=reverse("networks:floating_ip_list"),
        **changes.allocate_floating_ip(form.cleaned_data),
    )


@login_required
@require_POST
def floating_ip_delete(request: HttpRequest, floating_ip_id: str) -> HttpResponse:
    floating_ip = selectors.floating_ip_get(
        project_id=_project_id(request), floating_ip_id=floating_ip_id
    )
    if floating_ip is None:
        raise Http404("No such floating IP in this project.")
    return start_from_form(
        request,
        redirect_to=reverse("networks:floating_ip_list"),
        **changes.release_floating_ip(floating_ip),
    )
