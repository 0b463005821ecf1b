from django.urls import path
from rest_framework.routers import SimpleRouter

from tenants.api.views.quotas import AdminQuotaViewSet, QuotaUsageView

router = SimpleRouter()
router.register("admin/quotas", AdminQuotaViewSet, basename="admin-quota")

urlpatterns = [
    path("quotas/", QuotaUsageView.as_view(), name="quota-usage"),
    *router.urls,
]
