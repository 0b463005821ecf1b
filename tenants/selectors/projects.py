"""Reads of the mirrored Keystone projects."""

from tenants.models import Project


def project_get(*, project_id: str) -> Project | None:
    """A mirrored Keystone project by id, else None (administrators' pages only)."""
    return Project.objects.filter(pk=project_id).first()
