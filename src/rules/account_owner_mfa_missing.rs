//! `account-owner-mfa-missing`: the account owner logs in without a second factor (CIS IBM
//! Cloud Foundations 1.8).
//!
//! The owner's IAM ID comes from the account document; the owner's effective MFA from the
//! IAM Identity MFA enrollment report.

use super::people::{self, Needed};
use super::{Finding, RuleContext, Severity};
use crate::model::EntityKind;

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.any() && !inventory.people.any() {
        return;
    }
    let people_data = &inventory.people;
    let owner = people_data.owner();
    let mut missing = Vec::new();
    if owner.is_none() {
        missing.push(Needed::Owner);
    }
    if people_data.mfa_reports.is_empty() {
        missing.push(Needed::MfaReport);
    }
    let Some(owner) = owner.filter(|_| missing.is_empty()) else {
        people::unknown_once(
            context,
            out,
            EntityKind::User,
            "MFA of the owner",
            &missing,
            "whether the account owner logs in with MFA",
        );
        return;
    };
    let account = people::account_of(inventory);
    let owner_name = owner.name.as_deref().unwrap_or(&owner.iam_id);
    let subject = people::owner_ref(owner);
    let Some(entry) = people_data.mfa_of(&owner.iam_id) else {
        context
            .finding(subject, owner.origin.clone(), "not in the MFA report")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "the MFA enrollment report does not list the account owner `{owner_name}` ({})",
                owner.iam_id
            ))
            .remediation(
                "make a new MFA enrollment report: `iamlint collect`, or POST then GET \
                          /v1/mfa/accounts/{id}/report",
            )
            .push(out);
        return;
    };
    match entry.is_none() {
        Some(true) => context
            .finding(
                subject.clone(),
                entry.level_origin.clone(),
                format!("MFA: {}", entry.describe()),
            )
            .related(subject, owner.origin.clone(), "the account owner")
            .message(format!(
                "the account owner `{owner_name}` ({}) logs in without a second factor \
                 (effective MFA {})",
                owner.iam_id,
                entry.describe()
            ))
            .remediation(context.meta.fix_with(&[("ACCOUNT_ID", &account)]))
            .push(out),
        Some(false) => context.evaluated(subject),
        None => context
            .finding(subject, entry.origin.clone(), "MFA not reported")
            .severity(Severity::Info)
            .unknown()
            .message(format!(
                "the MFA report gives no effective MFA for the account owner `{owner_name}` ({})",
                owner.iam_id
            ))
            .push(out),
    }
}
