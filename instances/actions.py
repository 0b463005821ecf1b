"""The operations the instances app carries out, by name: each services module lists its own."""

from instances.services import keypairs, server_actions, servers

ACTIONS = {
    **servers.ACTIONS,
    **server_actions.ACTIONS,
    **keypairs.ACTIONS,
}
