//! `user-mfa-missing`: a user whose logins need no second factor, or whose MFA enrollment
//! does not meet what the account requires (CIS IBM Cloud Foundations 1.7).
//!
//! The evidence is the IAM Identity MFA enrollment report: per user, the effective MFA type
//! (identity-based or account-based), the trait that applies and whether the user
//! complies. Users the user list shows as unable to log in (`PENDING`, `VPN_ONLY`, ...) are
//! left out; a user the list shows as able to log in whom the report does not list is
//! unknown.

use super::people::{self, Needed};
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef};

/// How to get an MFA report that says what this one does not.
const NEW_REPORT: &str =
    "make a new MFA enrollment report: `iamlint collect`, or POST then GET \
     /v1/mfa/accounts/{id}/report";

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.any() && !inventory.people.any() {
        return;
    }
    let people_data = &inventory.people;
    if people_data.mfa_reports.is_empty() {
        people::unknown_once(
            context,
            out,
            EntityKind::User,
            "MFA of users",
            &[Needed::MfaReport],
            "whether users log in with MFA",
        );
        return;
    }
    let account = people::account_of(inventory);
    for entry in &people_data.mfa {
        if people_data
            .user(&entry.iam_id)
            .is_some_and(|user| !user.can_log_in())
        {
            continue;
        }
        let subject = people::mfa_user_ref(entry);
        let name = entry.display_name();
        let fix = || context.meta.fix_with(&[("ACCOUNT_ID", &account)]);
        // A `user_mfa` entry of the account settings that exempts the user: raising the
        // account's MFA does not reach them; the exemption is what to remove.
        let exemption = inventory.identity_settings.iter().find_map(|settings| {
            settings
                .user_mfa
                .iter()
                .find(|user| user.iam_id == entry.iam_id && user.exempts())
                .map(|user| (settings, user))
        });
        match (entry.is_none(), entry.complies) {
            (Some(true), _) => {
                let finding = context
                    .finding(
                        subject,
                        entry.level_origin.clone(),
                        format!("MFA: {}", entry.describe()),
                    )
                    .message(format!(
                        "user `{name}` ({}) logs in without a second factor (effective MFA {}){}",
                        entry.iam_id,
                        entry.describe(),
                        if exemption.is_some() {
                            ": the account settings exempt the user (`user_mfa`)"
                        } else {
                            ""
                        }
                    ));
                match exemption {
                    Some((settings, user)) => finding
                        .related(
                            EntityRef::account(
                                Some(&account),
                                "IAM account settings",
                                &settings.origin,
                                settings.declaration.as_deref(),
                            ),
                            user.origin.key("mfa"),
                            format!("exempts the user: `mfa` is {}", user.mfa),
                        )
                        .remediation(format!(
                            "remove the user's exemption from the account settings' `user_mfa` \
                             (console: Manage > Access (IAM) > Settings > Authentication; API: \
                             PUT https://iam.cloud.ibm.com/v1/accounts/{account}/settings/identity \
                             with `user_mfa` without {} and the settings' `entity_tag` in \
                             `If-Match`)",
                            entry.iam_id
                        ))
                        .push(out),
                    None => finding.remediation(fix()).push(out),
                }
            }
            (_, Some(false)) => context
                .finding(subject, entry.complies_origin.clone(), "does not comply")
                .message(format!(
                    "user `{name}` ({}) is not enrolled in the MFA that applies to it \
                     (effective MFA {}): the report says the enrollment does not comply",
                    entry.iam_id,
                    entry.describe()
                ))
                .remediation(fix())
                .push(out),
            (Some(false), _) => context.evaluated(subject),
            (None, _) => context
                .finding(subject, entry.origin.clone(), "MFA not reported")
                .severity(Severity::Info)
                .unknown()
                .message(format!(
                    "the MFA report gives no effective MFA for user `{name}` ({})",
                    entry.iam_id
                ))
                .remediation(NEW_REPORT)
                .push(out),
        }
    }
    // Users who can log in but are missing from the report: its users were listed before
    // they joined, or the report was cut; either way their MFA is not known.
    for user in people_data.users.iter().filter(|user| user.can_log_in()) {
        if people_data.mfa_of(&user.iam_id).is_some() {
            continue;
        }
        let name = user.display_name();
        context
            .finding(people::user_ref(user), user.origin.clone(), "not in the MFA report")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "the MFA enrollment report does not list user `{name}` ({}), so whether \
                 the user logs in with MFA is unknown",
                user.iam_id
            ))
            .remediation(NEW_REPORT)
            .push(out);
    }
}
