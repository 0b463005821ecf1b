"""The operations the instances app carries out, by name: each services module lists its own."""

from instances.services import servers

ACTIONS = {
    **servers.ACTIONS,
}
