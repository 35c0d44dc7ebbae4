//! Shared by `serviceid-unrestricted` and `profile-unrestricted`: a policy over the whole
//! account (or all of a resource group) instead of named services and instances, held by an
//! identity that works without a person (a service ID's API keys, a profile's compute
//! resources and federated users).
//!
//! A policy of an access group is held by every member, so a service ID or profile listed
//! in a group is judged on the group's policies too; a group whose member list was not
//! loaded whole makes that unknown. The Public Access group is left to
//! `access-public-enabled`, which reports its policies whatever identities hold them.

use std::collections::HashSet;

use super::policy_subject::update_keeping_conditions;
use super::roles::{Holds, Power, account_of, policy_holds};
use super::{Finding, RuleContext, Severity};
use crate::model::{
    Activity, AttributeValue, EntityKind, EntityRef, Membership, Origin, Policy, Subject, Target,
    Unresolved, instant_words,
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

/// Reports every member a `holder_of` accepts on the unrestricted policies of the access
/// groups it belongs to, and, once, the groups with such a policy whose member lists were
/// not loaded whole (`plural`: `service IDs`, `trusted profiles`). `none_exist`: the
/// identities of this kind were exported and there are none, so no group can hold one.
pub(super) fn through_groups<'a>(
    context: &RuleContext<'a>,
    holder_of: impl Fn(&'a Membership) -> Option<Holder<'a>>,
    (plural, none_exist): (&str, bool),
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    // A member listed twice (two copies of a member list) is reported once per policy.
    let mut seen: HashSet<(&str, usize)> = HashSet::new();
    let mut unknown: Vec<(&str, &Policy)> = Vec::new();
    for (at, policy) in inventory.policies.iter().enumerate() {
        let Subject::AccessGroup(group) = &policy.subject else {
            continue;
        };
        if !policy.is_active_access() || unrestricted_scope(policy).is_none() {
            continue;
        }
        for membership in inventory.members_of(group) {
            let Some(holder) = holder_of(membership) else {
                continue;
            };
            if seen.insert((holder.id, at)) {
                report(context, policy, holder, Some(membership), out);
            }
        }
        // A window that has closed or not opened grants nothing now: nobody to look for.
        if !none_exist
            && !inventory.members_known(group)
            && policy.activity(context.now) == Activity::Active
            && !unknown.iter().any(|(known, _)| known == group)
        {
            unknown.push((group, policy));
        }
    }
    let Some((_, first)) = unknown.first() else {
        return;
    };
    let account = account_of(inventory);
    let groups: Vec<String> = unknown
        .iter()
        .map(|(group, policy)| format!("`{}` (policy {})", group_name(context, group), policy.id))
        .collect();
    let origin = first.subject_origin_or_own();
    context
        .finding(
            EntityRef {
                account: None,
                kind: EntityKind::AccessGroup,
                id: format!("{plural} in access groups of account {account}"),
                name: None,
                origin: origin.clone(),
                address: None,
            },
            origin,
            "group members unknown",
        )
        .severity(Severity::Info)
        .unknown()
        .message({
            let (group, holds, its, lists, it) = if groups.len() == 1 {
                ("group", "holds", "its", "list was", "it")
            } else {
                ("groups", "hold", "their", "lists were", "them")
            };
            format!(
                "access {group} {} {holds} account-wide or resource-group-wide access, but \
                 {its} member {lists} not loaded whole, so whether {plural} hold that access \
                 through {it} is unknown",
                groups.join(", ")
            )
        })
        .remediation(
            "export each group's members, every page: GET /v2/groups/<ACCESS_GROUP_ID>/members \
             saved as access_group_members_<ACCESS_GROUP_ID>.json (or ibmcloud iam \
             access-group-service-ids <GROUP_NAME> and access-group-users <GROUP_NAME>)",
        )
        .push(out);
}

fn group_name<'a>(context: &RuleContext<'a>, id: &'a str) -> &'a str {
    context
        .inventory
        .access_group(id)
        .map_or(id, |group| group.display_name())
}

/// Reports `policy` when it is an active access policy over an unrestricted scope: the
/// holder's own, or (`via`) one of an access group the holder is a member of.
pub(super) fn report<'a>(
    context: &RuleContext<'a>,
    policy: &Policy,
    holder: Holder<'_>,
    via: Option<&'a Membership>,
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
    let group = via.map(|membership| group_name(context, &membership.group_id));
    // `policy `P`` or `access group `X` (policy `P`)`: how the holder comes to hold it.
    let through = match group {
        Some(group) => format!("access group `{group}` (policy `{}`)", policy.id),
        None => format!("policy `{}`", policy.id),
    };
    let mut finding = context
        .finding(subject, origin, "not scoped to a service")
        .severity(severity)
        // One identity can hold several broad policies: each is its own finding.
        .detail(&policy.id)
        .message(match activity {
            Activity::Active => format!(
                "{kind} {name} holds {roles} on {scope} through {through}{}{unknown_role}",
                policy
                    .time_words()
                    .map(|words| format!(" ({words})"))
                    .unwrap_or_default()
            ),
            Activity::Expired(at) => format!(
                "{through} gave {kind} {name} {roles} on {scope} until {}: its time \
                 condition has expired, so it grants nothing now; delete it",
                instant_words(at)
            ),
            Activity::NotYet(at) => format!(
                "{through} gives {kind} {name} {roles} on {scope} from {} on: it \
                 grants nothing yet; narrow it before then",
                instant_words(at)
            ),
        })
        .related(
            EntityRef::policy(policy),
            policy.roles_origin_or_own(),
            format!("grants {roles}"),
        );
    if let (Some(membership), Some(group)) = (via, group) {
        finding = finding
            .related(
                EntityRef {
                    account: None,
                    kind: EntityKind::AccessGroup,
                    id: membership.group_id.clone(),
                    name: Some(group.to_owned()),
                    origin: membership.origin.clone(),
                    address: None,
                },
                membership.origin.clone(),
                format!("member of access group `{group}`"),
            )
            .remediation(group_remediation(
                context,
                policy,
                (kind, command, id),
                membership,
                group,
            ));
        if let Some((entity, origin)) = related {
            finding = finding.related(entity, origin, format!("the {kind}"));
        }
        finding.push(out);
        return;
    }
    finding = finding.remediation(match activity {
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

/// The fix of a grant through a group: take the member out of the group, or narrow the
/// group's policy, which changes what every member holds (an expired one is deleted).
fn group_remediation(
    context: &RuleContext<'_>,
    policy: &Policy,
    (kind, command, id): (&str, &str, &str),
    membership: &Membership,
    group: &str,
) -> String {
    let remove = match command {
        // The CLI takes a service ID by its name or its `ServiceId-...` id.
        "service" => format!("ibmcloud iam access-group-service-id-remove \"{group}\" {id}"),
        // The members API takes every kind of member by its IAM ID.
        _ => format!(
            "curl -X DELETE -H \"Authorization: $(ibmcloud iam oauth-tokens --output json | jq \
             -r .iam_token)\" https://iam.cloud.ibm.com/v2/groups/{}/members/{}",
            membership.group_id, membership.iam_id
        ),
    };
    let group_fix = match policy.activity(context.now) {
        Activity::Expired(_) => format!(
            "# the policy grants nothing now: delete it\nibmcloud iam access-group-policy-delete \
             \"{group}\" {}",
            policy.id
        ),
        _ => update_keeping_conditions(
            context.inventory,
            policy,
            "narrow its resource to the services and instances the group's members use; \
             keep its rule",
        )
        .map(|fix| format!("# or narrow the group's policy, for every member:\n{fix}"))
        .unwrap_or_else(|| {
            format!(
                "# or narrow the group's policy, for every member:\nibmcloud iam \
                 access-group-policy-update \"{group}\" {} --roles <ROLES> --service-name \
                 <SERVICE_NAME>",
                policy.id
            )
        }),
    };
    format!("# take the {kind} out of access group `{group}`:\n{remove}\n{group_fix}")
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
