//! Shared by `serviceid-unrestricted` and `profile-unrestricted`: a policy over the whole
//! account (or all of a resource group) instead of named services and instances, held by an
//! identity that works without a person (a service ID's API keys, a profile's compute
//! resources and federated users).

use super::policy_subject::update_keeping_conditions;
use super::roles::{Holds, Power, policy_holds};
use super::{Finding, RuleContext, Severity};
use crate::model::{
    Activity, AttributeValue, EntityRef, Origin, Policy, Target, Unresolved, instant_words,
};

/// The identity a broad policy is reported on.
pub(super) struct Holder<'a> {
    /// The finding's subject.
    pub subject: EntityRef,
    /// `service ID`, `trusted profile`.
    pub kind: &'static str,
    /// The id the CLI takes (`ServiceId-...`, `Profile-...`).
    pub id: &'a str,
    /// `` `name` (id) ``, or `` `id` ``.
    pub name: String,
    /// The `ibmcloud iam <x>-policy-delete` command word (`service`, `trusted-profile`).
    pub command: &'static str,
    /// The fix's placeholder for the id (`SERVICE_ID`, `PROFILE_ID`).
    pub placeholder: &'static str,
    /// The identity itself, as a related location, when it was loaded.
    pub related: Option<(EntityRef, Origin)>,
}

/// Reports `policy` when it is an active access policy over an unrestricted scope.
pub(super) fn report(
    context: &RuleContext<'_>,
    policy: &Policy,
    holder: Holder<'_>,
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    if !policy.is_active_access() {
        return;
    }
    let Some(scope) = unrestricted_scope(policy) else {
        // A scope attribute a plan leaves unknown may be null after apply, and the policy
        // then as wide as the rest of its scope: unknown, never a pass.
        if let Some((scope, unresolved)) = unresolved_scope(policy) {
            cannot_evaluate(context, policy, holder, &scope, &unresolved.describe(), out);
        }
        return;
    };
    // A custom role is judged by its actions; without its definition it may write, so it
    // is taken as the worse case and the message says what is missing.
    let writes = policy_holds(inventory, policy, Power::Write);
    // Roles known only after apply: the scope is broad whatever they are, but how bad it
    // is depends on them, so the verdict is unknown rather than a guessed severity.
    if let Holds::Unresolved(why) = &writes {
        cannot_evaluate(context, policy, holder, &scope, why, out);
        return;
    }
    // A time window that has closed, or not opened yet, grants nothing now: said as
    // information, never a failure of the gate.
    let activity = policy.activity(context.now);
    let severity = match (activity, &writes) {
        (Activity::Active, Holds::Yes | Holds::Unknown(_)) => Severity::High,
        (Activity::Active, Holds::No | Holds::Unresolved(_)) => Severity::Medium,
        (Activity::Expired(_) | Activity::NotYet(_), _) => Severity::Info,
    };
    let unknown_role = match &writes {
        Holds::Unknown(name) => format!(
            "; custom role `{name}` is not defined in the inputs, so it is taken to write \
             (export the roles: GET /v2/roles?account_id=)"
        ),
        Holds::Yes | Holds::No | Holds::Unresolved(_) => String::new(),
    };
    let Holder {
        subject,
        kind,
        id,
        name,
        command,
        placeholder,
        related,
    } = holder;
    let roles = super::policy_text::roles(policy);
    let origin = policy.resource_origin_or_own();
    let mut finding = context
        .finding(subject, origin, "not scoped to a service")
        .severity(severity)
        // One identity can hold several broad policies: each is its own finding.
        .detail(&policy.id)
        .message(match activity {
            Activity::Active => format!(
                "{kind} {name} holds {roles} on {scope} through policy `{}`{}{unknown_role}",
                policy.id,
                policy
                    .time_words()
                    .map(|words| format!(" ({words})"))
                    .unwrap_or_default()
            ),
            Activity::Expired(at) => format!(
                "policy `{}` gave {kind} {name} {roles} on {scope} until {}: its time \
                 condition has expired, so it grants nothing now; delete it",
                policy.id,
                instant_words(at)
            ),
            Activity::NotYet(at) => format!(
                "policy `{}` gives {kind} {name} {roles} on {scope} from {} on: it \
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
                format!("ibmcloud iam {command}-policy-delete {id} {}", policy.id)
            }
            // Narrowed in place, so that its time condition stays.
            _ => update_keeping_conditions(
                inventory,
                policy,
                &format!(
                    "narrow its resource to the services and instances the {kind} uses; \
                     keep its rule"
                ),
            )
            .unwrap_or_else(|| {
                context
                    .meta
                    .fix_with(&[(placeholder, id), ("POLICY_ID", &policy.id)])
            }),
        });
    if let Some((entity, origin)) = related {
        finding = finding.related(entity, origin, format!("the {kind}"));
    }
    finding.push(out);
}

