"""Nova loads compute drivers from its `nova.virt` package only: nova.conf's
`compute_driver = devcloud.DevcloudComputeDriver` names this module, which hands over to the
devcloud_compute package."""

from devcloud_compute.driver import DevcloudComputeDriver

__all__ = ["DevcloudComputeDriver"]
