from rest_framework.routers import SimpleRouter

from instances.api.views.server_actions import ServerActionViewSet

router = SimpleRouter()
# Lifecycle actions only (`servers/<id>/<action>/`): no list or detail routes of their own.
router.register("servers", ServerActionViewSet, basename="server-action")

urlpatterns = router.urls
