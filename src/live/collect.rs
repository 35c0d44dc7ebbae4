//! `iamlint collect`: runs every collection in order, writes each as it completes, and
//! writes `snapshot.json` last.
//!
//! A collection the API key may not read (HTTP 403) is marked `forbidden` and the collect
//! goes on; one that fails otherwise is marked `failed` and writes no file, so the rules
//! see it as not exported (and say "cannot evaluate") rather than as empty.
//!
//! The posture collections (settings, profiles, users, the account, roles, event routing,
//! the reports) and the identity limits are optional: a 403 names the role they need, and a
//! 404 (an endpoint this account or a private endpoint lacks) or a report that is not ready
//! in time marks them `skipped`. Either way the snapshot stays complete, and the rules that
//! need them say "unknown".
//!
//! Just over 400 lines: the order of the collections, and what each outcome means for the
//! snapshot, read top to bottom in one place.

use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::time::SystemTime;

use serde_json::Value;

use super::client::{Client, ClientOptions, Endpoints};
use super::error::ApiErrorKind;
use super::reports::{self, Polling};
use super::snapshot::{
    self, FORMAT_VERSION, SNAPSHOT_FILE, SnapshotCollection, SnapshotDocument, SnapshotEndpoints,
    Tool,
};
use super::{
    ApiError, Ctx, Gathered, Observer, Secret, access_groups, account as account_api, atracker,
    identity, identity_settings, limits, policy, profiles, resource_controller, roles, users,
};
use crate::model::CollectionStatus;
use crate::sources::secrets::{self, REDACTED};

/// What to collect and where to write it.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// The snapshot directory (created if missing; must be empty or hold an old snapshot).
    pub out: PathBuf,
    /// The account; by default the one the API key's token names.
    pub account: Option<String>,
    pub endpoints: Endpoints,
    pub client: ClientOptions,
    /// Write resource key credentials as the API returned them.
    pub keep_secrets: bool,
    /// The time written as `collected_at` (tests fix it; `None` is now).
    pub now: Option<SystemTime>,
    /// The Activity Tracker Event Routing regions to ask, in order (empty: the defaults).
    pub atracker_regions: Vec<String>,
    /// How long to wait for the identity reports.
    pub polling: Polling,
}

/// One collection's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionReport {
    pub name: String,
    pub status: CollectionStatus,
    pub count: usize,
    pub files: Vec<String>,
    pub reason: Option<String>,
}

/// A written snapshot.
#[derive(Debug, Clone)]
pub struct Collected {
    pub dir: PathBuf,
    pub account_id: String,
    pub collected_at: String,
    pub collections: Vec<CollectionReport>,
    pub requests: usize,
}

impl Collected {
    /// No collection failed or is partial (forbidden ones are a matter of roles, and said).
    pub fn is_complete(&self) -> bool {
        self.collections
            .iter()
            .all(|collection| !collection.status.is_incomplete())
    }
}

/// Why nothing (or no usable snapshot) was collected.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{0}")]
    Output(String),
    #[error("the IAM token names no account: pass --account <ACCOUNT_ID>")]
    NoAccount,
}

/// Collects the account into `options.out` and writes `snapshot.json` last.
pub fn collect(
    apikey: Secret,
    options: &CollectOptions,
    observer: &mut dyn Observer,
) -> Result<Collected, CollectError> {
    let mut client = Client::new(&options.endpoints, apikey, options.client.clone())?;
    // The token is needed by every call: a bad API key stops here, before an earlier
    // snapshot in the directory is replaced.
    let from_token = client.token_account(observer)?;
    snapshot::prepare(&options.out).map_err(CollectError::Output)?;
    let account = options
        .account
        .clone()
        .filter(|account| !account.trim().is_empty())
        .or(from_token)
        .ok_or(CollectError::NoAccount)?;
    let collected_at =
        humantime::format_rfc3339_seconds(options.now.unwrap_or_else(SystemTime::now)).to_string();
    let mut run = Run {
        client,
        options,
        account: account.clone(),
        observer,
        fingerprints: RandomState::new(),
        reports: Vec::new(),
    };
    run.step("resource_instances", resource_controller::instances)?;
    run.step("resource_keys", resource_controller::keys)?;
    let service_ids = run.step("service_ids", identity::service_ids)?;
    let owners = run.step("api_keys", identity::api_keys)?;
    run.step("policies_v1", policy::v1)?;
    run.step("policies_v2", policy::v2)?;
    match run.step("access_groups", access_groups::groups)? {
        Some(groups) => {
            run.step("access_group_members", |ctx| {
                access_groups::members(ctx, &groups)
            })?;
        }
        None => run.skip(
            "access_group_members",
            "the access groups were not collected",
        ),
    }
    let service_ids = service_ids.unwrap_or_default();
    let mut identities = service_ids.iam_ids;
    for owner in owners.unwrap_or_default() {
        if !identities.contains(&owner) {
            identities.push(owner);
        }
    }
    run.optional("identity_limits", IAM_IDENTITY_VIEWER, |ctx| {
        limits::identity_limits(ctx, &service_ids.group_ids, &identities)
    })?;
    posture(&mut run)?;
    let collected = Collected {
        dir: options.out.clone(),
        account_id: account,
        collected_at,
        requests: run.client.requests,
        collections: run.reports,
    };
    let document = snapshot_document(&collected, &options.endpoints);
    let value = serde_json::to_value(&document).map_err(|error| {
        CollectError::Output(format!("cannot serialise {SNAPSHOT_FILE}: {error}"))
    })?;
    snapshot::write_atomic(&options.out, SNAPSHOT_FILE, &value).map_err(CollectError::Output)?;
    Ok(collected)
}

