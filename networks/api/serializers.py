"""Serializers render the mirror; writes are validated by the forms in `networks.forms`."""

from rest_framework import serializers

from networks.models import FloatingIP, Network


class NetworkSerializer(serializers.ModelSerializer[Network]):
    class Meta:
        model = Network
        fields = [
            "id",
            "name",
            "project_id",
            "status",
            "admin_state_up",
            "shared",
            "router_external",
            "mtu",
            "port_security_enabled",
            "description",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields


class FloatingIPSerializer(serializers.ModelSerializer[FloatingIP]):
    class Meta:
        model = FloatingIP
        fields = [
            "id",
            "floating_ip_address",
            "floating_network_id",
            "fixed_ip_address",
            "port_id",
            "router_id",
            "status",
            "description",
            "project_id",
            "synced_at",
        ]
        read_only_fields = fields
