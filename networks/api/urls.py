from rest_framework.routers import SimpleRouter

from networks.api.views.floating_ips import FloatingIPViewSet, PortForwardingViewSet
from networks.api.views.networks import NetworkViewSet
from networks.api.views.ports import PortViewSet
from networks.api.views.routers import RouterViewSet
from networks.api.views.security_groups import SecurityGroupRuleViewSet, SecurityGroupViewSet
from networks.api.views.subnets import SubnetPoolViewSet, SubnetViewSet

router = SimpleRouter()
router.register("networks", NetworkViewSet, basename="network")
router.register("subnets", SubnetViewSet, basename="subnet")
router.register("subnet-pools", SubnetPoolViewSet, basename="subnet-pool")
router.register("floating-ips", FloatingIPViewSet, basename="floating-ip")
router.register("port-forwardings", PortForwardingViewSet, basename="port-forwarding")
router.register("ports", PortViewSet, basename="port")
router.register("routers", RouterViewSet, basename="router")
router.register("security-groups", SecurityGroupViewSet, basename="security-group")
router.register("security-group-rules", SecurityGroupRuleViewSet, basename="security-group-rule")

urlpatterns = router.urls
