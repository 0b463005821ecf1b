from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.operations.api.serializers import OperationSerializer
from dashboard.web.api import ProjectViewSet, operation_started
from dashboard.web.throttling import KeyPairGenerateThrottle
from instances.api.serializers.keypairs import KeyPairSerializer
from instances.filtersets.keypairs import KeyPairFilterSet
from instances.forms.keypairs import KeyPairCreateForm, KeyPairDeleteForm, KeyPairImportForm
from instances.models import KeyPair
from instances.selectors.keypairs import keypair_list


class KeyPairViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ProjectViewSet):
    """The signed-in user's key pairs (the same in each of their projects). POST imports a
    public key; POST `generate/` makes a key pair and answers, this once, with its private key
    beside the import operation (throttled per user: 429 with Retry-After); DELETE deletes. The
    id is `<user id>:<name>`."""

    serializer_class = KeyPairSerializer
    filterset_class = KeyPairFilterSet
    ordering_fields = ["name", "type"]
    input_forms = {"create": KeyPairImportForm, "generate": KeyPairCreateForm}
    # Key pair names may contain dots (the default lookup stops at them).
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[KeyPair]:
        return keypair_list(user_id=self.user_id)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(KeyPairImportForm, request.data)

    @extend_schema(
        responses={
            202: inline_serializer(
                "KeyPairGenerated",
                {
                    "operation": OperationSerializer(),
                    "private_key": serializers.CharField(
                        help_text=_("The private key, shown this once: save it.")
                    ),
                },
            )
        }
    )
    @action(detail=False, methods=["post"], throttle_classes=[KeyPairGenerateThrottle])
    def generate(self, request: Request) -> Response:
        form = self.permitted_form(KeyPairCreateForm, request.data)
        operation = operation_started(request, form.operation_request())
        assert form.generated is not None
        return Response(
            {
                "operation": OperationSerializer(operation).data,
                "private_key": form.generated.private_key,
            },
            status=status.HTTP_202_ACCEPTED,
            headers={"Cache-Control": "no-store"},
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.start_form(KeyPairDeleteForm, {}, self.get_object())
