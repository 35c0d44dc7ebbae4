package iamlint.rules.org.serviceid_naming_test

import rego.v1

import data.iamlint.rules.org.serviceid_naming

test_scheme_name_passes if {
	count(serviceid_naming.deny) == 0 with input as {"service_ids": [{"ref": "service_id:S1", "name": "platform-data-backup"}]}
}

test_other_name_is_denied if {
	some denial in serviceid_naming.deny with input as {"service_ids": [{"ref": "service_id:S1", "name": "ci-pipeline"}]}
	denial.ref == "service_id:S1"
}

test_missing_name_is_denied if {
	count(serviceid_naming.deny) == 1 with input as {"service_ids": [{"ref": "service_id:S1", "name": null}]}
}
