"""Inviting a colleague into the session's project, and accepting an invitation.

Who may invite: a member of the project, not a reader. Keystone's default policy lets neither
create users nor assign roles (both need the admin role, or a domain manager's), so the
invitee is added by the try-out cloud's own account, inside an operation on the record; the
dashboard decides who may ask for that. Keystone's default roles imply one another (admin →
member → reader, manager → member), and a token carries the implied roles too: holding `member`
is what writing to the project's resources takes under the clouds' default policies, so a
reader, who may only read, may not bring others in. An inviter offers only the roles of
settings.INVITATION_ROLES that they hold themselves, so nobody gives more than they have.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashboard.cloud.errors import CloudError
from dashboard.cloud.identity import trial_account_configured
from dashboard.sessions import CloudSession
from tenants.forms.passwords import NewPasswordForm
from tenants.models import Language
from tenants.selectors.invitations import invitation_pending, project_member_with_email

INVITER_ROLE = "member"


def not_configured_message() -> str:
    """Why nobody can be invited while the try-out cloud's account is not configured."""
    return gettext(
        "Invitations cannot be accepted here yet: the dashboard's try-out account, which adds "
        "invited people to projects, is not configured. Ask the cloud's operators to set it up."
    )


def may_invite(session: CloudSession) -> bool:
    """Whether the session's user may invite into (and revoke invitations of) its project."""
    return INVITER_ROLE in session.roles


def roles_offered(session: CloudSession) -> list[str]:
    """The roles the session's user may give: settings.INVITATION_ROLES they hold."""
    return [role for role in settings.INVITATION_ROLES if role in session.roles]


class InvitationForm(forms.Form):
    """An invitation of `email` into the session's project with `role`, mailed in `language`.
    Refuses an email already a member of the project or already invited there (waiting)."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={"invalid": _("Enter a whole email address, such as ana@example.org.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        help_text=_("A member may create and change the project's resources; a reader only sees."),
        error_messages={"invalid_choice": _("“%(value)s” is not a role you may give.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the mail"),
        choices=Language.choices[1:],
        error_messages={
            "invalid_choice": _("“%(value)s” is not a language this dashboard speaks.")
        },
    )

    def __init__(self, *args: Any, session: CloudSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(name, name) for name in roles_offered(session)]
        language = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["language"].initial = (
            Language.CHINESE_SIMPLIFIED if language.startswith("zh") else Language.ENGLISH
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not trial_account_configured():
            raise forms.ValidationError(not_configured_message(), code="not_configured")
        return cleaned

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        project_id = self.session.project_id
        if invitation_pending(project_id=project_id, email=email):
            raise forms.ValidationError(
                gettext(
                    "%(email)s is already invited to this project and the link still works. "
                    "Revoke that invitation first to send a new one."
                )
                % {"email": email},
                code="pending",
            )
        try:
            member = project_member_with_email(project_id=project_id, email=email)
        except CloudError as exc:
            raise forms.ValidationError(str(exc), code="cloud") from exc
        if member is not None:
            raise forms.ValidationError(
                gettext("%(email)s is already a member of this project (user “%(name)s”).")
                % {"email": email, "name": member.name},
                code="member",
            )
        return email


class InvitationAcceptForm(NewPasswordForm):
    """A new account for the invitee: its user name (the email unless taken) and a password,
    twice, checked with Django's password validators."""

    field_order = ["username", "password1", "password2"]

    username = forms.CharField(
        label=_("User name"),
        max_length=255,
        help_text=_("You sign in with this name. Your email address unless it is taken."),
    )

    def __init__(self, *args: Any, taken: Any = None, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, email=email, **kwargs)
        # `taken(name) -> bool`: whether Keystone already has a user of this name.
        self.taken = taken

    def clean_username(self) -> str:
        name = str(self.cleaned_data["username"]).strip()
        if not name:
            raise forms.ValidationError(gettext("Enter a user name."), code="required")
        try:
            taken = self.taken is not None and self.taken(name)
        except CloudError as exc:
            raise forms.ValidationError(str(exc), code="cloud") from exc
        if taken:
            raise forms.ValidationError(
                gettext(
                    "A user named “%(name)s” already exists. If it is yours, sign in with it and "
                    "open the link again; otherwise choose another name."
                )
                % {"name": name},
                code="taken",
            )
        return name
