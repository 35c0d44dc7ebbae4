//! `key-manager-incomplete-grant`: a subject holds service role Manager on an auditing
//! service (all instances or one) but no platform role that lets it create or read keys
//! there, directly or through the access groups it belongs to.


pub(super) use super::auditing::Audited as Params;
use rustc_hash::{FxHashMap, FxHashSet};

use super::grants::{
    GrantScope, GroupPlatformGrants, PlatformCoverage, inactive_platform_grants,
    platform_coverage_with,
};
use super::policy_subject::{policy_command, subject_entity, subject_label};
use super::policy_text;
use super::{Finding, RuleContext, Severity};
use crate::model::{
    Origin,
    Activity, EntityRef, Inventory, Policy, RoleKind, Subject, Timestamp, instant_words,
};

/// The Manager policies of one subject on one scope.
struct ManagerGrant<'a> {
    subject: &'a Subject,
    scope: GrantScope<'a>,
    service: &'a str,
    policies: Vec<&'a Policy>,
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let services = &params.services;
    if !inventory.collections.policies && inventory.collections.any() {
        no_policies(context, services, out);
        return;
    }
    let grants = manager_grants(inventory, services, context.now);
    let group_grants = GroupPlatformGrants::new(inventory, context.now);
    // The grants of each subject, to compare scopes within a subject only.
    let mut by_subject: FxHashMap<&Subject, Vec<&ManagerGrant<'_>>> = FxHashMap::default();
    for grant in &grants {
        by_subject.entry(grant.subject).or_default().push(grant);
    }
    let mut passed = FxHashSet::default();
    for grant in &grants {
        // A Manager grant on a wider scope of the same subject decides for this one too:
        // report the widest scope only, once.
        let subsumed = by_subject
            .get(grant.subject)
            .into_iter()
            .flatten()
            .any(|wider| wider.scope != grant.scope && wider.scope.is_within(&grant.scope));
        if subsumed {
            continue;
        }
        match platform_coverage_with(inventory, &group_grants, grant.subject, &grant.scope) {
            // The subject a finding would name (the first policy's, for users and profiles).
            PlatformCoverage::Granted => {
                // Built only when the run keeps passes (a JSON run builds no subject).
                if context.records_passes()
                    && let Some(first) = grant.policies.first()
                {
                    let (entity, _) = subject_entity(inventory, grant.subject, first);
                    // Once per subject, even with grants on several scopes.
                    if passed.insert((entity.kind, entity.id.clone())) {
                        context.evaluated(entity);
                    }
                }
            }
            PlatformCoverage::Unknown(groups) => {
                report(context, &group_grants, grant, Some(&groups), out);
            }
            PlatformCoverage::Missing => report(context, &group_grants, grant, None, out),
            PlatformCoverage::UnknownRole(role) => unknown_role(context, grant, &role, out),
            PlatformCoverage::UnresolvedRoles(why) => unresolved_roles(context, grant, &why, out),
        }
    }
}

fn manager_grants<'a>(
    inventory: &'a Inventory,
    services: &[String],
    now: Option<Timestamp>,
) -> Vec<ManagerGrant<'a>> {
    let mut grants: Vec<ManagerGrant<'a>> = Vec::new();
    // (subject, scope) -> its grant, so that each policy joins its grant by lookup.
    let mut index: FxHashMap<(&'a Subject, String), usize> = FxHashMap::default();
    for policy in &inventory.policies {
        // A Manager grant outside its time window gives nothing to complete.
        if !policy.is_active_access()
            || policy.activity(now) != Activity::Active
            || !policy.grants(RoleKind::Service, "Manager")
            || matches!(policy.subject, Subject::Missing | Subject::Other(_))
        {
            continue;
        }
        let scope = GrantScope::of(policy);
        let Some(service) = scope
            .equals("serviceName")
            .filter(|name| services.iter().any(|service| service == name))
        else {
            continue;
        };
        let key = (
            &policy.subject,
            format!(
                "{:?}{:?}{:?}",
                scope.attributes, scope.tags, scope.conditions
            ),
        );
        match index.get(&key) {
            Some(&at) => grants[at].policies.push(policy),
            None => {
                index.insert(key, grants.len());
                grants.push(ManagerGrant {
                    subject: &policy.subject,
                    scope,
                    service,
                    policies: vec![policy],
                });
            }
        }
    }
    grants
}

