"""The operations the tenants app carries out, by name: each services module lists its own."""

from tenants.services import quotas

ACTIONS = {
    **quotas.ACTIONS,
}
