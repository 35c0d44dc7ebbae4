//! The people of an account: its users (User Management), its owner (Account Management or
//! Enterprise Management) and each user's MFA enrollment (the IAM Identity MFA report).
//!
//! These come from documents of their own, not from the identity exports, so the inventory
//! keeps them together in [`People`], with the reports they came from: a rule tells "no
//! MFA report was loaded" from "the report lists no such user".

use super::activity::{AuthnRecord, Report};
use super::origin::Origin;

/// A user of the account (`GET /v2/accounts/{account_id}/users`, `resources[]`).
#[derive(Debug, Clone)]
pub struct User {
    /// `IBMid-...`, the subject spelling of policies and reports.
    pub iam_id: String,
    /// The login name (`user_id`), usually an email address.
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// `PROCESSING`, `PENDING`, `ACTIVE`, `DISABLED_CLASSIC_INFRASTRUCTURE`, `VPN_ONLY`.
    pub state: Option<String>,
    /// When the user was added to the account (`added_on`).
    pub added_on: Option<String>,
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
}

impl User {
    /// Whether the user can log in: state `ACTIVE` (the other states are invitations not
    /// accepted yet, or users that IAM does not let in).
    pub fn is_active(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|state| state.eq_ignore_ascii_case("ACTIVE"))
    }

    /// Whether the user can log in to IBM Cloud: `ACTIVE`, or
    /// `DISABLED_CLASSIC_INFRASTRUCTURE`, which only takes away classic infrastructure
    /// (SoftLayer) access (User Management API reference, "User account status").
    /// `PENDING`/`PROCESSING` invitations and `VPN_ONLY` users cannot log in to the console.
    pub fn can_log_in(&self) -> bool {
        self.state.as_deref().is_some_and(|state| {
            state.eq_ignore_ascii_case("ACTIVE")
                || state.eq_ignore_ascii_case("DISABLED_CLASSIC_INFRASTRUCTURE")
        })
    }

    /// The login name, else the IAM ID.
    pub fn display_name(&self) -> &str {
        self.user_id
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.iam_id)
    }
}

/// A loaded user list (one per page): the account's users are known.
#[derive(Debug, Clone)]
pub struct UserList {
    /// `total_results`: how many users the account has, on every page together.
    pub total: Option<u64>,
    pub account: Option<std::sync::Arc<str>>,
    pub origin: Origin,
}

/// The owner of an account: Account Management `GET /v4/accounts/{id}` (`owner_iamid`) or
/// Enterprise Management `GET /accounts/{id}` and `GET /accounts` (`owner_iam_id`).
#[derive(Debug, Clone)]
pub struct AccountOwner {
    /// The account's id (`id`).
    pub account_id: Option<String>,
    /// The owner's IAM ID (`IBMid-...`).
    pub iam_id: String,
    /// The owner's login name or email, when the document gives it.
    pub name: Option<String>,
    pub account: Option<std::sync::Arc<str>>,
    /// The owner member (`/owner_iamid` or `/resources/3/owner_iam_id`).
    pub origin: Origin,
}

/// The MFA a user's logins are held to, from one user of the MFA enrollment report.
#[derive(Debug, Clone)]
pub struct MfaEnrollment {
    pub iam_id: String,
    pub username: Option<String>,
    pub email: Option<String>,
    /// `id_based_mfa` or `account_based_mfa`.
    pub effective_mfa_type: Option<String>,
    /// The identity-based MFA trait that applies (`trait_effective`: `NONE`,
    /// `NONE_NO_ROPC`, `TOTP`, `TOTP4ALL`, `LEVEL1`, `LEVEL2`, `LEVEL3`).
    pub trait_effective: Option<String>,
    /// Whether the user's enrollment meets the MFA that applies (of the effective type).
    pub complies: Option<bool>,
    /// Account-based MFA factors the user is enrolled in (`security_questions`, `totp`,
    /// `verisign` with `enrolled: true`).
    pub account_factors: Vec<String>,
    pub account: Option<std::sync::Arc<str>>,
    /// The user's item in the report.
    pub origin: Origin,
    /// The member that says which MFA applies (`id_based_mfa/trait_effective`, or
    /// `effective_mfa_type` for account-based MFA), and the one that says whether the user
    /// complies, under `enrollments` in the older shape.
    pub level_origin: Origin,
    pub complies_origin: Origin,
}

