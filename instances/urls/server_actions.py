"""Server actions: bulk actions from the list, a button per action without options, a form
page per action with options; each route declares its form."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from instances.forms import server_actions as forms
from instances.views import server_actions as views

urlpatterns = [
    # Bulk actions first: literal paths, never taken for a server id.
    path(
        "instances/bulk/start/",
        views.ServerBulkActionView.as_view(form_class=forms.ServerStartForm),
        name="server_bulk_start",
    ),
    path(
        "instances/bulk/stop/",
        views.ServerBulkActionView.as_view(form_class=forms.ServerStopForm),
        name="server_bulk_stop",
    ),
    path(
        "instances/bulk/reboot/",
        views.ServerBulkActionView.as_view(form_class=forms.ServerRebootForm),
        name="server_bulk_reboot",
    ),
    path(
        "instances/bulk/delete/",
        views.ServerBulkActionView.as_view(form_class=forms.ServerDeleteForm),
        name="server_bulk_delete",
    ),
    # Actions without options: one POST each.
    path(
        "instances/<uuid:pk>/start/",
        views.ServerActionView.as_view(form_class=forms.ServerStartForm),
        name="server_start",
    ),
    path(
        "instances/<uuid:pk>/stop/",
        views.ServerActionView.as_view(form_class=forms.ServerStopForm),
        name="server_stop",
    ),
    path(
        "instances/<uuid:pk>/reboot/",
        views.ServerActionView.as_view(form_class=forms.ServerRebootForm),
        name="server_reboot",
    ),
    path(
        "instances/<uuid:pk>/reboot-hard/",
        views.ServerActionView.as_view(form_class=forms.ServerRebootHardForm),
        name="server_reboot_hard",
    ),
    path(
        "instances/<uuid:pk>/pause/",
        views.ServerActionView.as_view(form_class=forms.ServerPauseForm),
        name="server_pause",
    ),
    path(
        "instances/<uuid:pk>/unpause/",
        views.ServerActionView.as_view(form_class=forms.ServerUnpauseForm),
        name="server_unpause",
    ),
    path(
        "instances/<uuid:pk>/suspend/",
        views.ServerActionView.as_view(form_class=forms.ServerSuspendForm),
        name="server_suspend",
    ),
    path(
        "instances/<uuid:pk>/resume/",
        views.ServerActionView.as_view(form_class=forms.ServerResumeForm),
        name="server_resume",
    ),
    path(
        "instances/<uuid:pk>/lock/",
        views.ServerActionView.as_view(form_class=forms.ServerLockForm),
        name="server_lock",
    ),
    path(
        "instances/<uuid:pk>/unlock/",
        views.ServerActionView.as_view(form_class=forms.ServerUnlockForm),
        name="server_unlock",
    ),
    path(
        "instances/<uuid:pk>/rescue/",
        views.ServerActionView.as_view(form_class=forms.ServerRescueForm),
        name="server_rescue",
    ),
    path(
        "instances/<uuid:pk>/unrescue/",
        views.ServerActionView.as_view(form_class=forms.ServerUnrescueForm),
        name="server_unrescue",
    ),
    path(
        "instances/<uuid:pk>/shelve/",
        views.ServerActionView.as_view(form_class=forms.ServerShelveForm),
        name="server_shelve",
    ),
    path(
        "instances/<uuid:pk>/unshelve/",
        views.ServerActionView.as_view(form_class=forms.ServerUnshelveForm),
        name="server_unshelve",
    ),
    path(
        "instances/<uuid:pk>/resize/confirm/",
        views.ServerActionView.as_view(form_class=forms.ServerResizeConfirmForm),
        name="server_resize_confirm",
    ),
    path(
        "instances/<uuid:pk>/resize/revert/",
        views.ServerActionView.as_view(form_class=forms.ServerResizeRevertForm),
        name="server_resize_revert",
    ),
    path(
        "instances/<uuid:pk>/delete/",
        views.ServerActionView.as_view(form_class=forms.ServerDeleteForm),
        name="server_delete",
    ),
    # Actions with options: a form page each.
    path(
        "instances/<uuid:pk>/resize/",
        views.ServerActionFormView.as_view(
            form_class=forms.ResizeForm,
            title=_("Resize server “{obj.name_or_id}”"),
            submit_label=_("Resize"),
        ),
        name="server_resize",
    ),
    path(
        "instances/<uuid:pk>/rebuild/",
        views.ServerActionFormView.as_view(
            form_class=forms.RebuildForm,
            title=_("Rebuild server “{obj.name_or_id}”"),
            submit_label=_("Rebuild"),
        ),
        name="server_rebuild",
    ),
    path(
        "instances/<uuid:pk>/rename/",
        views.ServerActionFormView.as_view(
            form_class=forms.RenameForm,
            title=_("Rename server “{obj.name_or_id}”"),
            submit_label=_("Rename"),
        ),
        name="server_rename",
    ),
    path(
        "instances/<uuid:pk>/snapshot/",
        views.ServerActionFormView.as_view(
            form_class=forms.SnapshotForm,
            title=_("Create a snapshot of server “{obj.name_or_id}”"),
            submit_label=_("Create snapshot"),
        ),
        name="server_snapshot",
    ),
    path(
        "instances/<uuid:pk>/security-groups/",
        views.ServerActionFormView.as_view(
            form_class=forms.SecurityGroupsForm,
            title=_("Security groups of server “{obj.name_or_id}”"),
            submit_label=_("Apply"),
        ),
        name="server_security_groups",
    ),
    path(
        "instances/<uuid:pk>/interfaces/attach/",
        views.ServerActionFormView.as_view(
            form_class=forms.InterfaceAttachForm,
            title=_("Attach an interface to server “{obj.name_or_id}”"),
            submit_label=_("Attach"),
        ),
        name="server_interface_attach",
    ),
    path(
        "instances/<uuid:pk>/interfaces/detach/",
        views.ServerActionFormView.as_view(
            form_class=forms.InterfaceDetachForm,
            title=_("Detach an interface from server “{obj.name_or_id}”"),
            submit_label=_("Detach"),
        ),
        name="server_interface_detach",
    ),
    path(
        "instances/<uuid:pk>/floating-ips/associate/",
        views.ServerActionFormView.as_view(
            form_class=forms.ServerFloatingIPAssociateForm,
            title=_("Associate a floating IP to server “{obj.name_or_id}”"),
            submit_label=_("Associate"),
        ),
        name="server_floating_ip_associate",
    ),
    path(
        "instances/<uuid:pk>/floating-ips/disassociate/",
        views.ServerActionFormView.as_view(
            form_class=forms.ServerFloatingIPDisassociateForm,
            title=_("Disassociate a floating IP from server “{obj.name_or_id}”"),
            submit_label=_("Disassociate"),
        ),
        name="server_floating_ip_disassociate",
    ),
]
