"""Routes of the shared web layer; each section's pages are routed by its own app (the admin
quota pages by `tenants.urls`)."""

from django.urls import URLPattern

app_name = "web"

urlpatterns: list[URLPattern] = []
