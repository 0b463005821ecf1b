"""Server lifecycle pages: one POST per option-less action, a form page per action with options,
and bulk start, stop, reboot and delete from the list. Each starts one Operation per server;
what the server's state does not allow is refused with the reason before anything starts."""

from typing import Any

from django.forms import Form
from django.urls import reverse

from dashboard.web.generic import BulkActionView, ObjectActionView, OperationFormView
from instances.changes import Change
from instances.changes.server_actions import (
    associate_server_floating_ip,
    attach_server_interface,
    detach_server_interface,
    disassociate_server_floating_ip,
    rebuild_server,
    rename_server,
    resize_server,
    server_action,
    set_server_security_groups,
    snapshot_server,
)
from instances.forms.server_actions import (
    FloatingIPAssociateForm,
    FloatingIPDisassociateForm,
    InterfaceAttachForm,
    InterfaceDetachForm,
    RebuildForm,
    RenameForm,
    ResizeForm,
    SecurityGroupsForm,
    SnapshotForm,
)
from instances.models import Server
from instances.selectors.servers import server_get

DETAIL = "instances:server_detail"


class ServerActionView(ObjectActionView):
    """An option-less action on one server (the button's URL names it): start, stop, ..."""

    getter = staticmethod(server_get)
    action = ""

    def get_success_url(self, obj: Server) -> str:
        if self.action == "delete":
            return reverse("instances:server_list")
        return reverse(DETAIL, args=[obj.pk])

    def change(self, obj: Server) -> Change:
        return server_action(obj, self.action)


class ServerActionFormView(OperationFormView):
    """An action with options on one server; `build` turns the form's data into the change."""

    getter = staticmethod(server_get)
    form_class: type[Form]

    def get_success_url(self, obj: Server) -> str:
        return reverse(DETAIL, args=[obj.pk])

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        raise NotImplementedError

    def change(self, data: dict[str, Any], obj: Server) -> Change:
        return self.build(obj, data)


class ServerResizeView(ServerActionFormView):
    form_class = ResizeForm
    title = "Resize server “{obj.name_or_id}”"
    submit_label = "Resize"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return resize_server(obj, data)


class ServerRebuildView(ServerActionFormView):
    form_class = RebuildForm
    title = "Rebuild server “{obj.name_or_id}”"
    submit_label = "Rebuild"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return rebuild_server(obj, data)


class ServerRenameView(ServerActionFormView):
    form_class = RenameForm
    title = "Rename server “{obj.name_or_id}”"
    submit_label = "Rename"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return rename_server(obj, data)


class ServerSnapshotView(ServerActionFormView):
    form_class = SnapshotForm
    title = "Create a snapshot of server “{obj.name_or_id}”"
    submit_label = "Create snapshot"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return snapshot_server(obj, data)


class ServerSecurityGroupsView(ServerActionFormView):
    form_class = SecurityGroupsForm
    title = "Security groups of server “{obj.name_or_id}”"
    submit_label = "Apply"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return set_server_security_groups(obj, data)


class ServerInterfaceAttachView(ServerActionFormView):
    form_class = InterfaceAttachForm
    title = "Attach an interface to server “{obj.name_or_id}”"
    submit_label = "Attach"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return attach_server_interface(obj, data)


class ServerInterfaceDetachView(ServerActionFormView):
    form_class = InterfaceDetachForm
    title = "Detach an interface from server “{obj.name_or_id}”"
    submit_label = "Detach"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return detach_server_interface(obj, data)


class ServerFloatingIPAssociateView(ServerActionFormView):
    form_class = FloatingIPAssociateForm
    title = "Associate a floating IP to server “{obj.name_or_id}”"
    submit_label = "Associate"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return associate_server_floating_ip(obj, data)


class ServerFloatingIPDisassociateView(ServerActionFormView):
    form_class = FloatingIPDisassociateForm
    title = "Disassociate a floating IP from server “{obj.name_or_id}”"
    submit_label = "Disassociate"

    def build(self, obj: Server, data: dict[str, Any]) -> Change:
        return disassociate_server_floating_ip(obj, data)


class ServerBulkActionView(BulkActionView):
    """One `action` per selected server; servers whose state does not allow it are reported
    with the reason, the others start."""

    getter = staticmethod(server_get)
    success_url_name = "instances:server_list"
    action = ""

    def change(self, obj: Server) -> Change:
        return server_action(obj, self.action)
