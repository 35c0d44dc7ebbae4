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
use super::refs::{self, Ref, user_ref};
use crate::model::{AuthnRecord, AuthnSource, Inventory, MfaEnrollment, Report, Subject, User};

/// A user of the account (User Management), or one only the MFA report names.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UserEntity<'a> {
    /// `user:IBMid-...`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    /// `IBMid-...`, as policies and access group members name users.
    pub iam_id: &'a str,
    /// The login name, usually an email address.
    pub user_id: Option<&'a str>,
    pub email: Option<&'a str>,
    /// `PROCESSING`, `PENDING`, `ACTIVE`, `DISABLED_CLASSIC_INFRASTRUCTURE`, `VPN_ONLY`.
    pub state: Option<&'a str>,
    /// Whether the user can log in (state `ACTIVE`).
    pub active: bool,
    pub added_on: Option<&'a str>,
    pub account: Option<&'a str>,
    /// Whether the users list names the user (`false`: only the MFA report does).
    pub listed: bool,
    /// Whether the user owns an account of the inputs (see `accounts`).
    pub owner: bool,
    /// The user's entry of the MFA enrollment report, when one was loaded and lists them.
    pub mfa: Option<MfaDto<'a>>,
    /// The user's last authentication (see `activity_reports`).
    pub activity: Option<ActivityDto<'a>>,
    /// The `ref`s of the policies whose subject is the user.
    pub policies: Vec<Ref<'a>>,
    /// The `ref`s of the access groups the user is a listed member of.
    pub access_groups: Vec<Ref<'a>>,
    /// The `ref`s of the API keys the user owns.
    pub api_keys: Vec<Ref<'a>>,
}

/// A user's entry of the MFA enrollment report.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MfaDto<'a> {
    /// `id_based_mfa` or `account_based_mfa`.
    pub effective_type: Option<&'a str>,
    /// The identity-based MFA that applies (`trait_effective`: `NONE`, `NONE_NO_ROPC`, `TOTP`, `TOTP4ALL`, `LEVEL1`, `LEVEL2`, `LEVEL3`).
    pub level: Option<&'a str>,
    /// Whether the user's enrollment meets the MFA that applies.
    pub complies: Option<bool>,
    /// Account-based MFA factors the user is enrolled in.
    pub account_factors: &'a [String],
    /// Whether the user's logins need no second factor (`level` `NONE` or `NONE_NO_ROPC`; with account-based MFA, no factor enrolled), as the built-in rules judge it; `null` when the report does not say.
    pub none: Option<bool>,
}

/// When an identity last authenticated.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ActivityDto<'a> {
    /// `last_authn` as written; `null` when none was recorded.
    pub last_authn: Option<&'a str>,
    /// How many times it authenticated (an entity read with `include_activity=true`).
    pub authn_count: Option<u64>,
    /// `report`: an item of an activity report, so the identity did NOT authenticate within the report's window; `entity`: the entity's own `activity` member.
    pub source: &'a str,
}

/// An activity report: the identities that did not authenticate between `start` and `end`.
/// An identity of the report's account with `activity: null` authenticated after `start`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ActivityReportDto<'a> {
    pub reference: Option<&'a str>,
    pub created_by: Option<&'a str>,
    /// `report_start_time`.
    pub start: Option<&'a str>,
    /// `report_end_time`.
    pub end: Option<&'a str>,
    pub account: Option<&'a str>,
}

/// An account of the inputs: its owner (Account or Enterprise Management) and its settings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccountEntity<'a> {
    /// `account:<account id>`.
    #[serde(rename = "ref")]
    pub reference: Ref<'a>,
    pub id: &'a str,
    /// The owner's IAM ID, when an account document was loaded.
    pub owner_iam_id: Option<&'a str>,
    /// The owner's login name or email, when the document gives it.
    pub owner_name: Option<&'a str>,
    /// The `ref` of the owner in `users`, when listed there.
    pub owner: Option<Ref<'a>>,
    /// The `ref`s of the API keys the owner owns.
    pub owner_api_keys: Vec<Ref<'a>>,
    /// The `ref` of the account's IAM identity settings, when loaded.
    pub identity_settings: Option<Ref<'a>>,
    /// The `ref` of the account's access group settings, when loaded.
    pub access_group_settings: Option<Ref<'a>>,
}

pub(super) fn account<'a>(view: &AccountView<'a>, joins: &Joins<'a>) -> AccountEntity<'a> {
    let owner_iam_id = view.owner.map(|owner| owner.iam_id.as_str());
    AccountEntity {
        reference: refs::account_ref(view.id),
        id: view.id,
        owner_name: view.owner.and_then(|owner| owner.name.as_deref()),
        owner: owner_iam_id.and_then(|iam_id| joins.user_ref(iam_id)),
        owner_api_keys: owner_iam_id
            .map(|iam_id| joins.api_keys_of_iam_id(iam_id))
            .unwrap_or_default(),
        owner_iam_id,
        identity_settings: view.identity.map(refs::identity_settings_ref),
        access_group_settings: view.groups.map(refs::access_group_settings_ref),
    }
}

/// The users of the list, then those only the MFA report names.
pub(super) fn users<'a>(inventory: &'a Inventory, joins: &Joins<'a>) -> Vec<UserEntity<'a>> {
    let listed = inventory.people.users.iter().map(|user| {
        let mut entity = identity(&user.iam_id, user.account.as_deref(), joins);
        fill_user(&mut entity, user);
        entity
    });
    let reported = inventory
        .people
        .mfa
        .iter()
        .filter(|entry| !joins.is_listed_user(&entry.iam_id))
        .map(|entry| {
            let mut entity = identity(&entry.iam_id, entry.account.as_deref(), joins);
            entity.user_id = entry.username.as_deref();
            entity.email = entry.email.as_deref();
            entity
        });
    let mut seen = std::collections::HashSet::new();
    listed
        .chain(reported)
        .filter(|entity| seen.insert(entity.reference))
        .collect()
}

/// What every user has, from its IAM ID.
fn identity<'a>(iam_id: &'a str, account: Option<&'a str>, joins: &Joins<'a>) -> UserEntity<'a> {
    let subject = Subject::User(iam_id.to_owned());
    UserEntity {
        reference: user_ref(iam_id),
        iam_id,
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

fn fill_user<'a>(entity: &mut UserEntity<'a>, user: &'a User) {
    entity.user_id = user.user_id.as_deref();
    entity.email = user.email.as_deref();
    entity.state = user.state.as_deref();
    entity.active = user.is_active();
    entity.added_on = user.added_on.as_deref();
    entity.listed = true;
}

fn mfa(entry: &MfaEnrollment) -> MfaDto<'_> {
    MfaDto {
        effective_type: entry.effective_mfa_type.as_deref(),
        level: entry.trait_effective.as_deref(),
        complies: entry.complies,
        account_factors: &entry.account_factors,
        none: entry.is_none(),
    }
}

/// An identity's last authentication.
pub(super) fn activity(record: Option<&AuthnRecord>) -> Option<ActivityDto<'_>> {
    record.map(|record| ActivityDto {
        last_authn: record.last_authn.as_deref(),
        authn_count: record.authn_count,
        source: match record.source {
            AuthnSource::Report => "report",
            AuthnSource::Entity => "entity",
        },
    })
}

pub(super) fn activity_report(report: &Report) -> ActivityReportDto<'_> {
    ActivityReportDto {
        reference: report.reference.as_deref(),
        created_by: report.created_by.as_deref(),
        start: report.start.as_deref(),
        end: report.end.as_deref(),
        account: report.account.as_deref(),
    }
}
