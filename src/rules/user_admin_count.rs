//! `user-admin-count`: more than `max` users hold Administrator over the whole account or
//! over IAM, directly or through the access groups they belong to (CIS IBM Cloud
//! Foundations 1.14).
//!
//! The scopes are `serviceid-admin-count`'s (`admin_scope`). A user is a policy subject or
//! group member named `IBMid-...` (or a member of type `user`); an Administrator grant is
//! the Administrator platform role or a custom role with an access-changing action (see
//! `roles`). Grants that cannot be decided (a group whose members were not exported, a
//! custom role without its definition) make the count unknown when they could push it over.
//! A user named by e-mail (as Terraform names users) is the IAM ID that e-mail belongs to,
//! when a user list or a member record ties them. A plan without a policy export fails
//! when its own grants are already over `max`, and says nothing otherwise.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::roles::{EXPORT_ROLES, Holds, Power, policy_holds};
pub(super) use super::serviceid_admin_count::Params;
use super::serviceid_admin_count::admin_scope;
use super::{Finding, RuleContext, Severity};
use crate::model::{
    Activity, EntityKind, EntityRef, Inventory, Membership, PUBLIC_ACCESS_GROUP, Policy, Subject,
};

/// The user a subject names, if it is one.
fn user_of(subject: &Subject) -> Option<&str> {
    match subject {
        Subject::User(id) => Some(id),
        // Federated and other user ids carry no `IBMid-` prefix (`iam-...`).
        Subject::Other(id) if id.starts_with("iam-") => Some(id),
        _ => None,
    }
}

fn is_user(membership: &Membership) -> bool {
    user_of(&membership.member).is_some() || membership.kind.as_deref() == Some("user")
}

/// How one user comes to hold Administrator.
struct Grant<'a> {
    policy: &'a Policy,
    group: Option<&'a str>,
    /// A member's email, for the message.
    email: Option<&'a str>,
}

/// What is undecided.
#[derive(Default)]
struct Unknowns<'a> {
    /// Groups holding Administrator whose member lists were not (completely) exported.
    groups: BTreeSet<&'a str>,
    /// Users whose only Administrator-like grant is a custom role without a definition.
    users: BTreeSet<&'a str>,
    /// Those custom roles.
    roles: BTreeSet<String>,
    /// Why the roles of policies a plan leaves unresolved are unknown (they may be
    /// Administrator).
    unresolved: BTreeSet<String>,
}

/// The IAM IDs of the users the inputs name by e-mail or login name (User Management's
/// `email` and `user_id`, an access group member's `email`), keyed in lower case: a
/// Terraform plan names users by e-mail (`ibm_id`, `ibm_ids`), an export by IAM ID, and
/// one person must be counted once.
fn iam_ids_by_email(inventory: &Inventory) -> HashMap<String, &str> {
    let mut by_email = HashMap::new();
    for user in &inventory.people.users {
        for name in [&user.email, &user.user_id].into_iter().flatten() {
            if name.contains('@') {
                by_email.insert(name.to_lowercase(), user.iam_id.as_str());
            }
        }
    }
    for membership in &inventory.memberships {
        // Only a member record that carries both names ties them; a plan's member is named
        // by e-mail alone.
        if let Some(email) = &membership.email
            && !membership.iam_id.contains('@')
        {
            by_email
                .entry(email.to_lowercase())
                .or_insert(membership.iam_id.as_str());
        }
    }
    by_email
}

/// A user named by e-mail counts as the IAM ID that e-mail is known to belong to; the e-mail
/// is kept for the message.
fn identify<'a>(
    by_email: &HashMap<String, &'a str>,
    user: &'a str,
    email: Option<&'a str>,
) -> (&'a str, Option<&'a str>) {
    if user.contains('@')
        && let Some(iam_id) = by_email.get(&user.to_lowercase())
    {
        return (iam_id, Some(email.unwrap_or(user)));
    }
    (user, email)
}

