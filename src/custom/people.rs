//! The people of the input document: users (with their MFA and last authentication),
//! accounts (with their owner and settings), and the activity of identities.
//!
//! Users are those of the users list, and the users only the MFA report names (`listed:
//! false`). An account is listed when an account document names its owner or its settings
//! were loaded.

use schemars::JsonSchema;
use serde::Serialize;

use super::accounts::AccountView;
use super::joins::{AuthnKind, Joins};
use super::refs::{self, user_ref};
use crate::model::{AuthnRecord, AuthnSource, Inventory, MfaEnrollment, Report, Subject, User};

/// A user of the account (User Management), or one only the MFA report names.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UserEntity {
    /// `user:IBMid-...`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `IBMid-...`, as policies and access group members name users.
    pub iam_id: String,
    /// The login name, usually an email address.
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// `PROCESSING`, `PENDING`, `ACTIVE`, `DISABLED_CLASSIC_INFRASTRUCTURE`, `VPN_ONLY`.
    pub state: Option<String>,
    /// Whether the user can log in (state `ACTIVE`).
    pub active: bool,
    pub added_on: Option<String>,
    pub account: Option<String>,
    /// Whether the users list names the user (`false`: only the MFA report does).
    pub listed: bool,
    /// Whether the user owns an account of the inputs (see `accounts`).
    pub owner: bool,
    /// The user's entry of the MFA enrollment report, when one was loaded and lists them.
    pub mfa: Option<MfaDto>,
    /// The user's last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto>,
    /// The `ref`s of the policies whose subject is the user.
    pub policies: Vec<String>,
    /// The `ref`s of the access groups the user is a listed member of.
    pub access_groups: Vec<String>,
    /// The `ref`s of the API keys the user owns.
    pub api_keys: Vec<String>,
}

/// A user's entry of the MFA enrollment report.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MfaDto {
    /// `id_based_mfa` or `account_based_mfa`.
    pub effective_type: Option<String>,
    /// The identity-based MFA that applies (`trait_effective`: `NONE`, `NONE_NO_ROPC`, `TOTP`, `TOTP4ALL`, `LEVEL1`, `LEVEL2`, `LEVEL3`).
    pub level: Option<String>,
    /// Whether the user's enrollment meets the MFA that applies.
    pub complies: Option<bool>,
    /// Account-based MFA factors the user is enrolled in.
    pub account_factors: Vec<String>,
    /// Whether the user's logins need no second factor (`level` `NONE` or `NONE_NO_ROPC`; with account-based MFA, no factor enrolled), as the built-in rules judge it; `null` when the report does not say.
    pub none: Option<bool>,
}

/// When an identity last authenticated.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ActivityDto {
    /// `last_authn` as written; `null` when none was recorded.
    pub last_authn: Option<String>,
    /// How many times it authenticated (an entity read with `include_activity=true`).
    pub authn_count: Option<u64>,
    /// `report`: an item of an activity report, so the identity did NOT authenticate within the report's window; `entity`: the entity's own `activity` member.
    pub source: String,
}

/// An activity report: the identities that did not authenticate between `start` and `end`.
/// An identity of the report's account with `activity: null` authenticated after `start`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ActivityReportDto {
    pub reference: Option<String>,
    pub created_by: Option<String>,
    /// `report_start_time`.
    pub start: Option<String>,
    /// `report_end_time`.
    pub end: Option<String>,
    pub account: Option<String>,
}

/// An account of the inputs: its owner (Account or Enterprise Management) and its settings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccountEntity {
    /// `account:<account id>`.
    #[serde(rename = "ref")]
    pub reference: String,
    pub id: String,
    /// The owner's IAM ID, when an account document was loaded.
    pub owner_iam_id: Option<String>,
    /// The owner's login name or email, when the document gives it.
    pub owner_name: Option<String>,
    /// The `ref` of the owner in `users`, when listed there.
    pub owner: Option<String>,
    /// The `ref`s of the API keys the owner owns.
    pub owner_api_keys: Vec<String>,
    /// The `ref` of the account's IAM identity settings, when loaded.
    pub identity_settings: Option<String>,
    /// The `ref` of the account's access group settings, when loaded.
    pub access_group_settings: Option<String>,
}

