"""The operations the instances app carries out, by name: each services module lists its own."""

from instances.services import keypairs, servers

ACTIONS = {
    **servers.ACTIONS,
    **keypairs.ACTIONS,
}
