//! `serviceid-unrestricted`: a service ID with a policy over the whole account (or all of a
//! resource group) instead of named services and instances.

use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef, Policy, Scope, Subject, Unresolved};

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
        let severity = if roles.iter().any(|role| POWERFUL_ROLES.contains(role)) {
            Severity::High
        } else {
            Severity::Medium
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
        let origin = policy
            .resource_origin
            .clone()
            .unwrap_or_else(|| policy.origin.clone());
        let mut finding = context
            .finding(subject, origin, "not scoped to a service")
            .severity(severity)
            // One service ID can hold several broad policies: each is its own finding.
            .detail(&policy.id)
            .message(format!(
                "service ID {name} holds {roles} on {scope} through policy `{}`",
                policy.id
            ))
            .related(
                EntityRef::policy(policy),
                policy
                    .roles_origin
                    .clone()
                    .unwrap_or_else(|| policy.origin.clone()),
                format!("grants {roles}"),
            )
            .remediation(
                context
                    .meta
                    .fix_with(&[("SERVICE_ID", core), ("POLICY_ID", &policy.id)]),
            );
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

/// What an unrestricted policy covers, in words; `None` when it names a service.
fn unrestricted_scope(policy: &Policy) -> Option<String> {
    Some(match policy.scope() {
        Scope::Account => "every resource in the account".to_owned(),
        Scope::AllServicesOfType("platform_service") => {
            "all account management services (serviceType=platform_service)".to_owned()
        }
        Scope::AllServicesOfType(kind) => {
            format!("all IAM-enabled services in the account (serviceType={kind})")
        }
        Scope::ServiceGroup(group) => format!("every service of service group `{group}`"),
        Scope::ResourceGroup(group) => format!("every resource in resource group `{group}`"),
        Scope::Service { .. } | Scope::Other => return None,
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
            policy
                .subject_origin
                .clone()
                .unwrap_or_else(|| policy.origin.clone()),
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
