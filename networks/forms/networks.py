"""Network forms."""

from django import forms

from dashboard.web.forms import ProjectForm


class NetworkCreateForm(ProjectForm):
    name = forms.CharField(max_length=255)
    description = forms.CharField(max_length=255, required=False)
