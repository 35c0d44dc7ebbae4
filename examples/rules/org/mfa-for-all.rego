package iamlint.rules.org.mfa_for_all

import rego.v1

# The MFA settings that hold every user, federated or not, to a second factor (`TOTP` holds
# only users who log in with an IBMid password).
strong := {"TOTP4ALL", "LEVEL1", "LEVEL2", "LEVEL3"}

# The account setting: one denial per account, at the `mfa` line of its settings.
deny contains denial if {
	some settings in input.identity_settings
	not settings.mfa in strong
	denial := {
		"ref": settings.ref,
		"message": sprintf(
			"account %v requires MFA `%v`; the organisation requires TOTP4ALL or an MFA level for every user",
			[settings.account, settings.mfa],
		),
		"pointer": "/mfa",
		"remediation": sprintf("ibmcloud target -c %v\nibmcloud iam account-settings-update --mfa TOTP4ALL", [settings.account]),
	}
}

# The users whose logins need no second factor today, as the MFA enrollment report says
# (an exemption, or an account setting too weak for them), at their report entry.
deny contains denial if {
	some user in input.users
	user.mfa.none
	denial := {
		"ref": user.ref,
		"message": sprintf("user `%v` logs in without a second factor (MFA that applies: %v)", [name(user), user.mfa.level]),
		"pointer": "/mfa",
	}
}

name(user) := user.user_id if user.user_id != null
else := user.iam_id