pub(super) fn account(view: &AccountView<'_>, joins: &Joins) -> AccountEntity {
    let owner_iam_id = view.owner.map(|owner| owner.iam_id.clone());
    AccountEntity {
        reference: refs::account_ref(view.id),
        id: view.id.to_owned(),
        owner_name: view.owner.and_then(|owner| owner.name.clone()),
        owner: owner_iam_id
            .as_deref()
            .and_then(|iam_id| joins.subject_ref(&Subject::User(iam_id.to_owned()))),
        owner_api_keys: owner_iam_id
            .as_deref()
            .map(|iam_id| joins.api_keys_of_iam_id(iam_id))
            .unwrap_or_default(),
        owner_iam_id,
        identity_settings: view.identity.map(refs::identity_settings_ref),
        access_group_settings: view.groups.map(refs::access_group_settings_ref),
    }
}

/// The users of the list, then those only the MFA report names.
pub(super) fn users(inventory: &Inventory, joins: &Joins) -> Vec<UserEntity> {
    let listed = inventory.people.users.iter().map(|user| {
        let mut entity = identity(&user.iam_id, user.account.clone(), joins);
        fill_user(&mut entity, user);
        entity
    });
    let reported = inventory
        .people
        .mfa
        .iter()
        .filter(|entry| !joins.is_listed_user(&entry.iam_id))
        .map(|entry| {
            let mut entity = identity(&entry.iam_id, entry.account.clone(), joins);
            entity.user_id = entry.username.clone();
            entity.email = entry.email.clone();
            entity
        });
    let mut seen = std::collections::HashSet::new();
    listed
        .chain(reported)
        .filter(|entity| seen.insert(entity.reference.clone()))
        .collect()
}

/// What every user has, from its IAM ID.
fn identity(iam_id: &str, account: Option<String>, joins: &Joins) -> UserEntity {
    let subject = Subject::User(iam_id.to_owned());
    UserEntity {
        reference: user_ref(iam_id),
        iam_id: iam_id.to_owned(),
        user_id: None,
        email: None,
        state: None,
        active: false,
        added_on: None,
        account,
        listed: false,
        owner: joins.is_owner(iam_id),
        mfa: joins.mfa_of(iam_id).map(mfa),
        activity: activity(joins.activity_of(AuthnKind::User, iam_id)),
        policies: joins.policies_of(&subject),
        access_groups: joins.groups_of(&subject),
        api_keys: joins.api_keys_of_iam_id(iam_id),
    }
}

fn fill_user(entity: &mut UserEntity, user: &User) {
    entity.user_id = user.user_id.clone();
    entity.email = user.email.clone();
    entity.state = user.state.clone();
    entity.active = user.is_active();
    entity.added_on = user.added_on.clone();
    entity.listed = true;
}

fn mfa(entry: &MfaEnrollment) -> MfaDto {
    MfaDto {
        effective_type: entry.effective_mfa_type.clone(),
        level: entry.trait_effective.clone(),
        complies: entry.complies,
        account_factors: entry.account_factors.clone(),
        none: entry.is_none(),
    }
}

/// An identity's last authentication.
pub(super) fn activity(record: Option<&AuthnRecord>) -> Option<ActivityDto> {
    record.map(|record| ActivityDto {
        last_authn: record.last_authn.clone(),
        authn_count: record.authn_count,
        source: match record.source {
            AuthnSource::Report => "report",
            AuthnSource::Entity => "entity",
        }
        .to_owned(),
    })
}

pub(super) fn activity_report(report: &Report) -> ActivityReportDto {
    ActivityReportDto {
        reference: report.reference.clone(),
        created_by: report.created_by.clone(),
        start: report.start.clone(),
        end: report.end.clone(),
        account: report.account.clone(),
    }
}
