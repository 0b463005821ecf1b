"""factory_boy factories for the compute mirror's rows (tests and local demo data only)."""

import uuid
from typing import Any

import factory
from django.utils import timezone

from instances.models import Flavor, FlavorAccess, Image, ImageMember, KeyPair, Server


def _uuid() -> str:
    return str(uuid.uuid4())


def _keystone_id() -> str:
    return uuid.uuid4().hex


class FlavorFactory(factory.django.DjangoModelFactory[Flavor]):
    class Meta:
        model = Flavor

    id = factory.LazyFunction(_uuid)
    name = factory.Sequence(lambda n: f"m1.test{n}")
    synced_at = factory.LazyFunction(timezone.now)
    vcpus = 1
    ram = 64
    disk = 1


class FlavorAccessFactory(factory.django.DjangoModelFactory[FlavorAccess]):
    class Meta:
        model = FlavorAccess

    flavor = factory.SubFactory(FlavorFactory, is_public=False)
    project_id = factory.LazyFunction(_keystone_id)
    id = factory.LazyAttribute(lambda access: f"{access.flavor.id}:{access.project_id}")
    synced_at = factory.LazyFunction(timezone.now)


class ImageFactory(factory.django.DjangoModelFactory[Image]):
    class Meta:
        model = Image

    id = factory.LazyFunction(_uuid)
    project_id = factory.LazyFunction(_keystone_id)
    name = factory.Sequence(lambda n: f"image-{n}")
    synced_at = factory.LazyFunction(timezone.now)
    status = "active"
    visibility = "private"
    disk_format = "raw"
    container_format = "bare"
    size = 4096
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


def _addresses(server: Any) -> dict[str, Any]:
    return {"test-net": [{"version": 4, "addr": "10.0.0.10", "OS-EXT-IPS:type": "fixed"}]}


class ImageMemberFactory(factory.django.DjangoModelFactory[ImageMember]):
    class Meta:
        model = ImageMember

    image = factory.SubFactory(ImageFactory, visibility="shared")
    project_id = factory.LazyFunction(_keystone_id)
    id = factory.LazyAttribute(lambda member: f"{member.image.id}:{member.project_id}")
    synced_at = factory.LazyFunction(timezone.now)
    status = "accepted"


class ServerFactory(factory.django.DjangoModelFactory[Server]):
    class Meta:
        model = Server

    id = factory.LazyFunction(_uuid)
    project_id = factory.LazyFunction(_keystone_id)
    user_id = factory.LazyFunction(_keystone_id)
    name = factory.Sequence(lambda n: f"server-{n}")
    synced_at = factory.LazyFunction(timezone.now)
    status = "ACTIVE"
    vm_state = "active"
    power_state = 1
    flavor_name = "m1.nano"
    vcpus = 1
    ram = 64
    disk = 1
    flavor = factory.LazyAttribute(
        lambda server: {
            "original_name": server.flavor_name,
            "vcpus": server.vcpus,
            "ram": server.ram,
            "disk": server.disk,
            "ephemeral": 0,
            "swap": 0,
            "extra_specs": {},
        }
    )
    image = factory.SubFactory(ImageFactory)
    addresses = factory.LazyAttribute(_addresses)
    security_groups = factory.LazyFunction(lambda: ["default"])
    availability_zone = "nova"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class KeyPairFactory(factory.django.DjangoModelFactory[KeyPair]):
    class Meta:
        model = KeyPair

    user_id = factory.LazyFunction(_keystone_id)
    name = factory.Sequence(lambda n: f"key-{n}")
    id = factory.LazyAttribute(lambda keypair: f"{keypair.user_id}:{keypair.name}")
    synced_at = factory.LazyFunction(timezone.now)
    fingerprint = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99"
    type = "ssh"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@example"
