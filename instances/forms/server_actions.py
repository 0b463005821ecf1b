"""Server actions, one form each: the lifecycle rules (`instances.lifecycle`) refuse what the
server's state does not allow, with the reason, before anything is queued; every choice is scoped
to the project (and to the server, `obj`); pages and the API validate with the same form.

The actions without options are forms without fields (a button posts them); the others have a
page of their own. Each names Nova's (or Neutron's) policy rule it needs.
"""

from dataclasses import replace
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dashboard.i18n import Message, gettext_noop
from dashboard.operations.registry import OperationRequest, Service
from dashboard.operations.services import OperationRefused
from dashboard.web.forms import NameField, ProjectForm
from instances.forms.servers import flavor_label
from instances.lifecycle import RULES, mirror_state, refusal
from instances.models import Flavor, Image, Server
from instances.selectors.server_actions import (
    resize_flavor_list,
    server_security_group_ids,
    server_security_group_list,
)
from instances.selectors.servers import (
    launch_image_list,
    launch_network_list,
    launch_port_list,
    server_ports,
)
from instances.services import server_actions as services
from networks.forms.floating_ips import (
    FloatingIPAssociateForm,
    FloatingIPDisassociateForm,
    FloatingIPForm,
)
from networks.models import Network, Port, SecurityGroup


def nova(rule: str) -> tuple[str, str]:
    """One of Nova's policy rules (`dashboard.policies.nova`)."""
    return ("nova", f"os_compute_api:{rule}")


def has_address(server: Server, kind: str) -> bool:
    """Whether Nova shows the server with an address of this kind ("fixed", "floating")."""
    return any(
        address.get("OS-EXT-IPS:type") == kind
        for addresses in server.addresses.values()
        for address in addresses
    )


class ServerActionForm(ProjectForm):
    """An action on one server of the project (`obj`), refused while the server's state does not
    allow it; the operation targets the server, and its service gets the server's id."""

    model = Server
    template_name = "instances/server_action_form.html"
    obj: Server
    intro: str | Promise = ""  # what the action does, shown above the fields

    @classmethod
    def refusal_for(cls, server: Server) -> str:
        """Why the server's state does not allow the action now (the mirror's view, which Nova
        confirms when the operation runs), or "": its button is left out, a post is refused."""
        found = refusal(cls.action, mirror_state(server))
        return "" if found is None else found.about(server.name_or_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if refused := self.refusal_for(self.obj):
            raise OperationRefused(refused)
        return data

    def server_request(
        self,
        service: Service,
        params: dict[str, Any] | None = None,
        *,
        description: Message | None = None,
    ) -> OperationRequest:
        """The operation of `service` on the server, with its options; described by default as
        the action's rule says, with the server's name ("Start server “web-1”")."""
        server = self.obj
        return OperationRequest(
            service=service,
            description=description
            or Message(RULES[self.action].description, {"name": server.name_or_id}),
            target_type="server",
            target_id=server.id,
            target_name=server.name,
            params={"server_id": server.id, **(params or {})},
        )


# ---- actions without options: a button each -----------------------------------------------


class ServerStartForm(ServerActionForm):
    action = "start"
    policy = nova("servers:start")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_start)


class ServerStopForm(ServerActionForm):
    action = "stop"
    policy = nova("servers:stop")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_stop)


class ServerRebootForm(ServerActionForm):
    action = "reboot"
    policy = nova("servers:reboot")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_reboot)


class ServerRebootHardForm(ServerActionForm):
    action = "reboot_hard"
    policy = nova("servers:reboot")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_reboot_hard)


class ServerPauseForm(ServerActionForm):
    action = "pause"
    policy = nova("os-pause-server:pause")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_pause)


class ServerUnpauseForm(ServerActionForm):
    action = "unpause"
    policy = nova("os-pause-server:unpause")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_unpause)


class ServerSuspendForm(ServerActionForm):
    action = "suspend"
    policy = nova("os-suspend-server:suspend")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_suspend)


class ServerResumeForm(ServerActionForm):
    action = "resume"
    policy = nova("os-suspend-server:resume")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_resume)


class ServerLockForm(ServerActionForm):
    action = "lock"
    policy = nova("os-lock-server:lock")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_lock)


class ServerUnlockForm(ServerActionForm):
    action = "unlock"
    policy = nova("os-lock-server:unlock")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_unlock)


class ServerRescueForm(ServerActionForm):
    action = "rescue"
    policy = nova("os-rescue")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_rescue)


class ServerUnrescueForm(ServerActionForm):
    action = "unrescue"
    policy = nova("os-unrescue")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_unrescue)


class ServerShelveForm(ServerActionForm):
    action = "shelve"
    policy = nova("os-shelve:shelve")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_shelve)


class ServerUnshelveForm(ServerActionForm):
    action = "unshelve"
    policy = nova("os-shelve:unshelve")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_unshelve)


