//! Naming the subject of a policy (user, service ID, trusted profile, access group) in
//! messages and findings, and the `ibmcloud` command that gives that kind of subject a
//! policy.

use super::grants::GrantScope;
use crate::model::{EntityKind, EntityRef, Inventory, Origin, Policy, PolicyVersion, Subject};

/// `user `IBMid-...` (dana@example.com)`, `service ID `name` (ServiceId-...)`, ...
pub(super) fn subject_label(inventory: &Inventory, subject: &Subject) -> String {
    match subject {
        Subject::User(iam_id) => match user_name(inventory, subject) {
            Some(email) => format!("user `{iam_id}` ({email})"),
            None => format!("user `{iam_id}`"),
        },
        Subject::ServiceId(core) => {
            match inventory
                .service_id(core)
                .and_then(|found| found.name.as_deref())
            {
                Some(name) => format!("service ID `{name}` ({core})"),
                None => format!("service ID `{core}`"),
            }
        }
        Subject::Profile(iam_id) => format!("trusted profile `{iam_id}`"),
        Subject::AccessGroup(id) => {
            match inventory.access_group(id).and_then(|g| g.name.as_deref()) {
                Some(name) => format!("access group `{name}` ({id})"),
                None => format!("access group `{id}`"),
            }
        }
        Subject::Other(text) => format!("subject `{text}`"),
        Subject::Missing => "a policy without subject".to_owned(),
        Subject::Unresolved(unresolved) => {
            format!(
                "a subject not known before apply ({})",
                unresolved.describe()
            )
        }
    }
}

/// The entity a finding about `subject` is about, and where the entity itself was exported
/// (when it was). Service IDs and access groups are entities of their own; users and
/// trusted profiles are not exported as such, so the finding is about `policy`.
pub(super) fn subject_entity(
    inventory: &Inventory,
    subject: &Subject,
    policy: &Policy,
) -> (EntityRef, Option<Origin>) {
    match subject {
        Subject::ServiceId(core) => match inventory.service_id(core) {
            Some(found) => (EntityRef::service_id(found), Some(found.origin.clone())),
            None => (missing(EntityKind::ServiceId, core, policy), None),
        },
        Subject::AccessGroup(id) => match inventory.access_group(id) {
            Some(found) => (EntityRef::access_group(found), Some(found.origin.clone())),
            None => (missing(EntityKind::AccessGroup, id, policy), None),
        },
        _ => (EntityRef::policy(policy), None),
    }
}

fn missing(kind: EntityKind, id: &str, policy: &Policy) -> EntityRef {
    EntityRef {
        account: None,
        kind,
        id: id.to_owned(),
        name: None,
        origin: policy.origin.clone(),
        address: None,
    }
}

/// A user's email from the access group member lists: the `USER_NAME` the CLI expects.
fn user_name<'a>(inventory: &'a Inventory, subject: &Subject) -> Option<&'a str> {
    inventory
        .memberships_of(subject)
        .find_map(|membership| membership.email.as_deref())
}

/// Resource attributes with a flag of their own in the `*-policy-create` commands, in the
/// order the commands' documentation lists them.
const FLAGS: [(&str, &str); 6] = [
    ("serviceName", "--service-name"),
    ("serviceInstance", "--service-instance"),
    ("region", "--region"),
    ("resourceType", "--resource-type"),
    ("resource", "--resource"),
    ("resourceGroupId", "--resource-group-id"),
];