impl MfaEnrollment {
    /// Whether the effective type is account-based (classic infrastructure) MFA.
    pub fn account_based(&self) -> bool {
        self.effective_mfa_type.as_deref() == Some("account_based_mfa")
    }

    /// Whether the user's logins need no second factor: the identity-based trait that
    /// applies is `NONE` or `NONE_NO_ROPC`, or, with account-based MFA, no factor is
    /// enrolled. `None` when the report does not say.
    pub fn is_none(&self) -> Option<bool> {
        if self.account_based() {
            return Some(self.account_factors.is_empty());
        }
        self.trait_effective
            .as_deref()
            .map(|level| matches!(level.to_ascii_uppercase().as_str(), "NONE" | "NONE_NO_ROPC"))
    }

    /// The MFA that applies, for messages (`TOTP`, `account-based: totp`).
    pub fn describe(&self) -> String {
        if self.account_based() {
            return match self.account_factors.as_slice() {
                [] => "account-based, no factor enrolled".to_owned(),
                factors => format!("account-based: {}", factors.join(", ")),
            };
        }
        self.trait_effective
            .clone()
            .unwrap_or_else(|| "not reported".to_owned())
    }

    pub fn display_name(&self) -> &str {
        self.username
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.iam_id)
    }
}

/// Everything about people and activity the inputs held, each with its account.
#[derive(Debug, Clone, Default)]
pub struct People {
    pub users: Vec<User>,
    pub user_lists: Vec<UserList>,
    pub owners: Vec<AccountOwner>,
    /// IAM Identity activity reports (`type=inactive`: who has not authenticated within
    /// the report's duration), and the lists cut out of one.
    pub activity_reports: Vec<Report>,
    /// The items of the activity reports, and the `activity` of API keys exported with
    /// `include_activity=true`.
    pub authns: Vec<AuthnRecord>,
    pub mfa_reports: Vec<Report>,
    pub mfa: Vec<MfaEnrollment>,
}

impl People {
    pub(super) fn extend(&mut self, other: People) {
        self.users.extend(other.users);
        self.user_lists.extend(other.user_lists);
        self.owners.extend(other.owners);
        self.activity_reports.extend(other.activity_reports);
        self.authns.extend(other.authns);
        self.mfa_reports.extend(other.mfa_reports);
        self.mfa.extend(other.mfa);
    }

    /// Every entity's account slot with its document, for account resolution.
    pub(super) fn accounts_mut(
        &mut self,
    ) -> impl Iterator<Item = (&mut Option<std::sync::Arc<str>>, &Origin)> {
        let users = self.users.iter_mut().map(|e| (&mut e.account, &e.origin));
        let lists = self
            .user_lists
            .iter_mut()
            .map(|e| (&mut e.account, &e.origin));
        let owners = self.owners.iter_mut().map(|e| (&mut e.account, &e.origin));
        let activity = self
            .activity_reports
            .iter_mut()
            .map(|e| (&mut e.account, &e.origin));
        let authns = self.authns.iter_mut().map(|e| (&mut e.account, &e.origin));
        let mfa_reports = self
            .mfa_reports
            .iter_mut()
            .map(|e| (&mut e.account, &e.origin));
        let mfa = self.mfa.iter_mut().map(|e| (&mut e.account, &e.origin));
        users
            .chain(lists)
            .chain(owners)
            .chain(activity)
            .chain(authns)
            .chain(mfa_reports)
            .chain(mfa)
    }

    /// Every entity's account with its document (as [`People::accounts_mut`], read only).
    pub(super) fn accounts(&self) -> impl Iterator<Item = (&Option<std::sync::Arc<str>>, &Origin)> {
        let users = self.users.iter().map(|e| (&e.account, &e.origin));
        let lists = self.user_lists.iter().map(|e| (&e.account, &e.origin));
        let owners = self.owners.iter().map(|e| (&e.account, &e.origin));
        let activity = self
            .activity_reports
            .iter()
            .map(|e| (&e.account, &e.origin));
        let authns = self.authns.iter().map(|e| (&e.account, &e.origin));
        let mfa_reports = self.mfa_reports.iter().map(|e| (&e.account, &e.origin));
        let mfa = self.mfa.iter().map(|e| (&e.account, &e.origin));
        users
            .chain(lists)
            .chain(owners)
            .chain(activity)
            .chain(authns)
            .chain(mfa_reports)
            .chain(mfa)
    }

