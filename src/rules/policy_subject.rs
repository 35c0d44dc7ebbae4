//! Naming the subject of a policy (user, service ID, trusted profile, access group) in
//! messages and findings, and the `ibmcloud` command that gives that kind of subject a
//! policy.

use super::grants::GrantScope;
use crate::model::{EntityKind, EntityRef, Inventory, Origin, Policy, Subject};

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

/// The command that grants `roles` to `subject` on `scope`, for the subject's kind.
pub(super) fn policy_command(
    inventory: &Inventory,
    subject: &Subject,
    roles: &str,
    scope: &GrantScope<'_>,
) -> String {
    let target = match subject {
        Subject::User(_) => format!(
            "user-policy-create {}",
            user_name(inventory, subject).unwrap_or("<USER_NAME>")
        ),
        Subject::ServiceId(core) => format!("service-policy-create {core}"),
        Subject::Profile(iam_id) => format!(
            "trusted-profile-policy-create {}",
            iam_id.strip_prefix("iam-").unwrap_or(iam_id)
        ),
        Subject::AccessGroup(id) => format!(
            "access-group-policy-create {}",
            inventory
                .access_group(id)
                .and_then(|group| group.name.as_deref())
                .unwrap_or("<ACCESS_GROUP_NAME>")
        ),
        Subject::Other(_) | Subject::Missing | Subject::Unresolved(_) => {
            "service-policy-create <SUBJECT>".to_owned()
        }
    };
    let mut command = format!("ibmcloud iam {target} --roles {roles}");
    for (name, flag) in FLAGS {
        if let Some(value) = scope.equals(name) {
            command.push_str(&format!(" {flag} {value}"));
        }
    }
    let attributes: Vec<String> = scope
        .attributes
        .iter()
        .filter(|attribute| FLAGS.iter().all(|(name, _)| *name != attribute.name))
        .filter_map(|attribute| {
            let value = scope.equals(&attribute.name)?;
            Some(format!("{}={value}", attribute.name))
        })
        .collect();
    if !attributes.is_empty() {
        command.push_str(&format!(" --attributes {}", attributes.join(",")));
    }
    command
}
