package iamlint.rules.org.cos_writers_test

import rego.v1

import data.iamlint.rules.org.cos_writers

writer_policy := {
	"ref": "policy:P1",
	"active": true,
	"roles": [{"kind": "service", "name": "Writer"}],
	"scope": {"target": "service", "service": "cloud-object-storage", "words": "all cloud-object-storage resources"},
}

test_team_writer_is_denied if {
	denials := cos_writers.deny with input as {
		"service_ids": [{"name": "etl-nightly", "policies": ["policy:P1"], "access_groups": []}],
		"policies": [writer_policy],
		"access_groups": [],
	}
	count(denials) == 1
}

test_platform_writer_passes if {
	count(cos_writers.deny) == 0 with input as {
		"service_ids": [{"name": "platform-data-backup", "policies": ["policy:P1"], "access_groups": []}],
		"policies": [writer_policy],
		"access_groups": [],
	}
}

test_writer_through_group_is_denied if {
	count(cos_writers.deny) == 1 with input as {
		"service_ids": [{"name": "etl-nightly", "policies": [], "access_groups": ["access_group:G1"]}],
		"policies": [writer_policy],
		"access_groups": [{"ref": "access_group:G1", "name": "data-writers", "policies": ["policy:P1"]}],
	}
}
