//! `user-policy-direct`: an access policy assigned to a user (`IBMid-...`) instead of to an
//! access group the user belongs to (CIS IBM Cloud Foundations 1.12).

use super::policy_text;
use super::{Finding, RuleContext};
use crate::model::{Activity, EntityRef, PolicyVersion, Subject, instant_words};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    for policy in &context.inventory.policies {
        if !policy.is_active_access() {
            continue;
        }
        let user = match &policy.subject {
            Subject::User(user) => user,
            // Access for people given through an access group: what the control asks for.
            Subject::AccessGroup(_) => {
                context.evaluated_entity(policy);
                continue;
            }
            // Policies of service IDs and trusted profiles are outside this control (it is
            // about users): neither pass nor fail.
            Subject::ServiceId(_) | Subject::Profile(_) => continue,
            // Whether these name a user is unknown: neither pass nor fail.
            Subject::Other(_) | Subject::Missing | Subject::Unresolved(_) => continue,
        };
        let roles = policy_text::roles(policy);
        // A time window: said, and kept in the access group policy that replaces this one.
        let (when, expired) = match policy.activity(context.now) {
            Activity::Expired(at) => (
                format!(
                    " (its time condition expired on {}: it grants nothing now)",
                    instant_words(at)
                ),
                true,
            ),
            Activity::NotYet(at) => (
                format!(" (from {} on; it grants nothing yet)", instant_words(at)),
                false,
            ),
            Activity::Active => (
                policy
                    .time_words()
                    .map(|words| format!(" ({words})"))
                    .unwrap_or_default(),
                false,
            ),
        };
        let remediation = if expired {
            // Nothing to move: the policy grants nothing any more.
            format!("ibmcloud iam user-policy-delete <USER_EMAIL> {}", policy.id)
        } else if !policy.tags.is_empty() || policy.rule.is_some() {
            // The create flags cannot say tags or a rule: a file keeps them.
            let version = match policy.version {
                PolicyVersion::V1 => "v1",
                PolicyVersion::V2 => "v2",
            };
            format!(
                "ibmcloud iam user-policy <USER_EMAIL> {id} --api-version {version} --output json > \
                 policy.json\n\
                 # edit policy.json: set the subject to the access group's \
                 access_group_id; keep its roles, resource, tags and rule\n\
                 ibmcloud iam access-group-policy-create <ACCESS_GROUP> --file @policy.json \
                 --api-version {version}\n\
                 ibmcloud iam access-group-user-add <ACCESS_GROUP> <USER_EMAIL>\n\
                 ibmcloud iam user-policy-delete <USER_EMAIL> {id}",
                id = policy.id
            )
        } else {
            context.meta.fix_with(&[
                (
                    "ROLES",
                    // Roles a plan leaves unresolved are the user's to fill in.
                    &if policy.roles_unresolved.is_some() {
                        "<ROLES>".to_owned()
                    } else {
                        roles.replace(", ", ",")
                    },
                ),
                (
                    "SCOPE_OPTIONS",
                    &policy_text::cli_scope_options(policy)
                        .unwrap_or_else(|| "<SCOPE_OPTIONS>".to_owned()),
                ),
                ("POLICY_ID", &policy.id),
            ])
        };
        context
            .finding(
                EntityRef::policy(policy),
                policy.subject_origin_or_own(),
                format!("assigned to user {user}"),
            )
            .message(format!(
                "policy `{}` grants {roles} on {} directly to user `{user}` instead of through \
                 an access group{when}",
                policy.id,
                policy_text::resource(policy)
            ))
            .remediation(remediation)
            .push(out);
    }
}
