//! `profile-unrestricted`: a trusted profile with a policy over the whole account (or all of
//! a resource group) instead of named services and instances (CIS IBM Cloud Foundations
//! 1.15). The `serviceid-unrestricted` judgement, shared in `unrestricted.rs`, on the
//! policies whose subject is a profile (`iam-Profile-...`) and on those of the access groups
//! a profile is a member of (`type: profile`).

use super::unrestricted::{Holder, may_be_unrestricted, report, through_groups};
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef, Inventory, Origin, Subject, profile_core};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    if inventory.collections.policies {
        for profile in &inventory.profiles {
            context.evaluated_with(|| EntityRef::profile(profile));
        }
    } else if inventory.collections.profiles {
        // Exported profiles without a policy list: what they may do is unknown. (A plan's
        // own policies are judged below all the same.)
        unknown_without_policies(context, out);
    }
    for policy in &inventory.policies {
        let Subject::Profile(spelling) = &policy.subject else {
            continue;
        };
        if !policy.is_active_access() || !may_be_unrestricted(policy) {
            continue;
        }
        let holder = holder(inventory, profile_core(spelling), &policy.origin);
        report(context, policy, holder, None, out);
    }
    // No profile exists when the list was exported empty: no group can hold one.
    let none_exist = inventory.collections.profiles && inventory.profiles.is_empty();
    through_groups(
        context,
        |membership| {
            let Subject::Profile(spelling) = &membership.member else {
                return None;
            };
            Some(holder(inventory, profile_core(spelling), &membership.origin))
        },
        ("trusted profiles", none_exist),
        out,
    );
}

/// The profile with this id as the finding names it; `origin` locates it when it was not
/// loaded (the policy or member record that names it).
fn holder<'a>(inventory: &'a Inventory, id: &'a str, origin: &Origin) -> Holder<'a> {
    let profile = inventory.profile(id);
    let subject = match profile {
        Some(profile) => EntityRef::profile(profile),
        None => EntityRef {
            account: None,
            kind: EntityKind::TrustedProfile,
            id: id.to_owned(),
            name: None,
            origin: origin.clone(),
            address: None,
        },
    };
    let name = match profile.and_then(|profile| profile.name.as_deref()) {
        Some(name) => format!("`{name}` ({id}{})", trusted_by(inventory, id)),
        None => format!("`{id}`{}", trusted_by(inventory, id)),
    };
    Holder {
        subject,
        kind: "trusted profile",
        id,
        name,
        command: "trusted-profile",
        placeholder: "PROFILE_ID",
        related: profile.map(|profile| (EntityRef::profile(profile), profile.origin.clone())),
    }
}

/// `; trusted by 1 compute resource link and 2 claim rules`: who can assume the profile,
/// when its links or claim rules were loaded.
fn trusted_by(inventory: &Inventory, id: &str) -> String {
    let of_profile = |profile_id: &Option<String>| {
        profile_id
            .as_deref()
            .is_some_and(|profile_id| profile_core(profile_id) == id)
    };
    let links = inventory
        .profile_links
        .iter()
        .filter(|link| of_profile(&link.profile_id))
        .count();
    let rules = inventory
        .profile_claim_rules
        .iter()
        .filter(|rule| of_profile(&rule.profile_id))
        .count();
    let plural = |count: usize, word: &str| match count {
        1 => format!("1 {word}"),
        count => format!("{count} {word}s"),
    };
    match (links, rules) {
        (0, 0) => String::new(),
        (links, 0) => format!("; trusted by {}", plural(links, "compute resource link")),
        (0, rules) => format!("; trusted by {}", plural(rules, "claim rule")),
        (links, rules) => format!(
            "; trusted by {} and {}",
            plural(links, "compute resource link"),
            plural(rules, "claim rule")
        ),
    }
}

/// Profiles were exported but no policy list: what they may do is unknown. Said once, on
/// the first profile.
fn unknown_without_policies(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let Some(first) = inventory.profiles.first() else {
        return;
    };
    let account = super::roles::account_of(inventory);
    let subject = EntityRef {
        account: None,
        kind: EntityKind::TrustedProfile,
        id: format!("trusted profiles of account {account}"),
        name: None,
        origin: first.origin.clone(),
        address: None,
    };
    context
        .finding(subject, first.origin.clone(), "policies not exported")
        .severity(Severity::Info)
        .unknown()
        .message(format!(
            "{} loaded but no policy list (`{{\"policies\": [...]}}`), so whether any has \
             account-wide access is unknown",
            EntityKind::TrustedProfile.count(inventory.profiles.len())
        ))
        .remediation(format!(
            "export the policies of the trusted profiles: curl -H \"Authorization: $(ibmcloud \
             iam oauth-tokens --output json | jq -r .iam_token)\" \
             'https://iam.cloud.ibm.com/v2/policies?account_id={account}&type=access' (every \
             page), or `ibmcloud iam access-policies --type trusted_profile --output json`"
        ))
        .push(out);
}