/// A grant as its findings name it.
struct Described<'a> {
    /// The first policy of the grant (the others are related locations).
    first: &'a Policy,
    /// The subject, in words.
    subject: String,
    /// The scope, in words.
    scope: String,
    entity: EntityRef,
    /// Where the subject is defined, when the inputs hold it.
    entity_origin: Option<Origin>,
}

fn describe<'a>(inventory: &Inventory, grant: &ManagerGrant<'a>) -> Option<Described<'a>> {
    let first = *grant.policies.first()?;
    let (entity, entity_origin) = subject_entity(inventory, grant.subject, first);
    Some(Described {
        first,
        subject: subject_label(inventory, grant.subject),
        scope: grant.scope.label(inventory, grant.service),
        entity,
        entity_origin,
    })
}

fn report(
    context: &RuleContext<'_>,
    group_grants: &GroupPlatformGrants<'_>,
    grant: &ManagerGrant<'_>,
    unknown_groups: Option<&[&str]>,
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    let Some(Described {
        first,
        subject,
        scope,
        entity,
        entity_origin,
    }) = describe(inventory, grant)
    else {
        return;
    };
    let origin = first.roles_origin_or_own();
    let mut finding = match unknown_groups {
        None => context
            .finding(
                entity.clone(),
                origin,
                "grants Manager without Operator, Editor or Administrator",
            )
            .message(format!(
                "{subject} holds service role Manager on {scope}{} but no platform role \
                 Operator, Editor or Administrator there{}: creating or reading a service key \
                 needs both{}",
                first
                    .time_words()
                    .map(|words| format!(" ({words})"))
                    .unwrap_or_default(),
                match grant.subject {
                    Subject::AccessGroup(_) => "",
                    _ => " (directly or through its access groups)",
                },
                members_note(inventory, group_grants, grant) + &inactive_note(context, grant)
            ))
            .remediation(policy_command(
                inventory,
                grant.subject,
                "Operator",
                &grant.scope,
                first,
            )),
        Some(groups) => {
            let groups: Vec<String> = groups
                .iter()
                .map(|group| {
                    inventory.access_group(group).map_or_else(
                        || format!("`{group}`"),
                        |found| format!("`{}`", found.display_name()),
                    )
                })
                .collect();
            context
                .finding(
                    entity.clone(),
                    origin,
                    "grants Manager; platform role unknown",
                )
                .unknown()
                .severity(Severity::Info)
                .message(format!(
                    "{subject} holds service role Manager on {scope}; whether it also holds \
                     Operator, Editor or Administrator there depends on its membership in access \
                     group {}, whose members were not exported",
                    groups.join(", ")
                ))
                .remediation(
                    "export the members of those access groups (GET \
                     /v2/groups/<ACCESS_GROUP_ID>/members?membership_type=all, one file per \
                     group)",
                )
        }
    };
    for other in grant.policies.iter().skip(1) {
        finding = finding.related(
            EntityRef::policy(other),
            other.roles_origin_or_own(),
            "also grants Manager on this scope",
        );
    }
    if let Some(entity_origin) = entity_origin {
        finding = finding.related(entity, entity_origin, "the subject");
    }
    if let Some(instance) = grant
        .scope
        .equals("serviceInstance")
        .and_then(|guid| inventory.instance_by_guid(guid))
    {
        finding = finding.related(
            EntityRef::instance(instance),
            instance.origin.clone(),
            "the instance",
        );
    }
    finding.push(out);
}

