//! `account-owner-apikey`: an API key that belongs to the account owner (CIS IBM Cloud
//! Foundations 1.5).
//!
//! The owner's IAM ID comes from the account document (Account Management `owner_iamid`,
//! Enterprise Management `owner_iam_id`); the keys from the API key export (`iam_id`) or the
//! activity report (`apikeys[].user.iam_id`).

use std::collections::HashSet;

use super::people::{self, Needed};
use super::{Finding, RuleContext};
use crate::model::{AuthnSubject, EntityKind, EntityRef, Origin};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if !inventory.collections.any() && !inventory.people.any() {
        return;
    }
    let reported_keys = || {
        inventory
            .people
            .authns
            .iter()
            .filter(|record| record.subject == AuthnSubject::ApiKey)
    };
    let owner = inventory.people.owner();
    let keys_known = inventory.collections.api_keys || reported_keys().next().is_some();
    let mut missing = Vec::new();
    if owner.is_none() {
        missing.push(Needed::Owner);
    }
    if !keys_known {
        missing.push(Needed::ApiKeys);
    }
    let Some(owner) = owner.filter(|_| missing.is_empty()) else {
        people::unknown_once(
            context,
            out,
            EntityKind::ApiKey,
            "API keys of the owner",
            &missing,
            "whether the account owner has API keys",
        );
        return;
    };
    let owner_name = owner.name.as_deref().unwrap_or(&owner.iam_id);
    let owner_ref = people::owner_ref(owner);
    // One finding per owner's key, whether the key list or only the activity report has it.
    let mut flag = |subject: EntityRef, origin: Origin, name: &str, id: &str| {
        context
            .finding(subject, origin, "the account owner's key")
            .related(owner_ref.clone(), owner.origin.clone(), "the account owner")
            .message(format!(
                "API key `{name}` belongs to the account owner `{owner_name}` ({}): the owner's \
                 keys act with every permission of the account; use a service ID or another \
                 user's key instead",
                owner.iam_id
            ))
            .remediation(context.meta.fix_with(&[("APIKEY_ID", id)]))
            .push(out);
    };
    let mut flagged = HashSet::new();
    for api_key in &inventory.api_keys {
        if api_key.iam_id.as_deref() != Some(owner.iam_id.as_str()) {
            context.evaluated_entity(api_key);
            continue;
        }
        flagged.insert(api_key.id.as_str());
        flag(
            EntityRef::api_key(api_key),
            api_key.origin.key("iam_id"),
            api_key.display_name(),
            &api_key.id,
        );
    }
    // Keys only the activity report names.
    let listed: HashSet<&str> = inventory.api_keys.iter().map(|k| k.id.as_str()).collect();
    for record in reported_keys() {
        if listed.contains(record.id.as_str()) || !flagged.insert(record.id.as_str()) {
            continue;
        }
        let subject = people::reported_key_ref(record);
        if record.owner.as_deref() != Some(owner.iam_id.as_str()) {
            context.evaluated(subject);
            continue;
        }
        flag(
            subject,
            record.origin.clone(),
            record.name.as_deref().unwrap_or(&record.id),
            &record.id,
        );
    }
}
