"""Floating IP pages."""

from typing import Any

from dashboard.web.generic import (
    BulkActionView,
    ObjectActionView,
    ObjectListView,
    OperationFormView,
)
from networks.changes.floating_ips import allocate_floating_ip, release_floating_ip
from networks.filtersets.floating_ips import FloatingIPFilterSet
from networks.forms.floating_ips import FloatingIPCreateForm
from networks.models import FloatingIP
from networks.selectors.floating_ips import floating_ip_get, floating_ip_list
from networks.tables.floating_ips import FloatingIPTable


class FloatingIPListView(ObjectListView):
    selector = staticmethod(floating_ip_list)
    filterset_class = FloatingIPFilterSet
    table_class = FloatingIPTable
    template_name = "web/object_list.html"
    title = "Floating IPs"
    create_url_name = "networks:floating_ip_create"
    create_label = "Allocate floating IP"
    bulk_delete_url_name = "networks:floating_ip_bulk_delete"


class FloatingIPCreateView(OperationFormView):
    form_class = FloatingIPCreateForm
    title = "Allocate floating IP"
    submit_label = "Allocate"
    success_url_name = "networks:floating_ip_list"

    def change(self, data: dict[str, Any], obj: None) -> dict[str, Any]:
        return allocate_floating_ip(data)


class FloatingIPDeleteView(ObjectActionView):
    getter = staticmethod(floating_ip_get)
    success_url_name = "networks:floating_ip_list"

    def change(self, obj: FloatingIP) -> dict[str, Any]:
        return release_floating_ip(obj)


class FloatingIPBulkDeleteView(BulkActionView):
    getter = staticmethod(floating_ip_get)
    success_url_name = "networks:floating_ip_list"

    def change(self, obj: FloatingIP) -> dict[str, Any]:
        return release_floating_ip(obj)