/// The roles each optional collection needs, named in its `forbidden` reason.
const IAM_IDENTITY_VIEWER: &str = "the Viewer role on IAM Identity Service (iam-identity)";
const IAM_IDENTITY_ADMINISTRATOR: &str = "the Administrator role on IAM Identity Service (iam-identity), which IBM requires for its reports";
const USER_MANAGEMENT_VIEWER: &str = "the Viewer role on User Management (user-management)";
const ACCOUNT_READER: &str =
    "access to the account in Account Management (GET /v4/accounts/{account_id})";
const ACCESS_GROUPS_VIEWER: &str = "the Viewer role on IAM Access Groups Service (iam-groups)";
const ACCESS_MANAGEMENT_VIEWER: &str =
    "the Viewer role on IAM Access Management (iam-access-management)";
const ATRACKER_VIEWER: &str = "the Viewer role on Activity Tracker Event Routing (atracker)";

/// The account's identity posture: every collection optional and independent (but the
/// links and claim rules, which need the profiles' ids).
fn posture(run: &mut Run<'_>) -> Result<(), CollectError> {
    run.optional(
        "account_settings",
        IAM_IDENTITY_VIEWER,
        identity_settings::account_settings,
    )?;
    match run.optional("trusted_profiles", IAM_IDENTITY_VIEWER, profiles::profiles)? {
        Some(ids) => {
            for (name, what) in [
                ("profile_links", &profiles::LINKS),
                ("profile_rules", &profiles::RULES),
            ] {
                run.optional(name, IAM_IDENTITY_VIEWER, |ctx| {
                    profiles::per_profile(ctx, &ids, what)
                })?;
            }
        }
        None => {
            for name in ["profile_links", "profile_rules"] {
                run.skip(name, "the trusted profiles were not collected");
            }
        }
    }
    run.optional("users", USER_MANAGEMENT_VIEWER, users::users)?;
    run.optional("account", ACCOUNT_READER, account_api::account)?;
    run.optional(
        "access_group_settings",
        ACCESS_GROUPS_VIEWER,
        access_groups::settings,
    )?;
    run.optional(
        "custom_roles",
        ACCESS_MANAGEMENT_VIEWER,
        roles::custom_roles,
    )?;
    run.optional("atracker_routes", ATRACKER_VIEWER, atracker::routes)?;
    run.optional("atracker_targets", ATRACKER_VIEWER, atracker::targets)?;
    run.optional(
        "activity_report",
        IAM_IDENTITY_ADMINISTRATOR,
        reports::activity,
    )?;
    run.optional("mfa_report", IAM_IDENTITY_ADMINISTRATOR, reports::mfa)?;
    Ok(())
}

struct Run<'a> {
    client: Client,
    options: &'a CollectOptions,
    account: String,
    observer: &'a mut dyn Observer,
    /// Keys of this run's secret fingerprints; never stored, so a fingerprint cannot be
    /// traced back to its secret.
    fingerprints: RandomState,
    reports: Vec<CollectionReport>,
}

