"""Key pair pages. Key pairs belong to the signed-in Keystone user, not to the project, so every
lookup here is by the session's user; another user's key pair is a 404. The import, create and
delete pages are declared in `instances/urls/keypairs.py` with their forms."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dashboard.operations.services import OperationRefused
from dashboard.operations.views import render_operation, show_refusal
from dashboard.sessions import session_request
from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectListView,
    OperationFormView,
    ProjectMixin,
    start_operation,
)
from dashboard.web.throttling import KeyPairGenerateThrottle, throttle_refusal
from instances.filtersets.keypairs import KeyPairFilterSet
from instances.forms.keypairs import GeneratedKeyPair, KeyPairCreateForm, KeyPairDeleteForm
from instances.models import KeyPair
from instances.selectors.keypairs import keypair_get, keypair_list
from instances.tables.keypairs import KeyPairTable

LIST_URL_NAME = "instances:keypair_list"


def private_key_answer(
    request: HttpRequest,
    *,
    status: str,
    name: str,
    generated: GeneratedKeyPair,
    title: StrOrPromise,
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
    htmx = session_request(request).htmx
    response = render(request, f"{template}#created" if htmx else template, context)
    add_never_cache_headers(response)
    return response


class UserMixin(ProjectMixin):
    """Views of the session's user's key pairs (looked up by user, not by project)."""

    @property
    def user_id(self) -> str:
        return self.session.user_id

    def lookup(self, getter: Callable[..., Model | None], pk: Any) -> Model | None:
        """`getter` takes the user, not the project (`instances.selectors.keypairs`)."""
        return getter(user_id=self.user_id, pk=pk)


class KeyPairListView(UserMixin, ObjectListView):
    filterset_class = KeyPairFilterSet
    table_class = KeyPairTable
    template_name = "instances/keypair_list.html"
    title = _("Key Pairs")
    create_url_name = "instances:keypair_create"
    create_label = _("Create key pair")
    bulk_delete_url_name = "instances:keypair_bulk_delete"
    freshness = ("keypairs", timedelta(minutes=5))

    def get_queryset(self) -> QuerySet[KeyPair]:
        return keypair_list(user_id=self.user_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        import_url = reverse("instances:keypair_import") if self.may("import") else ""
        return super().get_context_data(import_url=import_url, **kwargs)


class KeyPairCreateView(OperationFormView):
    """Generate a key pair (as often as the API's generate/ allows); the answer shows its private
    key once (see `instances.forms.keypairs`)."""

    form_class = KeyPairCreateForm
    title = _("Create key pair")
    submit_label = _("Create")
    success_url_name = LIST_URL_NAME

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_permitted(None)
        form = self.get_form(None, request.POST)
        if form.is_valid() and (refusal := throttle_refusal(request, KeyPairGenerateThrottle)):
            form.add_error(None, refusal.message)
        if not form.is_valid():
            return self.render_form(form, None)
        assert isinstance(form, KeyPairCreateForm)
        try:
            operation = start_operation(self.request, form)
        except OperationRefused as exc:
            return show_refusal(request, str(exc), redirect_to=reverse(LIST_URL_NAME))
        assert form.generated is not None
        return private_key_answer(
            self.request,
            status=render_operation(request, operation).content.decode(),
            name=form.cleaned_data["name"],
            generated=form.generated,
            title=self.title,
            back_to=(reverse(LIST_URL_NAME), gettext("Back to key pairs")),
        )


class KeyPairDeleteView(UserMixin, ObjectActionView):
    getter = staticmethod(keypair_get)
    form_class = KeyPairDeleteForm
    success_url_name = LIST_URL_NAME


class KeyPairBulkDeleteView(UserMixin, BulkActionView):
    getter = staticmethod(keypair_get)
    form_class = KeyPairDeleteForm
    success_url_name = LIST_URL_NAME
