from django.urls import path

from dashboard.operations import views

app_name = "operations"

urlpatterns = [
    path("activity/", views.activity, name="activity"),
    path("operations/<uuid:operation_id>/", views.operation_status, name="operation_status"),
]
