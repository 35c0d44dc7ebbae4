# The built-in serviceid-unrestricted rule as a custom rule, for benches/custom.rs: a
# service ID's active access policy whose scope names no service and nothing narrows it.
package iamlint.rules.bench.serviceid_unrestricted

import rego.v1

broad := {"account", "all_services", "account_management", "service_group", "resource_group"}

deny contains denial if {
	some policy in input.policies
	policy.active
	policy.subject.kind == "service_id"
	broad[policy.scope.target]
	not policy.scope.narrowed
	denial := {
		"ref": policy.ref,
		"message": sprintf("service ID `%v` holds a policy over %v", [policy.subject.id, policy.scope.words]),
	}
}
