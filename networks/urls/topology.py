from django.urls import path

from networks.views import topology as views

urlpatterns = [
    path("topology/", views.TopologyView.as_view(), name="topology"),
    path("topology/graph.json", views.topology_data, name="topology_data"),
]
