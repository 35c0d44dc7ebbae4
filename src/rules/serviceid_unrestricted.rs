//! `serviceid-unrestricted`: a service ID with a policy over the whole account (or all of a
//! resource group) instead of named services and instances.

use super::policy_subject::update_keeping_conditions;
use super::{Finding, RuleContext, Severity};
use crate::model::{
    Activity, EntityKind, EntityRef, Policy, Subject, Target, Unresolved, instant_words,
};

/// Roles that let the holder change things, not only read them.
const POWERFUL_ROLES: &[&str] = &["Administrator", "Manager", "Editor", "Writer"];

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    // Without the policies nothing can be said about any service ID: no passes either.
    if inventory.collections.policies {
        for service_id in &inventory.service_ids {
            context.evaluated(EntityRef::service_id(service_id));
        }
    }
    for policy in &inventory.policies {
        if let Subject::Unresolved(unresolved) = &policy.subject {
            unresolved_subject(context, policy, unresolved, out);
            continue;
        }
        let Some(core) = policy.subject.service_id() else {
            continue;
        };
        if !policy.is_active_access() {
            continue;
        }
        let Some(scope) = unrestricted_scope(policy) else {
            continue;
        };
        let roles: Vec<&str> = policy.roles.iter().map(|role| role.name.as_str()).collect();
        // A time window that has closed, or not opened yet, grants nothing now: said as
        // information, never a failure of the gate.
        let activity = policy.activity(context.now);
        let severity = match activity {
            Activity::Active if roles.iter().any(|role| POWERFUL_ROLES.contains(role)) => {
                Severity::High
            }
            Activity::Active => Severity::Medium,
            Activity::Expired(_) | Activity::NotYet(_) => Severity::Info,
        };
        let service_id = inventory.service_id(core);
        let subject = match service_id {
            Some(service_id) => EntityRef::service_id(service_id),
            None => EntityRef {
                account: None,
                kind: EntityKind::ServiceId,
                id: core.to_owned(),
                name: None,
                origin: policy.origin.clone(),
                address: None,
            },
        };
        let name = match service_id.and_then(|service_id| service_id.name.as_deref()) {
            Some(name) => format!("`{name}` ({core})"),
            None => format!("`{core}`"),
        };
        let roles = if roles.is_empty() {
            "no roles".to_owned()
        } else {
            roles.join(", ")
        };
        let origin = policy.resource_origin_or_own();
        let mut finding = context
            .finding(subject, origin, "not scoped to a service")
            .severity(severity)
            // One service ID can hold several broad policies: each is its own finding.
            .detail(&policy.id)
            .message(match activity {
                Activity::Active => format!(
                    "service ID {name} holds {roles} on {scope} through policy `{}`{}",
                    policy.id,
                    policy
                        .time_words()
                        .map(|words| format!(" ({words})"))
                        .unwrap_or_default()
                ),
                Activity::Expired(at) => format!(
                    "policy `{}` gave service ID {name} {roles} on {scope} until {}: its time \
                     condition has expired, so it grants nothing now; delete it",
                    policy.id,
                    instant_words(at)
                ),
                Activity::NotYet(at) => format!(
                    "policy `{}` gives service ID {name} {roles} on {scope} from {} on: it \
                     grants nothing yet; narrow it before then",
                    policy.id,
                    instant_words(at)
                ),
            })
            .related(
                EntityRef::policy(policy),
                policy.roles_origin_or_own(),
                format!("grants {roles}"),
            )
            .remediation(match activity {
                // Nothing to replace: the policy no longer grants anything.
                Activity::Expired(_) => {
                    format!("ibmcloud iam service-policy-delete {core} {}", policy.id)
                }
                // Narrowed in place, so that its time condition stays.
                _ => update_keeping_conditions(
                    inventory,
                    policy,
                    "narrow its resource to the services and instances the service ID uses; \
                     keep its rule",
                )
                .unwrap_or_else(|| {
                    context
                        .meta
                        .fix_with(&[("SERVICE_ID", core), ("POLICY_ID", &policy.id)])
                }),
            });
        if let Some(service_id) = service_id {
            finding = finding.related(
                EntityRef::service_id(service_id),
                service_id.origin.clone(),
                "the service ID",
            );
        }
        finding.push(out);
    }
}

/// What an unrestricted policy covers, in words; `None` when it names a service or
/// instance, or when tags, further attributes or resource conditions narrow it (a policy on
/// the resources tagged `env:prod` is not one over the account).
fn unrestricted_scope(policy: &Policy) -> Option<String> {
    let scope = policy.scope();
    // All IAM-enabled services in one resource group is as wide as the group itself.
    if let (Target::AllServices, [attribute], [], []) = (
        scope.target,
        scope.attributes.as_slice(),
        scope.tags,
        scope.conditions.as_slice(),
    ) && attribute.name == "resourceGroupId"
        && let Some(group) = policy.resource_equals("resourceGroupId")
    {
        return Some(format!(
            "all IAM-enabled services in resource group `{group}`"
        ));
    }
    if scope.is_narrowed() {
        return None;
    }
    Some(match scope.target {
        Target::Account => "every resource in the account".to_owned(),
        Target::AccountManagement => {
            "all account management services (serviceType=platform_service)".to_owned()
        }
        Target::AllServices => {
            "all IAM-enabled services in the account (serviceType=service)".to_owned()
        }
        Target::ServiceType(kind) => {
            format!("all IAM-enabled services in the account (serviceType={kind})")
        }
        Target::ServiceGroup(group) => format!("every service of service group `{group}`"),
        Target::ResourceGroup(group) => format!("every resource in resource group `{group}`"),
        Target::Service(_) | Target::Instance { .. } | Target::Unknown => return None,
    })
}

/// An unrestricted policy whose subject a plan leaves unresolved: it may give a service ID
/// this access, so it is reported as unknown, never passed silently.
fn unresolved_subject(
    context: &RuleContext<'_>,
    policy: &Policy,
    unresolved: &Unresolved,
    out: &mut Vec<Finding>,
) {
    if !policy.is_active_access() {
        return;
    }
    let Some(scope) = unrestricted_scope(policy) else {
        return;
    };
    let roles: Vec<&str> = policy.roles.iter().map(|role| role.name.as_str()).collect();
    context
        .finding(
            EntityRef::policy(policy),
            policy.subject_origin_or_own(),
            "subject known only after apply",
        )
        .unknown()
        // Unknown is not a failure: it must not fail a CI gate on its own.
        .severity(Severity::Info)
        .message(format!(
            "cannot tell whether policy `{}` gives a service ID {} on {scope}: {}",
            policy.id,
            roles.join(", "),
            unresolved.describe()
        ))
        .remediation(
            "check the state after apply (`terraform show -json > state.json`), or set the \
             policy's subject from a resource attribute or module input the plan can resolve",
        )
        .push(out);
}
