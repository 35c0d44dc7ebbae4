//! IAM Access Groups: the groups of an account and who belongs to them.
//!
//! Policies can name an access group as their subject; every member then holds what the
//! group holds. Member lists are exported per group, so the inventory also records which
//! groups' member lists were loaded (and whether completely), to tell "not a member" from
//! "membership unknown".

use std::borrow::Cow;

use super::origin::Origin;
use super::policy::Subject;

/// The group every identity of the account belongs to without being listed.
pub const PUBLIC_ACCESS_GROUP: &str = "AccessGroupId-PublicAccess";

/// An access group (`GET /v2/groups`).
#[derive(Debug, Clone)]
pub struct AccessGroup {
    /// `AccessGroupId-<uuid>`, the value of a policy's `access_group_id` subject attribute.
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub origin: Origin,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
}

impl AccessGroup {
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// One member of one access group (`GET /v2/groups/{id}/members`).
#[derive(Debug, Clone)]
pub struct Membership {
    /// The group the member belongs to.
    pub group_id: String,
    /// The member's `iam_id` as exported (`IBMid-...`, `iam-ServiceId-...`, `iam-Profile-...`).
    pub iam_id: String,
    /// The member as a policy subject names it, so the two can be joined.
    pub member: Subject,
    /// `user`, `service` or `profile`.
    pub kind: Option<String>,
    pub name: Option<String>,
    /// A user's email: the user name the `ibmcloud iam user-policy-*` commands expect.
    pub email: Option<String>,
    /// The account the entity belongs to: what its own data names (`account_id`, the `a/<account>`
    /// scope of its CRN), else its document's account; resolved by `InventoryBuilder::finish`.
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
}

/// A subject as one comparable string: service IDs by their core, the others as written.
/// Borrowed from the subject except for an unresolved one.
pub(super) fn subject_key(subject: &Subject) -> Cow<'_, str> {
    match subject {
        Subject::ServiceId(id)
        | Subject::User(id)
        | Subject::Profile(id)
        | Subject::AccessGroup(id)
        | Subject::Other(id) => Cow::Borrowed(id),
        Subject::Missing => Cow::Borrowed(""),
        Subject::Unresolved(unresolved) => Cow::Owned(format!(
            "unresolved:{}:{}",
            unresolved.address, unresolved.argument
        )),
    }
}
