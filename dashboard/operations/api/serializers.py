from rest_framework import serializers

from dashboard.operations.models import Operation


class OperationSerializer(serializers.ModelSerializer[Operation]):
    params = serializers.JSONField(source="shown_params", read_only=True)

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
