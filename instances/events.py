"""Nova's and Glance's notifications, as the mirror's notification listener reads them
(`dashboard.mirror.notifications`): the servers, key pairs and images each names, and the rows
that go with a server.

Nova publishes its legacy (unversioned) notifications to its `nova` exchange:
`compute.instance.*`, every payload with the server's `instance_id`, and `keypair.create.end`,
`keypair.import.end`, `keypair.delete.end` with `user_id` and `key_name` (the caller's user: an
admin making a key pair for someone else is caught by beat's sweep of key pairs). Glance
publishes `image.create`, `image.update`, `image.upload`, `image.activate`, `image.delete` (the
image in the payload, `id`) and `image.member.create`/`.update`/`.delete` (`image_id`,
`member_id`) to its `glance` exchange; `image.send` and `image.prepare` change nothing.
"""

from collections.abc import Mapping
from typing import Any

from dashboard.mirror.notifications import AppEvents, Dependent, EventResource, Target
from instances.models import Image, KeyPair, Server
from instances.reconcile import (
    keypair_id,
    reconcile_images,
    reconcile_keypairs_by_id,
    reconcile_servers,
)

KEYPAIR_EVENTS = ("keypair.create.end", "keypair.import.end", "keypair.delete.end")
IMAGE_EVENTS = ("image.create", "image.update", "image.upload", "image.activate", "image.delete")
IMAGE_MEMBER_EVENTS = ("image.member.create", "image.member.update", "image.member.delete")


def nova_targets(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    """The server or key pair a Nova notification says changed; pure, [] for any other event."""
    if event_type.startswith("compute.instance."):
        server_id = payload.get("instance_id")
        return [Target("servers", str(server_id))] if server_id else []
    if event_type in KEYPAIR_EVENTS and payload.get("user_id") and payload.get("key_name"):
        keypair = keypair_id(user_id=str(payload["user_id"]), name=str(payload["key_name"]))
        return [Target("keypairs", keypair)]
    return []


def glance_targets(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    """The image a Glance notification says changed (a member's change is its image's: the
    image's pass reads its members); pure, [] for any other event."""
    if event_type in IMAGE_EVENTS:
        image_id = payload.get("id")
    elif event_type in IMAGE_MEMBER_EVENTS:
        image_id = payload.get("image_id")
    else:
        return []
    return [Target("images", str(image_id))] if image_id else []


def instances_targets(event_type: str, payload: Mapping[str, Any]) -> list[Target]:
    """What a Nova or Glance notification names (their event types do not overlap)."""
    return nova_targets(event_type, payload) + glance_targets(event_type, payload)


EVENTS = AppEvents(
    exchanges=("nova", "glance"),
    targets=instances_targets,
    resources=(
        EventResource(
            name="servers",
            reconcile=reconcile_servers,
            model=Server,
            # A deleted server's ports go with it (those Nova made for it) or are detached.
            dependents=(Dependent("ports", "device_id"),),
        ),
        EventResource(name="keypairs", reconcile=reconcile_keypairs_by_id, model=KeyPair),
        # Reconciling an image by id reads its members too (and drops them with it).
        EventResource(name="images", reconcile=reconcile_images, model=Image),
    ),
)
