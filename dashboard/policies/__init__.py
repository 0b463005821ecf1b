"""Each service's default policy rules (what its code registers) and the shipped override files.

`<service>.py` holds the defaults, `<service>.yaml` the overrides that describe this deployment's
cloud; `settings.OPENSTACK_POLICY_DIR` names the directory the override files are read from.
"""

from oslo_policy.policy import RuleDefault

from dashboard.policies import neutron, nova

DEFAULT_RULES: dict[str, list[RuleDefault]] = {"neutron": neutron.RULES, "nova": nova.RULES}