    /// The part of `self` that belongs to `account`.
    pub(super) fn of_account(&self, account: &Option<std::sync::Arc<str>>) -> People {
        fn keep<T: Clone>(
            items: &[T],
            account: &Option<std::sync::Arc<str>>,
            of: fn(&T) -> &Option<std::sync::Arc<str>>,
        ) -> Vec<T> {
            items
                .iter()
                .filter(|item| of(item) == account)
                .cloned()
                .collect()
        }
        People {
            users: keep(&self.users, account, |e| &e.account),
            user_lists: keep(&self.user_lists, account, |e| &e.account),
            owners: keep(&self.owners, account, |e| &e.account),
            activity_reports: keep(&self.activity_reports, account, |e| &e.account),
            authns: keep(&self.authns, account, |e| &e.account),
            mfa_reports: keep(&self.mfa_reports, account, |e| &e.account),
            mfa: keep(&self.mfa, account, |e| &e.account),
        }
    }

    /// Whether the inputs held anything about people or activity to judge. An account
    /// document alone does not count: an enterprise's `GET /accounts` names the owner of
    /// every account of the enterprise, and the accounts nothing else was exported of are
    /// not being checked.
    pub fn any(&self) -> bool {
        !(self.users.is_empty()
            && self.user_lists.is_empty()
            && self.activity_reports.is_empty()
            && self.authns.is_empty()
            && self.mfa_reports.is_empty())
    }

    /// The account owner's IAM ID, when an account document was loaded.
    pub fn owner(&self) -> Option<&AccountOwner> {
        self.owners.first()
    }

    /// When the loaded pages of the user list hold fewer users than the list counts
    /// (`total_results`): how many they hold, the count, and the first page. A page not
    /// exported hides users from the rules that go through the list.
    pub fn missing_users(&self) -> Option<(usize, u64, &Origin)> {
        let total = self.user_lists.iter().filter_map(|list| list.total).max()?;
        let held: std::collections::HashSet<&str> =
            self.users.iter().map(|user| user.iam_id.as_str()).collect();
        let first = &self.user_lists.first()?.origin;
        (u64::try_from(held.len()).unwrap_or(u64::MAX) < total).then_some((
            held.len(),
            total,
            first,
        ))
    }

    /// A user of the users list by IAM ID.
    pub fn user(&self, iam_id: &str) -> Option<&User> {
        self.users.iter().find(|user| user.iam_id == iam_id)
    }

    /// The MFA report's entry for a user.
    pub fn mfa_of(&self, iam_id: &str) -> Option<&MfaEnrollment> {
        self.mfa.iter().find(|entry| entry.iam_id == iam_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Pointer};

    fn entry(effective: &str, level: Option<&str>, factors: &[&str]) -> MfaEnrollment {
        let origin = Origin::new(DocId(0), Pointer::root());
        MfaEnrollment {
            iam_id: "IBMid-1".to_owned(),
            username: None,
            email: None,
            effective_mfa_type: Some(effective.to_owned()),
            trait_effective: level.map(str::to_owned),
            complies: Some(true),
            account_factors: factors.iter().map(|f| (*f).to_owned()).collect(),
            account: None,
            origin: origin.clone(),
            level_origin: origin.clone(),
            complies_origin: origin,
        }
    }

    #[test]
    fn effective_mfa_none_by_type() {
        assert_eq!(
            entry("id_based_mfa", Some("NONE"), &[]).is_none(),
            Some(true)
        );
        assert_eq!(
            entry("id_based_mfa", Some("none_no_ropc"), &[]).is_none(),
            Some(true)
        );
        assert_eq!(
            entry("id_based_mfa", Some("LEVEL3"), &[]).is_none(),
            Some(false)
        );
        // The older reports' type names (`TOTP`) read as identity-based.
        assert_eq!(entry("TOTP", Some("TOTP"), &[]).is_none(), Some(false));
        assert_eq!(entry("id_based_mfa", None, &[]).is_none(), None);
        // Account-based MFA: none when no factor is enrolled, whatever the trait says.
        assert_eq!(
            entry("account_based_mfa", Some("TOTP"), &[]).is_none(),
            Some(true)
        );
        let totp = entry("account_based_mfa", Some("NONE"), &["totp"]);
        assert_eq!(totp.is_none(), Some(false));
        assert_eq!(totp.describe(), "account-based: totp");
    }
}