/// The commands that grant `roles` to `subject` on `scope`, for the subject's kind, one
/// per line. A user gets them through an access group (`user-policy-direct`, CIS 1.12,
/// would flag a policy of its own). When tags or conditions narrow the scope, or `like`
/// (the policy the new one sits beside) has a time condition, the flags cannot say them:
/// the policy is written to a file that keeps them.
pub(super) fn policy_command(
    inventory: &Inventory,
    subject: &Subject,
    roles: &str,
    scope: &GrantScope<'_>,
    like: &Policy,
) -> String {
    let group = |id: &str| {
        inventory
            .access_group(id)
            .and_then(|group| group.name.as_deref())
            .unwrap_or("<ACCESS_GROUP_NAME>")
            .to_owned()
    };
    let target = match subject {
        Subject::User(_) => "access-group-policy-create <ACCESS_GROUP_NAME>".to_owned(),
        Subject::ServiceId(core) => format!("service-policy-create {core}"),
        Subject::Profile(iam_id) => format!(
            "trusted-profile-policy-create {}",
            iam_id.strip_prefix("iam-").unwrap_or(iam_id)
        ),
        Subject::AccessGroup(id) => format!("access-group-policy-create {}", group(id)),
        Subject::Other(_) | Subject::Missing | Subject::Unresolved(_) => {
            "service-policy-create <SUBJECT>".to_owned()
        }
    };
    let mut command = if scope.needs_file() || like.rule.is_some() {
        format!(
            "ibmcloud iam {} > policy.json\n\
             # edit policy.json: set the roles to {roles}; keep its resource, tags and rule\n\
             ibmcloud iam {target} --file @policy.json --api-version v2",
            show_command(inventory, &like.subject, &like.id),
        )
    } else {
        format!(
            "ibmcloud iam {target} --roles {roles}{}",
            scope_flags(scope)
        )
    };
    if let Subject::User(iam_id) = subject {
        let user = match user_name(inventory, subject) {
            Some(email) => email.to_owned(),
            None => format!("--iam-ids {iam_id}"),
        };
        command.push_str(&format!(
            "\nibmcloud iam access-group-user-add <ACCESS_GROUP_NAME> {user}"
        ));
    }
    command
}

/// The `ibmcloud iam` command family of a policy's subject (`service-policy`,
/// `user-policy`, ...) and how those commands name the subject.
fn cli_subject<'a>(inventory: &'a Inventory, subject: &'a Subject) -> (&'static str, &'a str) {
    match subject {
        Subject::User(iam_id) => (
            "user-policy",
            user_name(inventory, subject).unwrap_or(iam_id),
        ),
        Subject::ServiceId(core) => ("service-policy", core),
        Subject::Profile(iam_id) => (
            "trusted-profile-policy",
            iam_id.strip_prefix("iam-").unwrap_or(iam_id),
        ),
        Subject::AccessGroup(group) => (
            "access-group-policy",
            inventory
                .access_group(group)
                .and_then(|found| found.name.as_deref())
                .unwrap_or(group),
        ),
        Subject::Other(_) | Subject::Missing | Subject::Unresolved(_) => {
            ("service-policy", "<SUBJECT>")
        }
    }
}

/// The command that prints policy `id` of `subject` as v2 JSON.
fn show_command(inventory: &Inventory, subject: &Subject, id: &str) -> String {
    let (family, name) = cli_subject(inventory, subject);
    let shown = format!("{family} {name} {id}");
    format!("{shown} --api-version v2 --output json")
}

/// ` --service-name logdnaat --service-instance <GUID> --attributes logGroup=audit`.
fn scope_flags(scope: &GrantScope<'_>) -> String {
    let mut flags = String::new();
    for (name, flag) in FLAGS {
        if let Some(value) = scope.equals(name) {
            flags.push_str(&format!(" {flag} {value}"));
        }
    }
    let attributes: Vec<String> = scope
        .attributes
        .iter()
        .filter(|attribute| FLAGS.iter().all(|(name, _)| *name != &*attribute.name))
        .filter_map(|attribute| {
            let value = scope.equals(&attribute.name)?;
            Some(format!("{}={value}", attribute.name))
        })
        .collect();
    if !attributes.is_empty() {
        flags.push_str(&format!(" --attributes {}", attributes.join(",")));
    }
    flags
}

/// How to change `policy` (`edit`: what to change in it) without losing what the
/// `*-policy-update` flags cannot say (its tags and its rule: a time window, resource
/// conditions): through a file holding the whole policy. `None` when the flags say
/// everything (then the rule's `fix` applies).
pub(super) fn update_keeping_conditions(
    inventory: &Inventory,
    policy: &Policy,
    edit: &str,
) -> Option<String> {
    if policy.tags.is_empty() && policy.rule.is_none() {
        return None;
    }
    let version = match policy.version {
        PolicyVersion::V1 => "v1",
        PolicyVersion::V2 => "v2",
    };
    let (family, name) = cli_subject(inventory, &policy.subject);
    let subject = format!("{family}-update {name}");
    let show = show_command(inventory, &policy.subject, &policy.id)
        .replace("--api-version v2", &format!("--api-version {version}"));
    Some(format!(
        "ibmcloud iam {show} > policy.json\n\
         # edit policy.json: {edit}\n\
         ibmcloud iam {subject} {} --file @policy.json --api-version {version}",
        policy.id
    ))
}