pub(super) fn check(context: &RuleContext<'_>, params: &Params, out: &mut Vec<Finding>) {
    let inventory = context.inventory;
    let max = params.max;
    let iam_services = &params.iam_services;
    let by_email = iam_ids_by_email(inventory);
    let mut admins: BTreeMap<&str, Grant<'_>> = BTreeMap::new();
    let mut unknowns = Unknowns::default();
    // An Administrator grant to the Public Access group: every user holds it.
    let mut public: Option<&Policy> = None;
    for policy in &inventory.policies {
        // A time window that has closed or not opened grants nothing now: not counted.
        if !policy.is_active_access()
            || policy.activity(context.now) != Activity::Active
            || admin_scope(policy, iam_services).is_none()
        {
            continue;
        }
        let holds = policy_holds(inventory, policy, Power::Administrator);
        if holds == Holds::No {
            continue;
        }
        let mut users: Vec<(&str, Option<&str>, Option<&str>)> = Vec::new();
        match &policy.subject {
            // Every identity of the account belongs to the Public Access group.
            Subject::AccessGroup(group) if group == PUBLIC_ACCESS_GROUP => {
                if holds == Holds::Yes {
                    public.get_or_insert(policy);
                }
            }
            Subject::AccessGroup(group) => {
                if !inventory.members_known(group) {
                    unknowns.groups.insert(group);
                }
                for membership in inventory.members_of(group).filter(|m| is_user(m)) {
                    users.push((
                        &membership.iam_id,
                        Some(group.as_str()),
                        membership.email.as_deref(),
                    ));
                }
            }
            subject => {
                if let Some(user) = user_of(subject) {
                    users.push((user, None, None));
                }
            }
        }
        for (user, group, email) in users {
            let (user, email) = identify(&by_email, user, email);
            match &holds {
                Holds::Yes => {
                    unknowns.users.remove(user);
                    admins.entry(user).or_insert(Grant {
                        policy,
                        group,
                        email,
                    });
                }
                Holds::Unknown(role) => {
                    if !admins.contains_key(user) {
                        unknowns.users.insert(user);
                        unknowns.roles.insert(role.clone());
                    }
                }
                Holds::Unresolved(why) => {
                    if !admins.contains_key(user) {
                        unknowns.users.insert(user);
                        unknowns.unresolved.insert(why.clone());
                    }
                }
                Holds::No => {}
            }
        }
    }
    let count = admins.len() as u64;
    let account = super::roles::account_of(inventory);
    // Without a policy export only the plan's own grants are known. They exist after apply,
    // so more than `max` of them (or one to everyone) is a certain failure; fewer says
    // nothing, since the plan does not show the account's other Administrators.
    let declared_only = !inventory.collections.policies;
    if let Some(policy) = public {
        context
            .finding(
                subject(&account, policy),
                policy.roles_origin_or_own(),
                "Administrator for everyone",
            )
            .message(format!(
                "the Public Access group holds Administrator on account-wide or IAM scopes \
                 through policy {}: every user of the account does, far more than {max}",
                policy.id
            ))
            .remediation(format!(
                "ibmcloud iam access-group-policy-delete \"Public Access\" {}",
                policy.id
            ))
            .push(out);
        return;
    }
    if count > max {
        let Some((_, first)) = admins.iter().next() else {
            return;
        };
        let names: Vec<String> = admins
            .iter()
            .map(|(user, grant)| {
                let who = match grant.email {
                    Some(email) if email != *user => format!("`{user}` ({email})"),
                    _ => format!("`{user}`"),
                };
                match grant.group {
                    Some(group) => format!(
                        "{who} through access group `{}` (policy {})",
                        group_name(inventory, group),
                        grant.policy.id
                    ),
                    None => format!("{who} (policy {})", grant.policy.id),
                }
            })
            .collect();
        context
            .finding(
                subject(&account, first.policy),
                first.policy.roles_origin_or_own(),
                format!("{count} users with Administrator"),
            )
            .message(format!(
                "{count} users hold Administrator on account-wide or IAM scopes, more than \
                 {max}: {}",
                names.join(", ")
            ))
            .remediation(context.meta.fix_with(&[]))
            .push(out);
        return;
    }
    if declared_only {
        if super::roles::exported(inventory) {
            unknown(context, (None, max), &Unknowns::default(), out);
        }
        return;
    }
    let undecided = !unknowns.groups.is_empty() || count + unknowns.users.len() as u64 > max;
    if undecided {
        unknown(context, (Some(count), max), &unknowns, out);
        return;
    }
    // The count is the account's verdict, carried by its first policy.
    if let Some(policy) = inventory.policies.first() {
        context.evaluated(subject(&account, policy));
    }
}

