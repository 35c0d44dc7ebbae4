//! `access-public-enabled`: the account allows public access (IAM Access Groups setting
//! `public_access_enabled` is true), or its Public Access group (`AccessGroupId-
//! PublicAccess`, which everyone belongs to, signed in or not) holds policies (CIS 1.16).

use super::posture::{account_of, not_loaded};
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityRef, PUBLIC_ACCESS_GROUP, Policy, Subject};

/// How to export the Access Groups account settings.
const EXPORT: &str = "export the access group settings: curl -H \"Authorization: $(ibmcloud \
     iam oauth-tokens --output json | jq -r .iam_token)\" \
     'https://iam.cloud.ibm.com/v2/groups/settings?account_id=<ACCOUNT_ID>' > \
     access_group_settings.json (or `iamlint collect`)";

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let public = Subject::AccessGroup(PUBLIC_ACCESS_GROUP.to_owned());
    let policies: Vec<&Policy> = inventory
        .policies_of(&public)
        .filter(|policy| policy.state.as_deref() != Some("deleted"))
        .collect();
    let account = account_of(inventory);
    for policy in &policies {
        let roles: Vec<&str> = policy.roles.iter().map(|role| role.name.as_ref()).collect();
        context
            .finding(
                EntityRef::policy(policy),
                policy.subject_origin_or_own(),
                "a policy of the Public Access group",
            )
            .message(format!(
                "policy `{}` gives {} to the Public Access group: everyone, signed in to the \
                 account or not, holds it while public access is enabled",
                policy.id,
                match roles.as_slice() {
                    [] => "access".to_owned(),
                    roles => format!("`{}`", roles.join("`, `")),
                }
            ))
            .remediation(format!(
                "ibmcloud iam access-group-policy-delete \"Public Access\" {}",
                policy.id
            ))
            .push(out);
    }
    if inventory.access_group_settings.is_empty() {
        // The policies, when any, already fail; else the setting is what is missing.
        if policies.is_empty() {
            not_loaded(context, out, "IAM Access Groups settings", EXPORT);
        }
        return;
    }
    for settings in &inventory.access_group_settings {
        let account = settings
            .account
            .as_deref()
            .map_or_else(|| account.clone(), str::to_owned);
        let subject = EntityRef::account(
            Some(&account),
            "IAM Access Groups settings",
            &settings.origin,
            settings.declaration.as_deref(),
        );
        match &settings.public_access_enabled {
            None => context
                .finding(
                    subject,
                    settings.origin.clone(),
                    "no `public_access_enabled` here",
                )
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "the access group settings of account `{account}` do not say \
                     `public_access_enabled`, so whether the account allows public access \
                     is unknown"
                ))
                .remediation(EXPORT.replace("<ACCOUNT_ID>", &account))
                .push(out),
            Some(setting) if setting.value => context
                .finding(
                    subject,
                    setting.origin.clone(),
                    "`public_access_enabled` is true",
                )
                .message(format!(
                    "account `{account}` allows public access: a policy given to the Public \
                     Access group opens its resources to anyone, without authentication{}",
                    if inventory.collections.policies {
                        match policies.len() {
                            1 => " (the group holds 1 policy)".to_owned(),
                            count => format!(" (the group holds {count} policies)"),
                        }
                    } else {
                        String::new()
                    }
                ))
                .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &account)]))
                .push(out),
            Some(_) => context.evaluated(subject),
        }
    }
}
