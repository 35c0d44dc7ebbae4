//! `user-policy-direct`: an access policy assigned to a user (`IBMid-...`) instead of to an
//! access group the user belongs to (CIS IBM Cloud Foundations 1.12).

use super::policy_text;
use super::{Finding, RuleContext};
use crate::model::{EntityRef, Subject};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    for policy in &context.inventory.policies {
        if !policy.is_active_access() {
            continue;
        }
        let user = match &policy.subject {
            Subject::User(user) => user,
            // Access for people given through an access group: what the control asks for.
            Subject::AccessGroup(_) => {
                context.evaluated(EntityRef::policy(policy));
                continue;
            }
            // Policies of service IDs and trusted profiles are outside this control (it is
            // about users): neither pass nor fail.
            Subject::ServiceId(_) | Subject::Profile(_) => continue,
            // Whether these name a user is unknown: neither pass nor fail.
            Subject::Other(_) | Subject::Missing | Subject::Unresolved(_) => continue,
        };
        let roles = policy_text::roles(policy);
        context
            .finding(
                EntityRef::policy(policy),
                policy
                    .subject_origin
                    .clone()
                    .unwrap_or_else(|| policy.origin.clone()),
                format!("assigned to user {user}"),
            )
            .message(format!(
                "policy `{}` grants {roles} on {} directly to user `{user}` instead of through \
                 an access group",
                policy.id,
                policy_text::resource(policy)
            ))
            .remediation(
                context.meta.fix_with(&[
                    ("ROLES", &roles.replace(", ", ",")),
                    (
                        "SCOPE_OPTIONS",
                        &policy_text::cli_scope_options(policy)
                            .unwrap_or_else(|| "<SCOPE_OPTIONS>".to_owned()),
                    ),
                    ("POLICY_ID", &policy.id),
                ]),
            )
            .push(out);
    }
}
