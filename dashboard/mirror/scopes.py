"""Who sees a mirror row change: the scopes whose change counter a write of that row bumps.

A row belongs to its project's scope; rows every project sees (shared or external networks,
public flavors and images, quota defaults) to the shared scope; key pairs to their user's. Every
change also counts in the all-projects scope, which administrators' pages (the quotas of every
project) follow.
"""

SHARED = "shared"
ALL_PROJECTS = "all-projects"


def project_scope(project_id: str) -> str:
    return f"project:{project_id}"


def user_scope(user_id: str) -> str:
    return f"user:{user_id}"
