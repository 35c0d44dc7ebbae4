//! `serviceid-admin-count`: more than `max` service IDs hold Administrator over the whole
//! account or over IAM itself (CIS IBM Cloud Foundations 1.15).
//!
//! Counted scopes, each with no narrowing attribute besides `accountId`, no access
//! management tag and no resource condition, in force at the run's time:
//! - account-wide: no attribute at all, `serviceType=service` (all IAM-enabled services),
//!   `serviceType=platform_service` (all account management services), or any
//!   `service_group_id` (`IAM` is all IAM services);
//! - IAM: `serviceName` one of `iam_services` (default `iam-identity`,
//!   `iam-access-management`, `iam-groups`) without an instance or resource.
//!
//! Administrator there lets a service ID grant itself, or anyone, any access. Grants through
//! access groups are not counted here.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::roles::{EXPORT_ROLES, Holds, Power, account_of, policy_holds};
use super::{Finding, RuleContext, Severity};
use crate::model::{Activity, EntityKind, EntityRef, Policy, Target};

/// `rules/serviceid-admin-count.yaml` gives the defaults (`user-admin-count` takes the same
/// parameters, with its own defaults in its YAML).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    pub max: u64,
    #[serde(deserialize_with = "super::params::non_empty")]
    pub iam_services: Vec<String>,
}

/// What an Administrator grant of `policy` covers, when it is account-wide or IAM-wide and
/// nothing (a tag, a further attribute, a resource condition) narrows it.
pub(super) fn admin_scope(policy: &Policy, iam_services: &[String]) -> Option<String> {
    let scope = policy.scope();
    if scope.is_narrowed() {
        return None;
    }
    match scope.target {
        Target::Account => Some("every resource in the account".to_owned()),
        Target::AccountManagement => Some("all account management services".to_owned()),
        Target::AllServices => Some("all IAM-enabled services (serviceType=service)".to_owned()),
        Target::ServiceType(kind) => Some(format!("all IAM-enabled services (serviceType={kind})")),
        Target::ServiceGroup(group) => Some(format!("service group `{group}`")),
        Target::Service(name) if iam_services.iter().any(|service| service == name) => {
            Some(format!("IAM service `{name}`"))
        }
        _ => None,
    }
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let max = params.max;
    let iam_services = &params.iam_services;
    // The first qualifying grant of each service ID, in load order.
    let mut seen = HashSet::new();
    let mut admins: Vec<(&str, &Policy, String)> = Vec::new();
    // Service IDs whose only Administrator-like grant is a custom role without a definition.
    let mut undecided: BTreeMap<&str, Undecided> = BTreeMap::new();
    for policy in &inventory.policies {
        let Some(core) = policy.subject.service_id() else {
            continue;
        };
        // A time window that has closed or not opened grants nothing now: not counted.
        if !policy.is_active_access() || policy.activity(context.now) != Activity::Active {
            continue;
        }
        let Some(scope) = admin_scope(policy, iam_services) else {
            continue;
        };
        // A custom role counts by its actions; without its definition it may or may not.
        match policy_holds(inventory, policy, Power::Administrator) {
            Holds::Yes => {
                if seen.insert(core) {
                    admins.push((core, policy, scope));
                }
            }
            Holds::Unknown(role) => {
                undecided.insert(core, Undecided::CustomRole(role));
            }
            // Roles a plan computes may be Administrator: undecided, never "no".
            Holds::Unresolved(why) => {
                undecided.insert(core, Undecided::Unresolved(why));
            }
            Holds::No => {}
        }
    }
    undecided.retain(|core, _| !seen.contains(core));
    let count = admins.len() as u64;
    if count <= max && count + undecided.len() as u64 > max {
        unknown_roles(context, count, max, &undecided, out);
        return;
    }
    // Sorted by service ID, so the finding's subject (the first) does not depend on the
    // order the policies were exported in, and neither does its fingerprint.
    admins.sort_by(|a, b| a.0.cmp(b.0));
    let Some((first_core, first_policy, first_scope)) = admins.first() else {
        return;
    };
    let subject = match inventory.service_id(first_core) {
        Some(service_id) => EntityRef::service_id(service_id),
        None => EntityRef {
            account: None,
            kind: EntityKind::ServiceId,
            id: (*first_core).to_owned(),
            name: None,
            origin: first_policy.origin.clone(),
            address: None,
        },
    };
    if count <= max {
        // The count is the account's verdict, carried by the subject a finding would name.
        // Only a full policy export counts every service ID; a plan alone passes nothing.
        if inventory.collections.policies {
            context.evaluated(subject);
        }
        return;
    }
    let origin = first_policy.roles_origin_or_own();
    // One finding for the count. The other grants are named in the message, not attached as
    // related locations: in one large policy export those would make the snippet span it all.
    let names: Vec<String> = admins
        .iter()
        .map(|(core, policy, _)| {
            match inventory
                .service_id(core)
                .and_then(|service_id| service_id.name.as_deref())
            {
                Some(name) => format!("`{name}` ({core}, policy {})", policy.id),
                None => format!("`{core}` (policy {})", policy.id),
            }
        })
        .collect();
    context
        .finding(
            subject,
            origin,
            format!("Administrator on {first_scope} (1 of {count})"),
        )
        .message(format!(
            "{count} service IDs hold Administrator on account-wide or IAM scopes, more than \
             {max}: {}",
            names.join(", ")
        ))
        .remediation(context.meta.fix_with(&[]))
        .push(out);
}

