//! What a role lets its holder do, for the rules that judge roles: IBM's system roles by
//! name, an account's custom roles (`customRole:<Name>`) by the actions of their
//! definitions. Without the definitions a custom role's power is unknown, never "none".

use crate::model::{Inventory, Policy, Role, RoleKind};

/// A power a rule asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Power {
    /// Changing who has access (the Administrator platform role): the IAM policy management
    /// actions, which IBM's context-based restrictions page lists for the `policy`
    /// resource type of `iam-access-management`.
    Administrator,
    /// Changing things, not only reading them (Administrator, Manager, Editor, Writer):
    /// any action that is not a read.
    Write,
    /// Creating or reading service keys (the Operator, Editor and Administrator platform
    /// roles): creating keys, or seeing every key's credentials.
    KeyAccess,
}

/// The actions that change access (`iam.policy.*` writes, delegation policies, role
/// assignment).
const ACCESS_ACTIONS: [&str; 6] = [
    "iam.policy.create",
    "iam.policy.update",
    "iam.policy.delete",
    "iam.delegationPolicy.create",
    "iam.delegationPolicy.update",
    "iam.role.assign",
];

/// The resource controller actions that create keys (the Activity Tracker event of key
/// creation) or show any key's credentials (IBM's "Viewing a credential" page).
const KEY_ACTIONS: [&str; 2] = [
    "resource-controller.key.create",
    "resource-controller.credential.retrieve_all",
];

/// The last segments of read-only action ids (`kms.secrets.list`, `iam.policy.read`).
const READ_VERBS: [&str; 5] = ["read", "get", "list", "view", "head"];

/// The prefixes of read-only last segments that name what is read: IBM's real read actions
/// spell the object after the verb (`cloud-object-storage.bucket.get_versioning`,
/// `...bucket.list_bucket_crn`, `...account.get_account_buckets`).
const READ_PREFIXES: [&str; 4] = ["get_", "list_", "read_", "view_"];

/// Whether an action id only reads: its last segment is a read verb (`object.head`, the
/// metadata of an object, included), or starts with one (`get_versioning`). Anything else,
/// an unknown verb included, is taken to write.
fn is_read(action: &str) -> bool {
    let verb = action.rsplit('.').next().unwrap_or(action);
    READ_VERBS.contains(&verb) || READ_PREFIXES.iter().any(|prefix| verb.starts_with(prefix))
}

impl Power {
    /// The system roles (by name) that hold the power.
    fn system_roles(self) -> &'static [&'static str] {
        match self {
            Self::Administrator => &["Administrator"],
            Self::Write => &["Administrator", "Manager", "Editor", "Writer"],
            Self::KeyAccess => &["Operator", "Editor", "Administrator"],
        }
    }

    /// Whether a system role holds the power: platform roles for the platform powers.
    fn system(self, role: &Role) -> bool {
        let named = self.system_roles().contains(&role.name.as_ref());
        match self {
            Self::Write => named,
            Self::Administrator | Self::KeyAccess => {
                named && matches!(role.kind, RoleKind::Platform | RoleKind::Other)
            }
        }
    }

    /// Whether one action of a custom role gives the power.
    pub(super) fn action(self, action: &str) -> bool {
        match self {
            Self::Administrator => ACCESS_ACTIONS.contains(&action),
            Self::KeyAccess => KEY_ACTIONS.contains(&action),
            Self::Write => !is_read(action),
        }
    }
}

/// Whether a role, or a policy's roles, hold a power.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Holds {
    Yes,
    No,
    /// A custom role whose definition was not loaded: named so the message can say so.
    Unknown(String),
    /// The policy's roles are known only after apply (a plan computes them and the loader
    /// could not follow them): why, as [`crate::model::Unresolved::describe`] says it.
    Unresolved(String),
}

/// Whether `role` holds `power`. A custom role is judged by its actions; when the account's
/// custom roles were exported and this one is not among them it does not exist, so it
/// grants nothing.
pub(super) fn role_holds(inventory: &Inventory, role: &Role, power: Power) -> Holds {
    // Terraform names a custom role by its name or display name, which parse as "other".
    if role.kind == RoleKind::Other
        && let Some(custom) = inventory.custom_roles.iter().find(|custom| {
            *custom.name == *role.name || custom.display_name.as_deref() == Some(&*role.name)
        })
    {
        return if custom.actions.iter().any(|action| power.action(action)) {
            Holds::Yes
        } else {
            Holds::No
        };
    }
    if role.kind != RoleKind::Custom {
        return if power.system(role) {
            Holds::Yes
        } else {
            Holds::No
        };
    }
    match inventory.custom_role(&role.name) {
        Some(custom) if custom.actions.iter().any(|action| power.action(action)) => Holds::Yes,
        Some(_) => Holds::No,
        None if inventory.collections.custom_roles => Holds::No,
        None => Holds::Unknown(role.name.to_string()),
    }
}

