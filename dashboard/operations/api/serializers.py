from rest_framework import serializers

from dashboard.operations.models import Operation


class OperationSerializer(serializers.ModelSerializer[Operation]):
    """An operation as the API shows it: its description and failure in the request's language
    (Accept-Language), object names and the cloud's own words as they are."""

    params = serializers.JSONField(source="shown_params", read_only=True)
    description = serializers.CharField(read_only=True)
    error_message = serializers.CharField(read_only=True)

    class Meta:
        model = Operation
        fields = [
            "id",
            "action",
            "description",
            "status",
            "target_type",
            "target_id",
            "target_name",
            "result_id",
            "project_id",
            "user_id",
            "user_name",
            "params",
            "error_message",
            "request_id",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
