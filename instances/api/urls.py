from rest_framework.routers import SimpleRouter

from instances.api.views.keypairs import KeyPairViewSet
from instances.api.views.servers import ServerViewSet

router = SimpleRouter()
router.register("servers", ServerViewSet, basename="server")
router.register("keypairs", KeyPairViewSet, basename="keypair")

urlpatterns = router.urls
