from rest_framework.routers import SimpleRouter

from networks.api.views.floating_ips import FloatingIPViewSet
from networks.api.views.networks import NetworkViewSet

router = SimpleRouter()
router.register("networks", NetworkViewSet, basename="network")
router.register("floating-ips", FloatingIPViewSet, basename="floating-ip")

urlpatterns = router.urls