/// Why a service ID's Administrator grant is undecided.
enum Undecided {
    /// A custom role without its definition.
    CustomRole(String),
    /// Roles a plan computes, and why they are unknown.
    Unresolved(String),
}

/// The count is at most `max` but the custom roles some service IDs hold could push it over:
/// unknown once, naming the roles to export.
fn unknown_roles(
    context: &RuleContext<'_>,
    count: u64,
    max: u64,
    undecided: &BTreeMap<&str, Undecided>,
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    let Some(first) = inventory.policies.first() else {
        return;
    };
    let account = account_of(inventory);
    let mut roles = std::collections::BTreeSet::new();
    let mut unresolved = std::collections::BTreeSet::new();
    for why in undecided.values() {
        match why {
            Undecided::CustomRole(role) => roles.insert(format!("`{role}`")),
            Undecided::Unresolved(why) => unresolved.insert(why.as_str()),
        };
    }
    let mut unknown = Vec::new();
    let mut fixes = Vec::new();
    if !roles.is_empty() {
        let roles: Vec<String> = roles.into_iter().collect();
        unknown.push(format!(
            "custom roles {} there, whose actions were not exported",
            roles.join(", ")
        ));
        fixes.push(EXPORT_ROLES.replace("<ACCOUNT_ID>", &account));
    }
    if !unresolved.is_empty() {
        let unresolved: Vec<&str> = unresolved.into_iter().collect();
        unknown.push(format!(
            "roles there that a plan leaves unresolved ({})",
            unresolved.join("; ")
        ));
        fixes.push(super::roles::AFTER_APPLY.to_owned());
    }
    context
        .finding(
            EntityRef {
                account: None,
                kind: EntityKind::ServiceId,
                id: format!("Administrator service IDs of account {account}"),
                name: None,
                origin: first.origin.clone(),
                address: None,
            },
            first.origin.clone(),
            "Administrator service IDs unknown",
        )
        .severity(Severity::Info)
        .unknown()
        .message(format!(
            "{count} service IDs are known to hold Administrator on account-wide or IAM scopes; \
             {} {}, so whether more than {max} do is unknown",
            match undecided.len() {
                1 => "1 more holds".to_owned(),
                more => format!("{more} more hold"),
            },
            unknown.join(" and ")
        ))
        .remediation(fixes.join("; "))
        .push(out);
}