/// `; policy `P` grants Operator there, but its time condition expired on 2025-01-31` for
/// the subject's own platform grants on the scope that are not in force.
fn inactive_note(context: &RuleContext<'_>, grant: &ManagerGrant<'_>) -> String {
    inactive_platform_grants(context.inventory, grant.subject, &grant.scope, context.now)
        .into_iter()
        .map(|(policy, activity)| {
            let when = match activity {
                Activity::Expired(at) => {
                    format!("its time condition expired on {}", instant_words(at))
                }
                Activity::NotYet(at) => format!("only from {} on", instant_words(at)),
                Activity::Active => return String::new(),
            };
            format!(
                "; policy `{}` grants {} there, but {when}",
                policy.id,
                policy_text::roles(policy)
            )
        })
        .collect()
}

/// For an access group with a known member list: how many members the gap reaches.
fn members_note(
    inventory: &Inventory,
    group_grants: &GroupPlatformGrants<'_>,
    grant: &ManagerGrant<'_>,
) -> String {
    let Subject::AccessGroup(group) = grant.subject else {
        return String::new();
    };
    if !inventory.members_known(group) {
        return String::new();
    }
    let members: Vec<&Subject> = inventory.members_of(group).map(|m| &m.member).collect();
    let exposed = members
        .iter()
        .filter(|member| {
            matches!(
                platform_coverage_with(inventory, group_grants, member, &grant.scope),
                PlatformCoverage::Missing
            )
        })
        .count();
    let verb = if exposed == 1 { "holds" } else { "hold" };
    format!(
        " ({exposed} of its {} members {verb} none through another grant either)",
        members.len()
    )
}

/// The only grant that could give the platform role is a custom role whose definition was
/// not loaded: unknown, naming the role to export.
fn unknown_role(
    context: &RuleContext<'_>,
    grant: &ManagerGrant<'_>,
    role: &str,
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    let Some(Described {
        first,
        subject,
        scope,
        entity,
        ..
    }) = describe(inventory, grant)
    else {
        return;
    };
    context
        .finding(
            entity,
            first.roles_origin_or_own(),
            "grants Manager; custom role not defined",
        )
        .unknown()
        .severity(Severity::Info)
        .message(format!(
            "{subject} holds service role Manager on {scope}; whether custom role `{role}`, \
             whose actions were not exported, lets it create or read service keys there is \
             unknown"
        ))
        .remediation(
            super::roles::EXPORT_ROLES
                .replace("<ACCOUNT_ID>", &super::roles::account_of(inventory)),
        )
        .push(out);
}

/// The platform role is not known to be granted, but a policy whose roles a plan leaves
/// unresolved may grant it: unknown, with why.
fn unresolved_roles(
    context: &RuleContext<'_>,
    grant: &ManagerGrant<'_>,
    why: &str,
    out: &mut Vec<Finding>,
) {
    let Some(Described {
        first,
        subject,
        scope,
        entity,
        ..
    }) = describe(context.inventory, grant)
    else {
        return;
    };
    context
        .finding(
            entity,
            first.roles_origin_or_own(),
            "grants Manager; platform roles unknown",
        )
        .unknown()
        .severity(Severity::Info)
        .message(format!(
            "{subject} holds service role Manager on {scope}; whether it may also create or \
             read service keys there is unknown: {why}"
        ))
        .remediation(super::roles::AFTER_APPLY)
        .push(out);
}

/// Without policies nobody's grants can be judged: say so for each auditing instance.
fn no_policies(context: &RuleContext<'_>, services: &[String], out: &mut Vec<Finding>) {
    for instance in &context.inventory.instances {
        if !instance
            .service_name()
            .is_some_and(|name| services.iter().any(|service| service == name))
        {
            continue;
        }
        context
            .finding(
                EntityRef::instance(instance),
                instance.origin.clone(),
                "who may manage its keys is unknown",
            )
            .unknown()
            .severity(Severity::Info)
            .message(format!(
                "cannot tell who holds Manager on auditing instance `{}` without a platform role: \
                 no access policies were loaded",
                instance.name.as_deref().unwrap_or(&instance.guid)
            ))
            .remediation(
                "export the policies (GET /v1/policies?account_id=<ACCOUNT_ID> and /v2/policies) \
                 and the access groups with their members",
            )
            .push(out);
    }
}
