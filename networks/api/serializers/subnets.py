from rest_framework import serializers

from networks.models import Subnet, SubnetPool


class SubnetSerializer(serializers.ModelSerializer[Subnet]):
    network_name = serializers.CharField(source="network.name", default="", read_only=True)

    class Meta:
        model = Subnet
        fields = [
            "id",
            "name",
            "project_id",
            "network_id",
            "network_name",
            "ip_version",
            "cidr",
            "gateway_ip",
            "enable_dhcp",
            "allocation_pools",
            "dns_nameservers",
            "host_routes",
            "ipv6_ra_mode",
            "ipv6_address_mode",
            "subnetpool_id",
            "description",
            "revision_number",
            "updated_at",
            "synced_at",
        ]
        read_only_fields = fields


class SubnetPoolSerializer(serializers.ModelSerializer[SubnetPool]):
    # Neutron's `shared` as the project reads it: shared with it, or with every project.
    shared = serializers.BooleanField(source="shared_with_project", read_only=True)

    class Meta:
        model = SubnetPool
        fields = [
            "id",
            "name",
            "project_id",
            "ip_version",
            "prefixes",
            "default_prefixlen",
            "min_prefixlen",
            "max_prefixlen",
            "shared",
            "is_default",
            "description",
            "synced_at",
        ]
        read_only_fields = fields
