from rest_framework.routers import SimpleRouter

from instances.api.views.keypairs import KeyPairViewSet
from instances.api.views.server_actions import ServerActionViewSet
from instances.api.views.servers import ServerViewSet

router = SimpleRouter()
router.register("servers", ServerViewSet, basename="server")
router.register("keypairs", KeyPairViewSet, basename="keypair")
# Lifecycle actions only (`servers/<id>/<action>/`): no list or detail routes of their own.
router.register("servers", ServerActionViewSet, basename="server-action")

urlpatterns = router.urls