/// Whether any role of `policy` holds `power`: yes if one of its known roles does, else
/// unresolved if a plan leaves its roles unknown, else unknown if a custom role's definition
/// is missing, else no.
pub(super) fn policy_holds(inventory: &Inventory, policy: &Policy, power: Power) -> Holds {
    let mut unknown = None;
    for role in &policy.roles {
        match role_holds(inventory, role, power) {
            Holds::Yes => return Holds::Yes,
            Holds::Unknown(name) => {
                unknown.get_or_insert(name);
            }
            Holds::No | Holds::Unresolved(_) => {}
        }
    }
    if let Some(unresolved) = &policy.roles_unresolved {
        return Holds::Unresolved(unresolved.describe());
    }
    unknown.map_or(Holds::No, Holds::Unknown)
}

/// What to do when a plan leaves a value unresolved.
pub(super) const AFTER_APPLY: &str = "check the state after apply (`terraform show -json > \
state.json`), or give the value in the configuration (`--var-file` for a variable without one)";

/// The run's account: the one account its entities name, else what
/// `apikeys::account_id` finds, else `<ACCOUNT_ID>`.
pub(super) fn account_of(inventory: &Inventory) -> String {
    let mut known = inventory.accounts.ids().flatten();
    match (known.next(), known.next()) {
        (Some(account), None) => account.to_owned(),
        _ => super::apikeys::account_id(inventory),
    }
}

/// Whether any export of the account was loaded (a list, a snapshot): a Terraform plan or
/// state alone declares only part of an account, so account-level verdicts, and the
/// unknowns that ask for exports, are left to runs with exports.
pub(super) fn exported(inventory: &Inventory) -> bool {
    let collections = &inventory.collections;
    collections.any()
        || collections.access_groups
        || collections.access_group_members
        || collections.profiles
        || collections.custom_roles
}

/// What to export for the custom roles' definitions.
pub(super) const EXPORT_ROLES: &str = "export the account's custom roles: curl -H \
\"Authorization: $(ibmcloud iam oauth-tokens --output json | jq -r .iam_token)\" \
'https://iam.cloud.ibm.com/v2/roles?account_id=<ACCOUNT_ID>' > roles.json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_actions_do_not_write() {
        assert!(!Power::Write.action("secrets-manager.secrets.list"));
        assert!(!Power::Write.action("iam.policy.read"));
        assert!(Power::Write.action("kms.secrets.rotate"));
        // IBM's read actions that name what they read, and the metadata read `head`.
        for read in [
            "cloud-object-storage.object.head",
            "cloud-object-storage.bucket.get_versioning",
            "cloud-object-storage.bucket.list_bucket_crn",
            "cloud-object-storage.account.get_account_buckets",
        ] {
            assert!(!Power::Write.action(read), "{read}");
        }
        // Only a whole verb or a verb and `_` reads: `getaway`, `headless`, `put_*` write.
        for write in [
            "cloud-object-storage.object.put",
            "cloud-object-storage.bucket.put_versioning",
            "svc.thing.getaway",
            "svc.thing.headless",
            "svc.thing.listen",
        ] {
            assert!(Power::Write.action(write), "{write}");
        }
        assert!(Power::Administrator.action("iam.policy.create"));
        assert!(!Power::Administrator.action("iam-identity.serviceid.get"));
    }

    #[test]
    fn custom_roles_without_definitions_are_unknown() {
        let mut builder = crate::model::InventoryBuilder::default();
        let inventory = std::mem::take(&mut builder).finish();
        let custom =
            Role::parse("crn:v1:bluemix:public:iam-access-management::a/acct::customRole:Ops");
        assert_eq!(
            role_holds(&inventory, &custom, Power::Write),
            Holds::Unknown("Ops".to_owned())
        );
        builder.collections().custom_roles = true;
        let inventory = builder.finish();
        assert_eq!(role_holds(&inventory, &custom, Power::Write), Holds::No);
        let admin = Role::from_display_name("Administrator");
        assert_eq!(
            role_holds(&inventory, &admin, Power::Administrator),
            Holds::Yes
        );
        let manager = Role::from_display_name("Manager");
        assert_eq!(
            role_holds(&inventory, &manager, Power::Administrator),
            Holds::No
        );
        assert_eq!(role_holds(&inventory, &manager, Power::Write), Holds::Yes);
    }
}
