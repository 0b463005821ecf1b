"""Quota usage as the API shows it."""

from typing import Any

from rest_framework import serializers

from tenants.resources import MAIN_RESOURCES
from tenants.selectors.quotas import QuotaUsage, highest_use, quota_resource_usage


class QuotaUsageSerializer(serializers.Serializer[QuotaUsage]):
    """One quota: `limit` -1 is unlimited, null not synced yet; `percent` null when unlimited."""

    service = serializers.CharField(source="resource.service")
    resource = serializers.CharField(source="resource.resource")
    # The API's field `label` shadows `Field.label` (its own caption) in DRF's stubs.
    label = serializers.CharField(source="resource.label")  # type: ignore[assignment]
    limit = serializers.IntegerField(allow_null=True)
    in_use = serializers.IntegerField()
    reserved = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class ProjectOverviewSerializer(serializers.Serializer[Any]):
    """The session project's usage: the Overview page's figures."""

    project_id = serializers.CharField()
    running_instances = serializers.IntegerField()
    allocated_floating_ips = serializers.IntegerField()
    synced_at = serializers.DateTimeField(allow_null=True)
    quotas = QuotaUsageSerializer(many=True)


class ProjectQuotaRowSerializer(serializers.Serializer[dict[str, Any]]):
    """One project of the administrators' table: its use of each main resource."""

    project_id = serializers.CharField()
    project_name = serializers.CharField()
    highest_use = serializers.SerializerMethodField()
    usage = serializers.SerializerMethodField()

    def get_highest_use(self, row: dict[str, Any]) -> int:
        """The highest share of a limit in use, in percent."""
        return highest_use(row)

    def get_usage(self, row: dict[str, Any]) -> dict[str, dict[str, int | None]]:
        cells = (quota_resource_usage(row=row, resource=r) for r in MAIN_RESOURCES)
        return {cell.resource.key: {"limit": cell.limit, "in_use": cell.in_use} for cell in cells}
