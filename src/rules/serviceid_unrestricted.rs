//! `serviceid-unrestricted`: a service ID with a policy over the whole account (or all of a
//! resource group) instead of named services and instances, its own or one of an access
//! group it is a member of.

use super::unrestricted::{
    Holder, may_be_unrestricted, report, through_groups, unrestricted_scope,
};
use super::{Finding, RuleContext, Severity};
use crate::model::{EntityKind, EntityRef, Inventory, Origin, Policy, Subject, Unresolved};

pub(super) fn check(context: &RuleContext<'_>, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    // Without the policies nothing can be said about any service ID: no passes either.
    if inventory.collections.policies {
        for service_id in &inventory.service_ids {
            context.evaluated_entity(service_id);
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
        if !policy.is_active_access() || !may_be_unrestricted(policy) {
            continue;
        }
        report(context, policy, holder(inventory, core, &policy.origin), None, out);
    }
    // No service ID exists when the list was exported empty: no group can hold one.
    let none_exist = inventory.collections.service_ids && inventory.service_ids.is_empty();
    through_groups(
        context,
        |membership| {
            let core = membership.member.service_id()?;
            Some(holder(inventory, core, &membership.origin))
        },
        ("service IDs", none_exist),
        out,
    );
}

/// The service ID with this core as the finding names it; `origin` locates it when it was
/// not loaded (the policy or member record that names it).
fn holder<'a>(inventory: &'a Inventory, core: &'a str, origin: &Origin) -> Holder<'a> {
    let service_id = inventory.service_id(core);
    let subject = match service_id {
        Some(service_id) => EntityRef::service_id(service_id),
        None => EntityRef {
            account: None,
            kind: EntityKind::ServiceId,
            id: core.to_owned(),
            name: None,
            origin: origin.clone(),
            address: None,
        },
    };
    let name = match service_id.and_then(|service_id| service_id.name.as_deref()) {
        Some(name) => format!("`{name}` ({core})"),
        None => format!("`{core}`"),
    };
    Holder {
        subject,
        kind: "service ID",
        id: core,
        name,
        command: "service",
        placeholder: "SERVICE_ID",
        related: service_id
            .map(|service_id| (EntityRef::service_id(service_id), service_id.origin.clone())),
    }
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
            super::policy_text::roles(policy),
            unresolved.describe()
        ))
        .remediation(
            "check the state after apply (`terraform show -json > state.json`), or set the \
             policy's subject from a resource attribute or module input the plan can resolve",
        )
        .push(out);
}