class ServerResizeConfirmForm(ServerActionForm):
    action = "resize_confirm"
    policy = nova("servers:confirm_resize")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_resize_confirm)


class ServerResizeRevertForm(ServerActionForm):
    action = "resize_revert"
    policy = nova("servers:revert_resize")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_resize_revert)


class ServerDeleteForm(ServerActionForm):
    action = "delete"
    policy = nova("servers:delete")

    def operation_request(self) -> OperationRequest:
        return self.server_request(services.server_delete)


# ---- actions with options: a page each ------------------------------------------------------


class FlavorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Flavor) -> str:
        return flavor_label(obj)


class ResizeForm(ServerActionForm):
    action = "resize"
    policy = nova("servers:resize")
    intro = _(
        "The server restarts with the new flavor's vCPUs, RAM and disk, then waits for you to "
        "confirm the resize (or revert it) on its page."
    )

    flavor = FlavorChoiceField(queryset=Flavor.objects.none(), empty_label=None, label=_("Flavor"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["flavor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = resize_flavor_list(project_id=self.project_id, server=self.obj)

    def clean_flavor(self) -> Flavor:
        flavor: Flavor = self.cleaned_data["flavor"]
        if 0 < flavor.disk < self.obj.disk:
            raise forms.ValidationError(
                gettext(
                    "%(flavor)s has a %(disk)s GiB disk, smaller than the server's "
                    "%(server_disk)s GiB, and Nova cannot shrink a disk. Choose a flavor with at "
                    "least %(server_disk)s GiB."
                )
                % {"flavor": flavor.name, "disk": flavor.disk, "server_disk": self.obj.disk}
            )
        return flavor

    def operation_request(self) -> OperationRequest:
        flavor: Flavor = self.cleaned_data["flavor"]
        return self.server_request(
            services.server_resize,
            {"flavor_id": flavor.id, "flavor_name": flavor.name},
            description=Message(
                gettext_noop("Resize server “%(name)s” to %(flavor)s"),
                {"name": self.obj.name_or_id, "flavor": flavor.name},
            ),
        )


class RebuildForm(ServerActionForm):
    action = "rebuild"
    policy = nova("servers:rebuild")
    intro = _(
        "Rebuilding replaces the server's disk with a fresh copy of the image: everything "
        "written to the disk is lost. Its addresses, flavor and ID stay."
    )

    image = forms.ModelChoiceField(
        queryset=Image.objects.none(), empty_label=None, label=_("Image")
    )
    name = NameField(
        required=False,
        label=_("Name"),
        help_text=_("A new name for the server; leave empty to keep its name."),
    )

    @classmethod
    def initial_for(cls, obj: Server) -> dict[str, Any]:
        return {"image": obj.image_id}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["image"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = launch_image_list(project_id=self.project_id)

    def operation_request(self) -> OperationRequest:
        image: Image = self.cleaned_data["image"]
        return self.server_request(
            services.server_rebuild,
            {"image_id": image.id, "name": self.cleaned_data["name"]},
            description=Message(
                gettext_noop("Rebuild server “%(name)s” from image “%(image)s”"),
                {"name": self.obj.name_or_id, "image": image.name_or_id},
            ),
        )


class RenameForm(ServerActionForm):
    action = "rename"
    policy = nova("servers:update")

    name = NameField(label=_("Name"))

    @classmethod
    def initial_for(cls, obj: Server) -> dict[str, Any]:
        return {"name": obj.name}

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        return self.server_request(
            services.server_rename,
            {"name": name},
            description=Message(
                gettext_noop("Rename server “%(name)s” to “%(new_name)s”"),
                {"name": self.obj.name_or_id, "new_name": name},
            ),
        )


class SnapshotForm(ServerActionForm):
    action = "snapshot"
    policy = nova("servers:create_image")
    intro = _("The snapshot becomes an image of your project that new servers can boot from.")

    name = NameField(label=_("Snapshot name"))

    @classmethod
    def initial_for(cls, obj: Server) -> dict[str, Any]:
        return {"name": f"{obj.name_or_id}-snapshot"}

    def operation_request(self) -> OperationRequest:
        name = self.cleaned_data["name"]
        return self.server_request(
            services.server_snapshot,
            {"name": name},
            description=Message(
                gettext_noop("Create snapshot “%(snapshot)s” of server “%(name)s”"),
                {"name": self.obj.name_or_id, "snapshot": name},
            ),
        )


class SecurityGroupsForm(ServerActionForm):
    action = "security_groups"
    # The groups are set on the server's ports, through Neutron.
    policy = ("neutron", "update_port")

    security_groups = forms.ModelMultipleChoiceField(
        queryset=SecurityGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Security groups"),
        help_text=_("Every interface of the server gets exactly the groups checked here."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["security_groups"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = server_security_group_list(project_id=self.project_id)
        field.initial = server_security_group_ids(project_id=self.project_id, server_id=self.obj.id)

    def operation_request(self) -> OperationRequest:
        groups: list[SecurityGroup] = list(self.cleaned_data["security_groups"])
        names = ", ".join(f"“{group.name_or_id}”" for group in groups)
        description = (
            Message(
                gettext_noop("Set the security groups of server “%(name)s” to %(groups)s"),
                {"name": self.obj.name_or_id, "groups": names},
            )
            if groups
            else Message(
                gettext_noop("Remove every security group of server “%(name)s”"),
                {"name": self.obj.name_or_id},
            )
        )
        return self.server_request(
            services.server_security_groups,
            {"security_group_ids": [group.id for group in groups]},
            description=description,
        )


class PortChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Port) -> str:
        addresses = ", ".join(fixed["ip_address"] for fixed in obj.fixed_ips) or gettext(
            "no address"
        )
        network = obj.network.name_or_id if obj.network else obj.network_id
        return f"{obj.name_or_id} ({network}: {addresses})"


class InterfaceAttachForm(ServerActionForm):
    action = "interface_attach"
    policy = nova("os-attach-interfaces:create")

    network = forms.ModelChoiceField(
        queryset=Network.objects.none(),
        required=False,
        label=_("Network"),
        help_text=_("Nova makes a new port on this network."),
    )
    port = PortChoiceField(
        queryset=Port.objects.none(),
        required=False,
        label=_("Or an existing port"),
        help_text=_("One of your ports that nothing uses yet."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network, port = self.fields["network"], self.fields["port"]
        assert isinstance(network, forms.ModelChoiceField)
        assert isinstance(port, forms.ModelChoiceField)
        network.queryset = launch_network_list(project_id=self.project_id)
        port.queryset = launch_port_list(project_id=self.project_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("network")) == bool(data.get("port")):
            raise forms.ValidationError(gettext("Choose either a network or a port, not both."))
        return data

    def operation_request(self) -> OperationRequest:
        port: Port | None = self.cleaned_data.get("port")
        name = self.obj.name_or_id
        if port is not None:
            params = {"port_id": port.id}
            description = Message(
                gettext_noop("Attach server “%(name)s” to port “%(port)s”"),
                {"name": name, "port": port.name_or_id},
            )
        else:
            network: Network = self.cleaned_data["network"]
            params = {"network_id": network.id}
            description = Message(
                gettext_noop("Attach server “%(name)s” to network “%(network)s”"),
                {"name": name, "network": network.name_or_id},
            )
        return self.server_request(
            services.server_interface_attach, params, description=description
        )


class InterfaceDetachForm(ServerActionForm):
    action = "interface_detach"
    policy = nova("os-attach-interfaces:delete")
    intro = _("A port Nova made for the server is deleted with the interface; your own ports stay.")

    port = PortChoiceField(queryset=Port.objects.none(), empty_label=None, label=_("Port"))

    @classmethod
    def applies_to(cls, obj: Server) -> bool:
        """Only a server with an address has an interface to detach."""
        return has_address(obj, "fixed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["port"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = server_ports(project_id=self.project_id, server_id=self.obj.id)

    def operation_request(self) -> OperationRequest:
        port: Port = self.cleaned_data["port"]
        return self.server_request(
            services.server_interface_detach,
            {"port_id": port.id},
            description=Message(
                gettext_noop("Detach port “%(port)s” from server “%(name)s”"),
                {"name": self.obj.name_or_id, "port": port.name_or_id},
            ),
        )


# ---- floating IPs: networks' associate and disassociate forms, on the server's page ----------


class ServerFloatingIPForm(ServerActionForm, FloatingIPForm):
    """A floating-IP action of networks (`networks.forms.floating_ips`) on the server's page: the
    form chooses the floating IP, offers the server's ports only, and the operation targets the
    server."""

    model = Server
    chooses_floating_ip = True
    label: ClassVar[StrOrPromise] = ""
    confirm: ClassVar[StrOrPromise] = ""

    def target_ports(self) -> QuerySet[Port]:
        return super().target_ports().filter(device_id=self.obj.id)

    def device_label(self) -> str:
        return gettext("server “%(name)s”") % {"name": self.obj.name_or_id}

    def operation_request(self) -> OperationRequest:
        server = self.obj
        return replace(
            super().operation_request(),
            target_type="server",
            target_id=server.id,
            target_name=server.name,
        )


class ServerFloatingIPAssociateForm(ServerFloatingIPForm, FloatingIPAssociateForm):
    action = "floating_ip_associate"

    @classmethod
    def applies_to(cls, obj: Any) -> bool:
        """A floating IP maps to a fixed address of the server (`obj`)."""
        return has_address(obj, "fixed")


class ServerFloatingIPDisassociateForm(ServerFloatingIPForm, FloatingIPDisassociateForm):
    action = "floating_ip_disassociate"
    intro = _(
        "The floating IP stays allocated to your project; release it on the Floating IPs page."
    )

    @classmethod
    def applies_to(cls, obj: Any) -> bool:
        """The server (`obj`) has a floating IP."""
        return has_address(obj, "floating")
