# Service IDs follow the organisation's naming scheme: platform-<team>-<purpose>, in
# lower case, so that an owner can be found for every one of them.
package iamlint.rules.org.serviceid_naming

import rego.v1

scheme := `^platform-[a-z0-9]+(-[a-z0-9]+)+$`

well_named(service_id) if {
	is_string(service_id.name)
	regex.match(scheme, service_id.name)
}

deny contains denial if {
	some service_id in input.service_ids
	not well_named(service_id)
	denial := {
		"ref": service_id.ref,
		"message": sprintf("service ID `%v` is not named platform-<team>-<purpose>", [service_id.name]),
		"pointer": "/name",
	}
}
