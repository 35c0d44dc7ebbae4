//! Account-level settings: the IAM Identity account settings
//! (`GET /v1/accounts/{id}/settings/identity`) and the IAM Access Groups account settings
//! (`GET /v2/groups/settings`). Each is one object per account; each member keeps its own
//! origin, so that a finding points at the line of the setting it is about.

use super::declaration::Declaration;
use super::origin::Origin;

/// One setting's value and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// The IAM Identity account settings of one account (`AccountSettingsResponse` in the
/// platform-services SDKs; Terraform `ibm_iam_account_settings`). A member the input does
/// not hold is `None`: rules say `unknown` for it rather than guess IBM's default.
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    /// `account_id` as written.
    pub account_id: Option<String>,
    /// `RESTRICTED`, `NOT_RESTRICTED` or `NOT_SET`.
    pub restrict_create_service_id: Option<Setting<String>>,
    /// `RESTRICTED`, `NOT_RESTRICTED` or `NOT_SET`.
    pub restrict_create_platform_apikey: Option<Setting<String>>,
    /// `NONE`, `NONE_NO_ROPC`, `TOTP`, `TOTP4ALL`, `LEVEL1`, `LEVEL2` or `LEVEL3`.
    pub mfa: Option<Setting<String>>,
    /// `user_mfa`: users whose MFA differs from the account's (an exemption when it is
    /// `NONE`).
    pub user_mfa: Vec<UserMfa>,
    /// Read from the `effective` section of `GET .../effective_settings/identity`: what the
    /// account's own settings and its enterprise's templates enforce together.
    pub effective: bool,
    /// The settings object (or the Terraform resource).
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
    /// The account the settings are of: `account_id`, else the document's account, else the
    /// run's only account (see `accounts`).
    pub account: Option<std::sync::Arc<str>>,
}

/// One `user_mfa` entry of the account settings: a user held to another MFA than the
/// account's.
#[derive(Debug, Clone)]
pub struct UserMfa {
    pub iam_id: String,
    /// `NONE`, `NONE_NO_ROPC`, `TOTP`, ... as written.
    pub mfa: String,
    /// The entry in the settings document.
    pub origin: Origin,
}

impl UserMfa {
    /// Whether the entry exempts its user from MFA.
    pub fn exempts(&self) -> bool {
        matches!(
            self.mfa.to_ascii_uppercase().as_str(),
            "NONE" | "NONE_NO_ROPC"
        )
    }
}

/// The IAM Access Groups account settings of one account (`AccountSettings` of
/// `iamaccessgroupsv2`; Terraform `ibm_iam_access_group_account_settings`).
#[derive(Debug, Clone)]
pub struct AccessGroupSettings {
    pub account_id: Option<String>,
    /// Whether the Public Access group (`AccessGroupId-PublicAccess`) can grant access to
    /// anyone, authenticated or not.
    pub public_access_enabled: Option<Setting<bool>>,
    pub origin: Origin,
    pub declaration: Option<Box<Declaration>>,
    pub account: Option<std::sync::Arc<str>>,
}

/// Keeps one copy of each account's settings, and of each route and target: a Terraform
/// plan's copy first (it says what the account is after apply), then the effective identity
/// settings (what is in force, enterprise templates included) over the account's own, else
/// the first loaded, whatever the order of the files. Runs after accounts are resolved.
pub(super) fn keep_one_per_account(inventory: &mut super::Inventory) {
    fn keep_first<T, K: Eq + std::hash::Hash>(
        items: &mut Vec<T>,
        rank: impl Fn(&T) -> u8,
        key: impl Fn(&T) -> K,
    ) {
        items.sort_by_key(|item| rank(item));
        let mut seen = std::collections::HashSet::new();
        items.retain(|item| seen.insert(key(item)));
    }
    let declared_first = |declared: bool| u8::from(!declared);
    keep_first(
        &mut inventory.identity_settings,
        |item| match (item.declaration.is_some(), item.effective) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        },
        |item| item.account.clone(),
    );
    keep_first(
        &mut inventory.access_group_settings,
        |item| declared_first(item.declaration.is_some()),
        |item| item.account.clone(),
    );
    keep_first(
        &mut inventory.routes,
        |item| declared_first(item.declaration.is_some()),
        |item| item.id.clone(),
    );
    keep_first(
        &mut inventory.routing_targets,
        |item| declared_first(item.declaration.is_some()),
        |item| item.id.clone(),
    );
}

impl super::EntityRef {
    /// The account as the subject of a finding on one of its settings documents.
    pub fn account(
        account: Option<&str>,
        what: &str,
        origin: &Origin,
        declaration: Option<&Declaration>,
    ) -> Self {
        Self {
            kind: super::EntityKind::Account,
            id: account.unwrap_or("account").to_owned(),
            name: Some(what.to_owned()),
            origin: origin.clone(),
            address: declaration.map(|declaration| declaration.address.clone()),
            account: account.map(crate::model::intern_cached),
        }
    }
}
