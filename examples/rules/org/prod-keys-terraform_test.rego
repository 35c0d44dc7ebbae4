package iamlint.rules.org.prod_keys_terraform_test

import rego.v1

import data.iamlint.rules.org.prod_keys_terraform

instances := [
	{"ref": "resource_instance:I1", "name": "prod-orders-db"},
	{"ref": "resource_instance:I2", "name": "staging-orders-db"},
]

test_hand_made_production_key_is_denied if {
	count(prod_keys_terraform.deny) == 1 with input as {
		"resource_instances": instances,
		"resource_keys": [{"ref": "resource_key:K1", "name": "k", "instance": "resource_instance:I1", "terraform": null}],
	}
}

test_terraform_production_key_passes if {
	count(prod_keys_terraform.deny) == 0 with input as {
		"resource_instances": instances,
		"resource_keys": [{"ref": "resource_key:K1", "name": "k", "instance": "resource_instance:I1", "terraform": {"address": "ibm_resource_key.k", "change": null}}],
	}
}

test_staging_key_passes if {
	count(prod_keys_terraform.deny) == 0 with input as {
		"resource_instances": instances,
		"resource_keys": [{"ref": "resource_key:K2", "name": "k", "instance": "resource_instance:I2", "terraform": null}],
	}
}
