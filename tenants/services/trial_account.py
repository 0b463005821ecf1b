"""The try-out cloud's own account (settings.TRIAL_ACCOUNT_*) as an operation's actor: the one
identity, besides an approving admin's, that writes to Keystone, and only through operations on
the record (sign-up, invitations, automatic approvals, the trials' clean-up)."""

from dataclasses import dataclass, field
from datetime import datetime

from dashboard.cloud.identity import trial_account_token


@dataclass
class TrialActor:
    """The try-out cloud's account as an operation's `Actor` (its token is project-scoped)."""

    user_id: str
    user_name: str
    project_id: str
    token: str = field(repr=False)
    expires_at: datetime


def trial_actor() -> TrialActor:
    """A fresh token of the try-out cloud's account, as an Actor. Raises CloudError."""
    token = trial_account_token()
    return TrialActor(
        user_id=token.user_id,
        user_name=token.user_name,
        project_id=token.project_id or "",
        token=token.token,
        expires_at=token.expires_at,
    )
