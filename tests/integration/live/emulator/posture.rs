//! The emulated posture APIs: IAM Identity account settings, trusted profiles with their
//! links and claim rules, the activity and MFA reports (202, then 204 until ready, then
//! 200), User Management users (`next_url` with `_start`), Account Management, access group
//! settings, roles, and Activity Tracker Event Routing under `/atracker/{region}`.
//!
//! User Management, Account Management and Activity Tracker Event Routing live on other
//! hosts at IBM; here they sit under the prefixes of [`USER_MANAGEMENT`], [`ACCOUNTS`] and
//! [`ATRACKER`], so a request sent to the wrong endpoint gets a 404.

use serde_json::{Value, json};

use super::super::account::ACCOUNT;
use super::super::server::{Reply, Request};
use super::{State, offset_of, token_of};

pub(crate) const USER_MANAGEMENT: &str = "usermgmt";
pub(crate) const ACCOUNTS: &str = "accounts-api";
pub(crate) const ATRACKER: &str = "atracker";

/// The reference the emulator gives each kind of report (the same for every request, so
/// that snapshots of two collects compare equal).
pub(crate) fn reference_of(kind: &str) -> String {
    format!("{kind}-report-5e1d2c3b")
}

impl State {
    /// The answer to a posture request, `None` for any other path.
    pub(super) fn posture(&mut self, request: &Request, base: &str) -> Option<Reply> {
        let path = request.path.clone();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let answer = |state: &Self, file: &str| Reply::json(200, &state.account.answer(file));
        let reply = match segments.as_slice() {
            ["v1", "accounts", account, "settings", "identity"] => {
                self.for_account(&path, account, |state| {
                    answer(state, "account_settings.json")
                })
            }
            ["v1", "profiles"] => {
                let profiles = self.account.answer("trusted_profiles.json")["profiles"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                self.identity_list(request, base, &profiles, "profiles")
            }
            ["v1", "profiles", id, member @ ("links" | "rules")] => {
                let file = format!("profile_{member}_{id}.json");
                if self.account.posture.contains_key(&file) {
                    answer(self, &file)
                } else {
                    self.error(&path, 404, "not_found", "Trusted profile not found")
                }
            }
            [
                "v1",
                kind @ ("activity" | "mfa"),
                "accounts",
                account,
                "report",
            ] => {
                let kind = (*kind).to_owned();
                self.for_account(&path, account, |state| state.create_report(request, &kind))
            }
            [
                "v1",
                kind @ ("activity" | "mfa"),
                "accounts",
                account,
                "report",
                reference,
            ] => {
                let (kind, reference) = ((*kind).to_owned(), (*reference).to_owned());
                self.for_account(&path, account, |state| {
                    state.get_report(&path, &kind, &reference)
                })
            }
            [USER_MANAGEMENT, "v2", "accounts", account, "users"] => {
                self.for_account(&path, account, |state| state.users(request))
            }
            [ACCOUNTS, "v4", "accounts", account] => {
                self.for_account(&path, account, |state| answer(state, "account.json"))
            }
            ["v2", "groups", "settings"] => answer(self, "access_group_settings.json"),
            ["v2", "roles"] => answer(self, "custom_roles.json"),
            [
                ATRACKER,
                _region,
                "api",
                "v2",
                member @ ("routes" | "targets"),
            ] => answer(self, &format!("atracker_{member}.json")),
            _ => return None,
        };
        Some(reply)
    }

    /// `reply` for this account, a 403 for any other.
    fn for_account(
        &mut self,
        path: &str,
        account: &str,
        reply: impl FnOnce(&mut Self) -> Reply,
    ) -> Reply {
        if account == ACCOUNT {
            reply(self)
        } else {
            self.error(
                path,
                403,
                "access_denied",
                "You are not authorized to access this account",
            )
        }
    }

    fn create_report(&mut self, request: &Request, kind: &str) -> Reply {
        if request.method != "POST" {
            return self.error(&request.path, 405, "method_not_allowed", "Use POST");
        }
        if kind == "mfa" && request.query("type") != Some("mfa_status") {
            return self.error(
                &request.path,
                400,
                "invalid_type",
                "Unsupported report type",
            );
        }
        self.report_checks.insert(kind.to_owned(), 0);
        Reply::json(202, &json!({"reference": reference_of(kind)}))
    }

    fn get_report(&mut self, path: &str, kind: &str, reference: &str) -> Reply {
        let file = format!("{kind}_report.json");
        let ready = |state: &mut Self| {
            state.earlier_reports.insert(kind.to_owned());
            let mut report = state.account.answer(&file);
            report["reference"] = json!(reference_of(kind));
            Reply::json(200, &report)
        };
        if reference == "latest" {
            return if self.earlier_reports.contains(kind) {
                ready(self)
            } else {
                self.error(path, 404, "not_found", "No report found for the account")
            };
        }
        let Some(checks) = self
            .report_checks
            .get_mut(kind)
            .filter(|_| reference == reference_of(kind))
        else {
            return self.error(path, 404, "not_found", "Report not found");
        };
        *checks += 1;
        if *checks <= self.report_pending {
            Reply::Json {
                status: 204,
                headers: Vec::new(),
                body: String::new(),
            }
        } else {
            ready(self)
        }
    }

    /// User Management's page: `next_url` relative, carrying `_start`.
    fn users(&mut self, request: &Request) -> Reply {
        let Some(offset) = offset_of(request.query("_start")) else {
            return self.error(&request.path, 400, "invalid_start", "Invalid _start");
        };
        let users = self.account.answer("users.json")["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let (page, next) = self.slice(&users, offset, request.query("limit"));
        let own = request
            .path
            .strip_prefix(&format!("/{USER_MANAGEMENT}"))
            .unwrap_or(&request.path)
            .to_owned();
        let mut body = json!({"total_results": page.len(), "limit": self.page_size,
            "first_url": format!("{own}?limit={}", self.page_size), "resources": page});
        if let Some(next) = self.next_offset(&request.path, offset, next) {
            body["next_url"] = Value::String(format!(
                "{own}?limit={}&_start={}",
                self.page_size,
                token_of(next)
            ));
        }
        Reply::json(200, &body)
    }
}
