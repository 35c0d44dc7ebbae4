# Only the platform team's service IDs (named platform-...) may write to Cloud Object
# Storage: Writer or Manager on the service, one of its instances, or everything, held
# directly or through an access group.
package iamlint.rules.org.cos_writers

import rego.v1

policies := {policy.ref: policy | some policy in input.policies}

groups := {group.ref: group | some group in input.access_groups}

writer_roles := {"Writer", "Manager"}

platform(service_id) if startswith(service_id.name, "platform-")

writes_cos(policy) if {
	policy.active
	some role in policy.roles
	role.kind == "service"
	writer_roles[role.name]
	covers_cos(policy.scope)
}

covers_cos(scope) if scope.service == "cloud-object-storage"

covers_cos(scope) if scope.target in {"account", "all_services"}

roles(policy) := concat(", ", [role.name | some role in policy.roles])

# Policies the service ID holds directly.
deny contains denial if {
	some service_id in input.service_ids
	not platform(service_id)
	some policy_ref in service_id.policies
	policy := policies[policy_ref]
	writes_cos(policy)
	denial := {
		"ref": policy.ref,
		"message": sprintf("service ID `%v` can write to Cloud Object Storage (%v on %v); only platform-* service IDs may", [service_id.name, roles(policy), policy.scope.words]),
		"pointer": "/roles",
	}
}

# Policies it holds through an access group it is a listed member of.
deny contains denial if {
	some service_id in input.service_ids
	not platform(service_id)
	some group_ref in service_id.access_groups
	group := groups[group_ref]
	some policy_ref in group.policies
	policy := policies[policy_ref]
	writes_cos(policy)
	denial := {
		"ref": policy.ref,
		"message": sprintf("service ID `%v` can write to Cloud Object Storage through access group `%v` (%v on %v); only platform-* service IDs may", [service_id.name, group.name, roles(policy), policy.scope.words]),
		"pointer": "/roles",
	}
}