/// The account-level subject: the count is the account's, so its id names the account and
/// not the first user (whose change would change the fingerprint).
fn subject(account: &str, policy: &Policy) -> EntityRef {
    EntityRef {
        account: None,
        kind: EntityKind::Policy,
        id: format!("Administrator users of account {account}"),
        name: None,
        origin: policy.origin.clone(),
        address: None,
    }
}

fn group_name<'a>(inventory: &'a Inventory, id: &'a str) -> &'a str {
    inventory
        .access_group(id)
        .map_or(id, |group| group.display_name())
}

/// The count cannot be decided: said once, naming what to export.
fn unknown(
    context: &RuleContext<'_>,
    (count, max): (Option<u64>, u64),
    unknowns: &Unknowns<'_>,
    out: &mut Vec<Finding>,
) {
    let inventory = context.inventory;
    let account = super::roles::account_of(inventory);
    let (message, remediation) = match count {
        None => (
            "no policy list (`{\"policies\": [...]}`) was loaded, so the number of users with \
             Administrator is unknown"
                .to_owned(),
            format!(
                "export the policies: curl -H \"Authorization: $(ibmcloud iam oauth-tokens \
                 --output json | jq -r .iam_token)\" \
                 'https://iam.cloud.ibm.com/v2/policies?account_id={account}' (every page), \
                 and the members of every access group (GET /v2/groups/<ACCESS_GROUP_ID>/members)"
            ),
        ),
        Some(count) => {
            let mut missing = Vec::new();
            let mut fixes = Vec::new();
            if !unknowns.groups.is_empty() {
                let groups: Vec<String> = unknowns
                    .groups
                    .iter()
                    .map(|group| format!("`{}`", group_name(inventory, group)))
                    .collect();
                missing.push(format!(
                    "the members of access groups {} that hold Administrator",
                    groups.join(", ")
                ));
                fixes.push(
                    "export each group's members: ibmcloud iam access-group-users <GROUP_NAME> \
                     --output json, or GET /v2/groups/<ACCESS_GROUP_ID>/members (every page)"
                        .to_owned(),
                );
            }
            if !unknowns.roles.is_empty() {
                let roles: Vec<String> = unknowns
                    .roles
                    .iter()
                    .map(|role| format!("`{role}`"))
                    .collect();
                missing.push(format!("the actions of custom roles {}", roles.join(", ")));
                fixes.push(EXPORT_ROLES.replace("<ACCOUNT_ID>", &account));
            }
            if !unknowns.unresolved.is_empty() {
                let unresolved: Vec<&str> =
                    unknowns.unresolved.iter().map(String::as_str).collect();
                missing.push(format!(
                    "the roles a plan leaves unresolved ({})",
                    unresolved.join("; ")
                ));
                fixes.push(super::roles::AFTER_APPLY.to_owned());
            }
            (
                format!(
                    "{} known to hold Administrator on account-wide or IAM scopes; whether \
                     more than {} do is unknown without {}",
                    match count {
                        1 => "1 user is".to_owned(),
                        count => format!("{count} users are"),
                    },
                    max,
                    missing.join(" and ")
                ),
                fixes.join("; "),
            )
        }
    };
    // Anchored on the first policy, else the first loaded entity of the account.
    let origin = inventory
        .policies
        .first()
        .map(|policy| policy.origin.clone())
        .or_else(|| inventory.service_ids.first().map(|s| s.origin.clone()))
        .or_else(|| inventory.access_groups.first().map(|g| g.origin.clone()))
        .or_else(|| inventory.profiles.first().map(|p| p.origin.clone()));
    let Some(origin) = origin else {
        return;
    };
    let subject = EntityRef {
        account: None,
        kind: EntityKind::Policy,
        id: format!("Administrator users of account {account}"),
        name: None,
        origin: origin.clone(),
        address: None,
    };
    context
        .finding(subject, origin, "Administrator users unknown")
        .severity(Severity::Info)
        .unknown()
        .message(message)
        .remediation(remediation)
        .push(out);
}
