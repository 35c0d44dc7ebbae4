# The three foundation rules of iamlint as Rego, written the way a careful Rego author
# would: every join goes through a rule keyed by its join value (a partial object or a
# multi-value rule), so that evaluation is a lookup, not a nested scan.
#
# input.files: every input document (API list responses) as parsed JSON.
package iamlint

# Resource keys, service IDs and policies of every list response.
keys := [key |
	some file in input.files
	some key in file.resources
	key.source_crn
]

service_ids contains service_id.id if {
	some file in input.files
	some service_id in file.serviceids
}

policies := [policy |
	some file in input.files
	some policy in file.policies
]

# A policy's subject iam_id (v1 `subjects`, v2 `subject`).
subject(policy) := attribute.value if {
	some block in policy.subjects
	some attribute in block.attributes
	attribute.name == "iam_id"
}

subject(policy) := attribute.value if {
	some attribute in policy.subject.attributes
	attribute.key == "iam_id"
}

# Resource attributes as {name, value, operator} (v1 `resources`, v2 `resource`).
attributes(policy) := [{"name": attribute.name, "value": attribute.value, "operator": object.get(attribute, "operator", "stringEquals")} |
	some block in policy.resources
	some attribute in block.attributes
] if policy.resources

attributes(policy) := [{"name": attribute.key, "value": attribute.value, "operator": object.get(attribute, "operator", "stringEquals")} |
	some attribute in policy.resource.attributes
] if policy.resource

roles(policy) := [role.role_id | some role in policy.roles] if policy.roles

roles(policy) := [role.role_id | some role in policy.control.grant.roles] if policy.control

equals(attrs, name) := value if {
	some attribute in attrs
	attribute.name == name
	attribute.operator == "stringEquals"
	value := attribute.value
}

value_of(attrs, name) := value if {
	value := equals(attrs, name)
} else := ""

scope(attrs) := "service" if {
	equals(attrs, "serviceName")
} else := "other" if {
	some attribute in attrs
	attribute.name == "serviceName"
} else := "wide" if {
	equals(attrs, "serviceType")
} else := "wide" if {
	equals(attrs, "service_group_id")
} else := "wide" if {
	equals(attrs, "resourceGroupId")
} else := "other" if {
	some attribute in attrs
	attribute.name != "accountId"
} else := "wide"

active_access(policy) if {
	object.get(policy, "state", "active") != "deleted"
	object.get(policy, "type", "access") == "access"
}

service_id_core(text) := core if {
	parts := split(text, ":")
	tail := parts[count(parts) - 1]
	core := trim_prefix(tail, "iam-")
	startswith(core, "ServiceId-")
}

# Index: service ID core -> the active access policies of that service ID.
policies_of[core] contains fact if {
	some policy in policies
	active_access(policy)
	core := service_id_core(subject(policy))
	attrs := attributes(policy)
	fact := {
		"id": policy.id,
		"scope": scope(attrs),
		"service": value_of(attrs, "serviceName"),
		"instance": value_of(attrs, "serviceInstance"),
		"roles": roles(policy),
	}
}

# Auditing keys whose service ID is exported (and policies are loaded at all).
linked_keys contains [key.crn, core, guid] if {
	count(policies) > 0
	some key in keys
	parts := split(key.source_crn, ":")
	parts[4] == "logdnaat"
	guid := parts[7]
	guid != ""
	core := service_id_core(key.credentials.iam_serviceid_crn)
	service_ids[core]
}

scoped(core, guid) := [fact |
	some fact in policies_of[core]
	fact.scope == "service"
	fact.service == "logdnaat"
	fact.instance == guid
]

grants(facts, suffix) if {
	some fact in facts
	some role in fact.roles
	endswith(role, suffix)
}

key_restriction_missing contains crn if {
	some [crn, core, guid] in linked_keys
	count(scoped(core, guid)) == 0
}

key_restriction_incomplete contains crn if {
	some [crn, core, guid] in linked_keys
	facts := scoped(core, guid)
	count(facts) > 0
	not complete(facts)
}

complete(facts) if {
	grants(facts, ":role:Administrator")
	grants(facts, ":serviceRole:Manager")
}

serviceid_unrestricted contains fact.id if {
	some core, facts in policies_of
	some fact in facts
	fact.scope == "wide"
}

counts := {
	"key-restriction-missing": count(key_restriction_missing),
	"key-restriction-incomplete": count(key_restriction_incomplete),
	"serviceid-unrestricted": count(serviceid_unrestricted),
}