impl Run<'_> {
    /// Runs one collection and writes its files; `Err` only when a file cannot be written.
    fn step<T>(
        &mut self,
        name: &str,
        gather: impl FnOnce(&mut Ctx<'_>) -> Result<Gathered<T>, ApiError>,
    ) -> Result<Option<T>, CollectError> {
        self.collection(name, None, gather)
    }

    /// An optional collection: a 403 names `need`, a 404 or a report not ready in time
    /// skips it (see the module comment).
    fn optional<T>(
        &mut self,
        name: &str,
        need: &str,
        gather: impl FnOnce(&mut Ctx<'_>) -> Result<Gathered<T>, ApiError>,
    ) -> Result<Option<T>, CollectError> {
        self.collection(name, Some(need), gather)
    }

    fn collection<T>(
        &mut self,
        name: &str,
        need: Option<&str>,
        gather: impl FnOnce(&mut Ctx<'_>) -> Result<Gathered<T>, ApiError>,
    ) -> Result<Option<T>, CollectError> {
        self.observer.collection(name);
        let result = {
            let mut ctx = Ctx {
                client: &mut self.client,
                endpoints: &self.options.endpoints,
                account: &self.account,
                observer: &mut *self.observer,
                options: self.options,
            };
            gather(&mut ctx)
        };
        let (report, extra) = match result {
            Ok(gathered) => {
                let mut files = Vec::new();
                for (file, mut document) in gathered.files {
                    if !gathered.public {
                        self.redact(&mut document);
                    }
                    snapshot::write_atomic(&self.options.out, &file, &document)
                        .map_err(CollectError::Output)?;
                    files.push(file);
                }
                let status = if gathered.partial.is_some() {
                    CollectionStatus::Partial
                } else {
                    CollectionStatus::Complete
                };
                let report = CollectionReport {
                    name: name.to_owned(),
                    status,
                    count: gathered.count,
                    files,
                    reason: gathered.partial.or(gathered.note),
                };
                (report, Some(gathered.extra))
            }
            Err(error) => {
                let (status, reason) = not_collected(&error, need);
                let report = CollectionReport {
                    name: name.to_owned(),
                    status,
                    count: 0,
                    files: Vec::new(),
                    reason: Some(reason),
                };
                (report, None)
            }
        };
        self.observer.finished(&report);
        self.reports.push(report);
        Ok(extra)
    }

    fn skip(&mut self, name: &str, reason: &str) {
        let report = CollectionReport {
            name: name.to_owned(),
            status: CollectionStatus::Skipped,
            count: 0,
            files: Vec::new(),
            reason: Some(reason.to_owned()),
        };
        self.observer.collection(name);
        self.observer.finished(&report);
        self.reports.push(report);
    }

    /// Replaces every secret (resource key credentials, stored API key values) with
    /// `<redacted:FINGERPRINT>`. Equal secrets get equal fingerprints within one snapshot,
    /// so `at-key-limit` can still count distinct `service_key`s; the fingerprint is keyed
    /// with a random key that is never written, so it reveals nothing about the secret.
    fn redact(&self, document: &mut Value) {
        if self.options.keep_secrets {
            return;
        }
        secrets::redact_value(document, &|leaf| match leaf {
            Value::String(secret) => Value::String(format!(
                "<redacted:{:016x}>",
                self.fingerprints.hash_one(secret)
            )),
            _ => Value::String(REDACTED.to_owned()),
        });
    }
}

/// The status and reason of a collection that ended with `error`; `need` is the role an
/// optional collection needs (`None` for the required ones).
fn not_collected(error: &ApiError, need: Option<&str>) -> (CollectionStatus, String) {
    let message = error.message.clone();
    let optional = need.is_some();
    if error.is_forbidden() {
        let reason = match need {
            Some(need) => format!("needs {need}: {message}"),
            None => message,
        };
        (CollectionStatus::Forbidden, reason)
    } else if optional && error.status == Some(404) {
        let reason =
            format!("the endpoint is not available for this account or endpoint: {message}");
        (CollectionStatus::Skipped, reason)
    } else if optional && error.kind == ApiErrorKind::NotReady {
        (CollectionStatus::Skipped, message)
    } else {
        (CollectionStatus::Failed, message)
    }
}

fn snapshot_document(collected: &Collected, endpoints: &Endpoints) -> SnapshotDocument {
    SnapshotDocument {
        iamlint_snapshot: FORMAT_VERSION,
        tool: Tool {
            name: "iamlint".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        account_id: collected.account_id.clone(),
        collected_at: collected.collected_at.clone(),
        complete: collected.is_complete(),
        requests: collected.requests,
        endpoints: SnapshotEndpoints {
            iam: shown_endpoint(&endpoints.iam),
            resource_controller: shown_endpoint(&endpoints.resource_controller),
            user_management: Some(shown_endpoint(&endpoints.user_management)),
            account_management: Some(shown_endpoint(&endpoints.account_management)),
            atracker: Some(endpoints.atracker.clone()),
        },
        collections: collected
            .collections
            .iter()
            .map(|collection| SnapshotCollection {
                name: collection.name.clone(),
                status: collection.status.as_str().to_owned(),
                count: collection.count,
                files: collection.files.clone(),
                reason: collection.reason.clone(),
            })
            .collect(),
    }
}

/// An endpoint as written to `snapshot.json`: without any user name or password.
fn shown_endpoint(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}
