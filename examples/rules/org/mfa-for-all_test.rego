package iamlint.rules.org.mfa_for_all_test

import rego.v1

import data.iamlint.rules.org.mfa_for_all

settings(mfa) := {"ref": "identity_settings:A1", "account": "A1", "mfa": mfa}

test_totp4all_passes if {
	count(mfa_for_all.deny) == 0 with input as {"identity_settings": [settings("TOTP4ALL")], "users": []}
}

test_totp_is_denied_at_the_setting if {
	some denial in mfa_for_all.deny with input as {"identity_settings": [settings("TOTP")], "users": []}
	denial.ref == "identity_settings:A1"
	denial.pointer == "/mfa"
}

test_unset_mfa_is_denied if {
	count(mfa_for_all.deny) == 1 with input as {"identity_settings": [settings(null)], "users": []}
}

test_user_without_second_factor_is_denied if {
	user := {"ref": "user:IBMid-1", "iam_id": "IBMid-1", "user_id": null, "mfa": {"none": true, "level": "NONE"}}
	some denial in mfa_for_all.deny with input as {"identity_settings": [], "users": [user]}
	denial.message == "user `IBMid-1` logs in without a second factor (MFA that applies: NONE)"
}

test_user_outside_the_report_is_not_judged if {
	user := {"ref": "user:IBMid-1", "iam_id": "IBMid-1", "user_id": "a@example.com", "mfa": null}
	count(mfa_for_all.deny) == 0 with input as {"identity_settings": [], "users": [user]}
}
