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
//! Administrator there lets a service ID grant itself, or anyone, any access. A service ID
//! listed in an access group holds the group's grants; a group with such a grant whose
//! member list was not loaded whole makes the count unknown when it is not already over.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Deserialize;

use super::roles::{EXPORT_ROLES, Holds, Power, account_of, policy_holds};
use super::{Finding, RuleContext, Severity};
use crate::model::{Activity, EntityKind, EntityRef, Inventory, Policy, Subject, Target};

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
    // The first qualifying grant of each service ID, in load order, with the access group
    // it comes through.
    let mut seen = HashSet::new();
    let mut admins: Vec<Admin<'_>> = Vec::new();
    // Service IDs whose only Administrator-like grant is a custom role without a definition.
    let mut undecided: BTreeMap<&str, Undecided> = BTreeMap::new();
    // Groups with an Administrator grant whose member lists were not loaded whole.
    let mut unknown_groups: BTreeSet<&str> = BTreeSet::new();
    for policy in &inventory.policies {
        // The service IDs the policy reaches: its subject, or the listed members of its group.
        let holders: Vec<(&str, Option<&str>)> = match &policy.subject {
            Subject::AccessGroup(group) => inventory
                .members_of(group)
                .filter_map(|membership| membership.member.service_id())
                .map(|core| (core, Some(group.as_str())))
                .collect(),
            subject => subject.service_id().map(|core| (core, None)).into_iter().collect(),
        };
        let group = match &policy.subject {
            Subject::AccessGroup(group) if !inventory.members_known(group) => Some(group),
            _ => None,
        };
        if holders.is_empty() && group.is_none() {
            continue;
        }
        // A time window that has closed or not opened grants nothing now: not counted.
        if !policy.is_active_access() || policy.activity(context.now) != Activity::Active {
            continue;
        }
        let Some(scope) = admin_scope(policy, iam_services) else {
            continue;
        };
        // A custom role counts by its actions; without its definition it may or may not.
        let holds = policy_holds(inventory, policy, Power::Administrator);
        if holds == Holds::No {
            continue;
        }
        if let Some(group) = group {
            unknown_groups.insert(group);
        }
        for (core, group) in holders {
            match &holds {
                Holds::Yes => {
                    if seen.insert(core) {
                        admins.push(Admin {
                            core,
                            policy,
                            scope: scope.clone(),
                            group,
                        });
                    }
                }
                Holds::Unknown(role) => {
                    undecided.insert(core, Undecided::CustomRole(role.clone()));
                }
                // Roles a plan computes may be Administrator: undecided, never "no".
                Holds::Unresolved(why) => {
                    undecided.insert(core, Undecided::Unresolved(why.clone()));
                }
                Holds::No => {}
            }
        }
    }
    undecided.retain(|core, _| !seen.contains(core));
    // No service ID exists when the list was exported empty: no group can hold one. A plan
    // alone shows part of a group's members, as it shows part of the account: not asked.
    if (inventory.collections.service_ids && inventory.service_ids.is_empty())
        || !inventory.collections.policies
    {
        unknown_groups.clear();
    }
    let count = admins.len() as u64;
    if count <= max && (count + undecided.len() as u64 > max || !unknown_groups.is_empty()) {
        unknown(context, (count, max), (&undecided, &unknown_groups), out);
        return;
    }
    // Sorted by service ID, so the finding's subject (the first) does not depend on the
    // order the policies were exported in, and neither does its fingerprint.
    admins.sort_by(|a, b| a.core.cmp(b.core));
    let Some(Admin {
        core: first_core,
        policy: first_policy,
        scope: first_scope,
        ..
    }) = admins.first()
    else {
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
        .map(|admin| {
            let Admin {
                core,
                policy,
                group,
                ..
            } = admin;
            let through = match group {
                Some(group) => format!(
                    " through access group `{}` (policy {})",
                    group_name(inventory, group),
                    policy.id
                ),
                None => String::new(),
            };
            match (
                inventory
                    .service_id(core)
                    .and_then(|service_id| service_id.name.as_deref()),
                group,
            ) {
                (Some(name), Some(_)) => format!("`{name}` ({core}){through}"),
                (None, Some(_)) => format!("`{core}`{through}"),
                (Some(name), None) => format!("`{name}` ({core}, policy {})", policy.id),
                (None, None) => format!("`{core}` (policy {})", policy.id),
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

/// A service ID's Administrator grant: the policy, its scope in words, and the access group
/// it comes through (`None`: the service ID's own).
struct Admin<'a> {
    core: &'a str,
    policy: &'a Policy,
    scope: String,
    group: Option<&'a str>,
}

fn group_name<'a>(inventory: &'a Inventory, id: &'a str) -> &'a str {
    inventory
        .access_group(id)
        .map_or(id, |group| group.display_name())
}

/// The count is at most `max` but the custom roles some service IDs hold, roles a plan
/// leaves unresolved, or the unknown members of groups holding Administrator, could push it
/// over: unknown once, naming what to export.
fn unknown(
    context: &RuleContext<'_>,
    (count, max): (u64, u64),
    (undecided, groups): (&BTreeMap<&str, Undecided>, &BTreeSet<&str>),
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    let Some(first) = inventory.policies.first() else {
        return;
    };
    let account = account_of(inventory);
    let mut roles = BTreeSet::new();
    let mut unresolved = BTreeSet::new();
    for why in undecided.values() {
        match why {
            Undecided::CustomRole(role) => roles.insert(format!("`{role}`")),
            Undecided::Unresolved(why) => unresolved.insert(why.as_str()),
        };
    }
    let mut missing = Vec::new();
    let mut fixes = Vec::new();
    if !undecided.is_empty() {
        let mut parts = Vec::new();
        if !roles.is_empty() {
            let roles: Vec<String> = roles.into_iter().collect();
            parts.push(format!(
                "custom roles {} there, whose actions were not exported",
                roles.join(", ")
            ));
            fixes.push(EXPORT_ROLES.replace("<ACCOUNT_ID>", &account));
        }
        if !unresolved.is_empty() {
            let unresolved: Vec<&str> = unresolved.into_iter().collect();
            parts.push(format!(
                "roles there that a plan leaves unresolved ({})",
                unresolved.join("; ")
            ));
            fixes.push(super::roles::AFTER_APPLY.to_owned());
        }
        missing.push(format!(
            "{} {}",
            match undecided.len() {
                1 => "1 more holds".to_owned(),
                more => format!("{more} more hold"),
            },
            parts.join(" and ")
        ));
    }
    if !groups.is_empty() {
        let groups: Vec<String> = groups
            .iter()
            .map(|group| format!("`{}`", group_name(inventory, group)))
            .collect();
        missing.push(match groups.as_slice() {
            [group] => format!(
                "access group {group} holds Administrator there, and its member list was not \
                 loaded whole"
            ),
            groups => format!(
                "access groups {} hold Administrator there, and their member lists were not \
                 loaded whole",
                groups.join(", ")
            ),
        });
        fixes.push(
            "export each group's members: GET /v2/groups/<ACCESS_GROUP_ID>/members (every \
             page), or ibmcloud iam access-group-service-ids <GROUP_NAME> --output json"
                .to_owned(),
        );
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
             {}, so whether more than {max} do is unknown",
            missing.join("; ")
        ))
        .remediation(fixes.join("; "))
        .push(out);
}
