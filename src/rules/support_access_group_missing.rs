//! `support-access-group-missing`: no access group grants a role on the Support Center
//! (service `support`), so support cases are handled by whoever happens to hold broad
//! account access (CIS IBM Cloud Foundations 1.13).

use super::{Finding, RuleContext, Severity};
use crate::model::{Activity, EntityKind, EntityRef, Inventory, Origin, Policy, Subject};

/// The catalog name of the Support Center in policies (`serviceName=support`).
const SUPPORT: &str = "support";

/// An active access policy of an access group with a role on the Support Center.
fn is_support_grant(policy: &Policy, context: &RuleContext<'_>) -> bool {
    matches!(policy.subject, Subject::AccessGroup(_))
        && policy.is_active_access()
        && policy.activity(context.now) == Activity::Active
        && !policy.roles.is_empty()
        && policy.resource_equals("serviceName") == Some(SUPPORT)
}

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let account = super::roles::account_of(inventory);
    if let Some(policy) = inventory
        .policies
        .iter()
        .find(|policy| is_support_grant(policy, context))
    {
        let subject = match &policy.subject {
            Subject::AccessGroup(group) => match inventory.access_group(group) {
                Some(group) => EntityRef::access_group(group),
                None => EntityRef::policy(policy),
            },
            _ => EntityRef::policy(policy),
        };
        context.evaluated(subject);
        return;
    }
    if !super::roles::exported(inventory) {
        return;
    }
    let Some(origin) = anchor(inventory) else {
        return;
    };
    let subject = EntityRef {
        account: None,
        kind: EntityKind::AccessGroup,
        id: format!("support access group of account {account}"),
        name: None,
        origin: origin.clone(),
        address: None,
    };
    // Only the account's access groups and its whole policy export show that no group has
    // one (a policy list alone may be one service ID's); v2 policies known only from their
    // v1 placeholders may hold it.
    let missing = if !inventory.collections.policies || !inventory.collections.access_groups {
        let lacking = match (
            inventory.collections.policies,
            inventory.collections.access_groups,
        ) {
            (false, false) => "no policy list (`{\"policies\": [...]}`) and no access group list",
            (false, true) => "no policy list (`{\"policies\": [...]}`)",
            _ => "no access group list (`{\"groups\": [...]}`)",
        };
        Some((
            format!(
                "{lacking} was loaded, so whether an access group grants a Support Center role \
                 is unknown"
            ),
            format!(
                "export the account's access groups and policies: ibmcloud iam access-groups \
                 --output json > groups.json; curl -H \"Authorization: $(ibmcloud iam \
                 oauth-tokens --output json | jq -r .iam_token)\" \
                 'https://iam.cloud.ibm.com/v2/policies?account_id={account}&type=access' \
                 (every page)"
            ),
        ))
    } else if !inventory.placeholders.is_empty() {
        Some((
            format!(
                "no loaded policy gives an access group a Support Center role, but {} known \
                 only from v1 placeholders",
                match inventory.placeholders.len() {
                    1 => "1 v2 policy is".to_owned(),
                    count => format!("{count} v2 policies are"),
                }
            ),
            format!("export them from GET /v2/policies?account_id={account}"),
        ))
    } else {
        // A group's Support Center policy whose roles a configuration leaves unknown may be
        // the grant.
        inventory
            .policies
            .iter()
            .find(|policy| {
                matches!(policy.subject, Subject::AccessGroup(_))
                    && policy.roles.is_empty()
                    && policy.roles_unresolved.is_some()
                    && policy.resource_equals("serviceName") == Some(SUPPORT)
            })
            .map(|policy| {
                (
                    format!(
                        "no loaded policy gives an access group a Support Center role, but the \
                         roles of policy `{}` on the Support Center are known only after apply",
                        policy.id
                    ),
                    super::roles::AFTER_APPLY.to_owned(),
                )
            })
    };
    if let Some((message, remediation)) = missing {
        context
            .finding(subject, origin, "Support Center access unknown")
            .severity(Severity::Info)
            .unknown()
            .message(message)
            .remediation(remediation)
            .push(out);
        return;
    }
    context
        .finding(subject, origin, "no support access group")
        .message(format!(
            "no access group in account `{account}` holds a role on the Support Center \
             (`serviceName=support`): nobody is designated to open and follow support cases \
             with IBM"
        ))
        .remediation(context.meta.fix_with(&[]))
        .push(out);
}

/// Where an account-level finding points: the first access group, else the first policy.
fn anchor(inventory: &Inventory) -> Option<Origin> {
    inventory
        .access_groups
        .first()
        .map(|group| group.origin.clone())
        .or_else(|| {
            inventory
                .policies
                .first()
                .map(|policy| policy.origin.clone())
        })
        .or_else(|| inventory.service_ids.first().map(|s| s.origin.clone()))
}
