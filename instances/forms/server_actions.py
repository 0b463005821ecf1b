"""Forms of the server actions that take options; every choice is scoped to the project (and to
the server, `obj`), and pages and the API validate with the same form."""

from typing import Any

from django import forms

from dashboard.web.forms import NameField, ProjectForm
from instances.models import Flavor, Image, Server
from instances.selectors.server_actions import (
    free_floating_ip_list,
    resize_flavor_list,
    server_fixed_addresses,
    server_floating_ip_list,
    server_security_group_ids,
    server_security_group_list,
)
from instances.selectors.servers import (
    launch_image_list,
    launch_network_list,
    launch_port_list,
    server_ports,
)
from networks.models import FloatingIP, Network, Port, SecurityGroup
from networks.selectors.floating_ips import unreachable_reason
from networks.selectors.networks import external_network_list


class ServerActionForm(ProjectForm):
    """A form about one server of the project (`obj`)."""

    template_name = "instances/server_action_form.html"
    obj: Server
    intro = ""  # what the action does, shown above the fields


class FlavorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Flavor) -> str:
        return f"{obj.name} ({obj.vcpus} vCPU, {obj.ram} MiB RAM, {obj.disk} GiB disk)"


class ResizeForm(ServerActionForm):
    intro = (
        "The server restarts with the new flavor's vCPUs, RAM and disk, then waits for you to "
        "confirm the resize (or revert it) on its page."
    )

    flavor = FlavorChoiceField(queryset=Flavor.objects.none(), empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["flavor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = resize_flavor_list(project_id=self.project_id, server=self.obj)

    def clean_flavor(self) -> Flavor:
        flavor: Flavor = self.cleaned_data["flavor"]
        if 0 < flavor.disk < self.obj.disk:
            raise forms.ValidationError(
                f"{flavor.name} has a {flavor.disk} GiB disk, smaller than the server's "
                f"{self.obj.disk} GiB, and Nova cannot shrink a disk. Choose a flavor with at "
                f"least {self.obj.disk} GiB."
            )
        return flavor


class RebuildForm(ServerActionForm):
    intro = (
        "Rebuilding replaces the server's disk with a fresh copy of the image: everything "
        "written to the disk is lost. Its addresses, flavor and ID stay."
    )

    image = forms.ModelChoiceField(queryset=Image.objects.none(), empty_label=None)
    name = NameField(
        required=False,
        help_text="A new name for the server; leave empty to keep its name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["image"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = launch_image_list(project_id=self.project_id)
        field.initial = self.obj.image_id


class RenameForm(ServerActionForm):
    name = NameField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = self.obj.name


class SnapshotForm(ServerActionForm):
    intro = "The snapshot becomes an image of your project that new servers can boot from."

    name = NameField(label="Snapshot name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = f"{self.obj.name_or_id}-snapshot"


class SecurityGroupsForm(ServerActionForm):
    security_groups = forms.ModelMultipleChoiceField(
        queryset=SecurityGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every interface of the server gets exactly the groups checked here.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["security_groups"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = server_security_group_list(project_id=self.project_id)
        field.initial = server_security_group_ids(project_id=self.project_id, server_id=self.obj.id)


class PortChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Port) -> str:
        addresses = ", ".join(fixed["ip_address"] for fixed in obj.fixed_ips) or "no address"
        network = obj.network.name_or_id if obj.network else obj.network_id
        return f"{obj.name_or_id} ({network}: {addresses})"


class InterfaceAttachForm(ServerActionForm):
    network = forms.ModelChoiceField(
        queryset=Network.objects.none(),
        required=False,
        help_text="Nova makes a new port on this network.",
    )
    port = PortChoiceField(
        queryset=Port.objects.none(),
        required=False,
        label="Or an existing port",
        help_text="One of your ports that nothing uses yet.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network, port = self.fields["network"], self.fields["port"]
        assert isinstance(network, forms.ModelChoiceField)
        assert isinstance(port, forms.ModelChoiceField)
        network.queryset = launch_network_list(project_id=self.project_id)
        port.queryset = launch_port_list(project_id=self.project_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("network")) == bool(data.get("port")):
            raise forms.ValidationError("Choose either a network or a port, not both.")
        return data


class InterfaceDetachForm(ServerActionForm):
    intro = "A port Nova made for the server is deleted with the interface; your own ports stay."

    port = PortChoiceField(queryset=Port.objects.none(), empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["port"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = server_ports(project_id=self.project_id, server_id=self.obj.id)


class FloatingIPChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: FloatingIP) -> str:
        mapped = f" → {obj.fixed_ip_address}" if obj.fixed_ip_address else ""
        return f"{obj.floating_ip_address}{mapped}"


class FloatingIPAssociateForm(ServerActionForm):
    address = forms.ChoiceField(
        label="Server address", help_text="The fixed address the floating IP maps to."
    )
    floating_ip = FloatingIPChoiceField(
        queryset=FloatingIP.objects.none(),
        required=False,
        label="Floating IP",
        help_text="One of your project's floating IPs that is mapped to nothing.",
    )
    floating_network = forms.ModelChoiceField(
        queryset=Network.objects.none(),
        required=False,
        label="Or allocate a new one from",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = {
            f"{port.id}/{address}": (port, address)
            for port, address in server_fixed_addresses(
                project_id=self.project_id, server_id=self.obj.id
            )
        }
        address = self.fields["address"]
        floating_ip, network = self.fields["floating_ip"], self.fields["floating_network"]
        assert isinstance(address, forms.ChoiceField)
        assert isinstance(floating_ip, forms.ModelChoiceField)
        assert isinstance(network, forms.ModelChoiceField)
        address.choices = [
            (key, f"{ip} (port “{port.name_or_id}”)") for key, (port, ip) in self.addresses.items()
        ]
        address.error_messages["invalid_choice"] = (
            "This is not an IPv4 address of the server. Choose one of its addresses."
        )
        floating_ip.queryset = free_floating_ip_list(project_id=self.project_id)
        network.queryset = external_network_list(project_id=self.project_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floating_ip, network = data.get("floating_ip"), data.get("floating_network")
        if bool(floating_ip) == bool(network):
            raise forms.ValidationError(
                "Choose either one of your floating IPs or an external network to allocate a "
                "new one from, not both."
            )
        if "address" not in data:
            return data
        port, fixed_ip_address = self.addresses[data["address"]]
        data.update(port_id=port.id, fixed_ip_address=fixed_ip_address)
        external = floating_ip.floating_network if floating_ip else network
        subnet_id = next(
            fixed["subnet_id"]
            for fixed in port.fixed_ips
            if fixed["ip_address"] == fixed_ip_address
        )
        if external is not None and (
            reason := unreachable_reason(
                project_id=self.project_id,
                subnet_id=subnet_id,
                external_network_id=external.id,
                external_network_name=external.name_or_id,
            )
        ):
            self.add_error("address", reason)
        return data


class FloatingIPDisassociateForm(ServerActionForm):
    intro = "The floating IP stays allocated to your project; release it on the Floating IPs page."

    floating_ip = FloatingIPChoiceField(
        queryset=FloatingIP.objects.none(), empty_label=None, label="Floating IP"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["floating_ip"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = server_floating_ip_list(project_id=self.project_id, server_id=self.obj.id)
