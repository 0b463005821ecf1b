from rest_framework import serializers

from instances.models import Server


class ServerSerializer(serializers.ModelSerializer[Server]):
    class Meta:
        model = Server
        fields = [
            "id",
            "name",
            "project_id",
            "user_id",
            "status",
            "task_state",
            "vm_state",
            "power_state",
            "addresses",
            "flavor_name",
            "vcpus",
            "ram",
            "disk",
            "image_id",
            "key_name",
            "security_groups",
            "availability_zone",
            "metadata",
            "fault",
            "volumes_attached",
            "locked",
            "description",
            "created_at",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields
