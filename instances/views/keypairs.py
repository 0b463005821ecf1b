"""Key pair pages. Key pairs belong to the signed-in Keystone user, not to the project, so every
lookup here is by the session's user; another user's key pair is a 404."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View

from dashboard.operations.services import OperationRefused, operation_start
from dashboard.operations.views import render_operation, show_refusal, start_from_form
from dashboard.web.generic import BulkActionView, ObjectListView, OperationFormView, ProjectMixin
from dashboard.web.throttling import KeyPairGenerateThrottle, throttle_refusal
from instances.changes.keypairs import (
    GeneratedKeyPair,
    create_keypair,
    delete_keypair,
    import_keypair,
)
from instances.filtersets.keypairs import KeyPairFilterSet
from instances.forms.keypairs import KeyPairCreateForm, KeyPairImportForm
from instances.models import KeyPair
from instances.selectors.keypairs import keypair_get, keypair_list
from instances.tables.keypairs import KeyPairTable

CHANGED_EVENT = "instances:changed"


def private_key_answer(
    request: HttpRequest,
    *,
    status: str,
    name: str,
    generated: GeneratedKeyPair,
    title: str,
    back_to: tuple[str, str],
) -> HttpResponse:
    """The operations' status boxes and the private key of the key pair they import, shown this
    once (never cached)."""
    context = {
        "status": status,
        "name": name,
        "private_key": generated.private_key,
        "title": title,
        "back_url": back_to[0],
        "back_label": back_to[1],
    }
    template = "instances/keypair_created.html"
    response = render(request, f"{template}#created" if request.htmx else template, context)  # type: ignore[attr-defined]
    add_never_cache_headers(response)
    return response


class UserMixin(ProjectMixin):
    @property
    def user_id(self) -> str:
        return str(self.request.keystone.user_id)  # type: ignore[attr-defined]


class KeyPairListView(UserMixin, ObjectListView):
    filterset_class = KeyPairFilterSet
    table_class = KeyPairTable
    template_name = "instances/keypair_list.html"
    title = "Key Pairs"
    create_url_name = "instances:keypair_create"
    create_label = "Create key pair"
    bulk_delete_url_name = "instances:keypair_bulk_delete"
    freshness = ("keypairs", timedelta(minutes=5))
    changed_event = CHANGED_EVENT

    def get_queryset(self) -> QuerySet[KeyPair]:
        return keypair_list(user_id=self.user_id)


class KeyPairFormView(UserMixin, OperationFormView):
    form_class: type[KeyPairImportForm | KeyPairCreateForm]
    success_url_name = "instances:keypair_list"

    def get_form(self, obj: Any, data: Any = None) -> Form:
        return self.form_class(data, project_id=self.project_id, user_id=self.user_id)


class KeyPairImportView(KeyPairFormView):
    form_class = KeyPairImportForm
    title = "Import key pair"
    submit_label = "Import"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return import_keypair(
            user_id=self.user_id, name=data["name"], public_key=data["public_key"]
        )


class KeyPairCreateView(KeyPairFormView):
    """Generate a key pair (as often as the API's generate/ allows); the answer shows its private
    key once (see instances.changes)."""

    form_class = KeyPairCreateForm
    title = "Create key pair"
    submit_label = "Create"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(None, request.POST)
        if form.is_valid() and (refusal := throttle_refusal(request, KeyPairGenerateThrottle)):
            form.add_error(None, refusal)
        if not form.is_valid():
            return self.render_form(form, None)
        change, generated = create_keypair(user_id=self.user_id, data=form.cleaned_data)
        try:
            operation = operation_start(actor=request.keystone, **change)  # type: ignore[attr-defined]
        except OperationRefused as exc:
            return show_refusal(request, str(exc), redirect_to=reverse("instances:keypair_list"))
        return private_key_answer(
            request,
            status=render_operation(request, operation).content.decode(),
            name=form.cleaned_data["name"],
            generated=generated,
            title=self.title,
            back_to=(reverse("instances:keypair_list"), "Back to key pairs"),
        )


class KeyPairDeleteView(UserMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        keypair = keypair_get(user_id=self.user_id, pk=pk)
        if keypair is None:
            raise Http404("You have no key pair of that name.")
        return start_from_form(
            request, redirect_to=reverse("instances:keypair_list"), **delete_keypair(keypair)
        )


class KeyPairBulkDeleteView(UserMixin, BulkActionView):
    success_url_name = "instances:keypair_list"

    def selected(self) -> Iterable[KeyPair]:
        for pk in dict.fromkeys(self.request.POST.getlist("pk")):
            keypair = keypair_get(user_id=self.user_id, pk=pk)
            if keypair is not None:
                yield keypair

    def change(self, obj: KeyPair) -> dict[str, Any]:
        return delete_keypair(obj)
