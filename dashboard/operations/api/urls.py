from rest_framework.routers import SimpleRouter

from dashboard.operations.api.views import OperationViewSet

router = SimpleRouter()
router.register("operations", OperationViewSet, basename="operation")

urlpatterns = router.urls