/// An unrestricted-scope verdict that depends on what a plan leaves unresolved: said as
/// `status: unknown` (info, so it never fails a gate on its own), with the reason.
fn cannot_evaluate(
    context: &RuleContext<'_>,
    policy: &Policy,
    holder: Holder<'_>,
    scope: &str,
    why: &str,
    out: &mut Vec<Finding>,
) {
    let Holder {
        subject,
        kind,
        name,
        related,
        ..
    } = holder;
    let mut finding = context
        .finding(subject, policy.origin.clone(), "known only after apply")
        .unknown()
        .severity(Severity::Info)
        .detail(&policy.id)
        .message(format!(
            "cannot tell whether policy `{}` gives {kind} {name} {} on {scope}: {why}",
            policy.id,
            super::policy_text::roles(policy)
        ))
        .related(
            EntityRef::policy(policy),
            policy.roles_origin_or_own(),
            format!("grants {}", super::policy_text::roles(policy)),
        )
        .remediation(super::roles::AFTER_APPLY);
    if let Some((entity, origin)) = related {
        finding = finding.related(entity, origin, format!("the {kind}"));
    }
    finding.push(out);
}

/// Whether a policy is over an unrestricted scope, or may be once what a plan leaves
/// unresolved in its scope is known.
pub(super) fn may_be_unrestricted(policy: &Policy) -> bool {
    unrestricted_scope(policy).is_some() || unresolved_scope(policy).is_some()
}

/// When a policy names a scope attribute a plan leaves unresolved, and without it (a null
/// value drops it) would be unrestricted: that scope in words, and the first unresolved
/// attribute.
fn unresolved_scope(policy: &Policy) -> Option<(String, &Unresolved)> {
    let unresolved = policy
        .resource
        .iter()
        .find_map(|attribute| match &attribute.value {
            AttributeValue::Unresolved(unresolved) => Some(&**unresolved),
            _ => None,
        })?;
    let mut known = policy.clone();
    known.resource = policy
        .resource
        .iter()
        .filter(|attribute| !matches!(attribute.value, AttributeValue::Unresolved(_)))
        .cloned()
        .collect();
    if known.resource.is_empty() {
        // Terraform's `resources` block with no known argument: all IAM-enabled services.
        known.resource = Box::new([crate::model::ResourceAttribute {
            name: crate::model::intern("serviceType"),
            operator: crate::model::Operator::StringEquals,
            value: AttributeValue::String("service".into()),
        }]);
    }
    Some((unrestricted_scope(&known)?, unresolved))
}

/// What an unrestricted policy covers, in words; `None` when it names a service or
/// instance, or when tags, further attributes or resource conditions narrow it (a policy on
/// the resources tagged `env:prod` is not one over the account).
pub(super) fn unrestricted_scope(policy: &Policy) -> Option<String> {
    let scope = policy.scope();
    // All IAM-enabled services in one resource group is as wide as the group itself.
    if let (Target::AllServices, [attribute], [], []) = (
        scope.target,
        scope.attributes.as_slice(),
        scope.tags,
        scope.conditions.as_slice(),
    ) && *attribute.name == *"resourceGroupId"
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
