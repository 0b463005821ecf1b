"""The administrators' quota pages, each change as its form's page."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tenants.forms import quotas as forms
from tenants.views import quotas as views

urlpatterns = [
    path("admin/quotas/", views.AdminQuotaListView.as_view(), name="admin_quotas"),
    path(
        "admin/quotas/defaults/",
        views.AdminQuotaFormView.as_view(
            form_class=forms.ComputeDefaultQuotasForm,
            template_name="tenants/admin_quota_defaults.html",
            title=_("Default quotas"),
            submit_label=_("Set compute defaults"),
            # The form sets the defaults, not a new object: it keeps what it sent.
            empties_after_start=False,
        ),
        name="admin_quota_defaults",
    ),
    path(
        "admin/quotas/<str:project_id>/",
        views.AdminProjectQuotasView.as_view(
            form_class=forms.ProjectQuotasForm,
            template_name="tenants/admin_quota_form.html",
            # Translators: {obj.name_or_id} is the project's name; keep it as it is.
            title=_("Quotas of project “{obj.name_or_id}”"),
            submit_label=_("Set quotas"),
        ),
        name="admin_quota_edit",
    ),
]
