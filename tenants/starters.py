"""What a new trial project gets besides its project, user and quotas, filled from above.

Tenants imports no app above it, so the apps that can make a project's first resources say so
when they start (their `AppConfig.ready`): `starter_register(factory)`. Approving a sign-up asks
every registered factory for its steps and runs them inside the one composite operation that sets
the trial up (`dashboard.operations.composite`), after the project step, whose result is the new
project's id (`done[PROJECT_STEP]`). The networks app registers the ready-to-use network
(`networks.starter`).
"""

from collections.abc import Callable

from dashboard.cloud.connection import Connection
from dashboard.operations.composite import Step
from dashboard.operations.models import Operation

# The name of the step that makes the trial's project; its result is the project's id.
PROJECT_STEP = "project"

# `factory(conn=, operation=) -> steps`: the steps that make one app's starter resources.
StarterFactory = Callable[..., list[Step]]

_factories: list[StarterFactory] = []


def starter_register(factory: StarterFactory) -> None:
    """Give every new trial project the resources `factory`'s steps make (once per factory)."""
    if factory not in _factories:
        _factories.append(factory)


def starter_steps(*, conn: Connection, operation: Operation) -> list[Step]:
    """The steps of every registered factory, in the order they were registered."""
    return [step for factory in _factories for step in factory(conn=conn, operation=operation)]
