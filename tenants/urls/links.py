from django.urls import path

from tenants.views import links

urlpatterns = [
    path("l/<str:secret>/", links.link_open, name="link"),
]
