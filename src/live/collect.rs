//! `iamlint collect`: runs every collection in order, writes each as it completes, and
//! writes `snapshot.json` last.
//!
//! A collection the API key may not read (HTTP 403) is marked `forbidden` and the collect
//! goes on; one that fails otherwise is marked `failed` and writes no file, so the rules
//! see it as not exported (and say "cannot evaluate") rather than as empty.

use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::time::SystemTime;

use serde_json::Value;

use super::client::{Client, ClientOptions, Endpoints};
use super::snapshot::{
    self, FORMAT_VERSION, SNAPSHOT_FILE, SnapshotCollection, SnapshotDocument, SnapshotEndpoints,
    Tool,
};
use super::{
    ApiError, Ctx, Gathered, Observer, Secret, access_groups, identity, limits, policy,
    resource_controller,
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
    run.step("identity_limits", |ctx| {
        limits::identity_limits(ctx, &service_ids.group_ids, &identities)
    })?;
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
        self.observer.collection(name);
        let result = {
            let mut ctx = Ctx {
                client: &mut self.client,
                endpoints: &self.options.endpoints,
                account: &self.account,
                observer: &mut *self.observer,
            };
            gather(&mut ctx)
        };
        let (report, extra) = match result {
            Ok(gathered) => {
                let mut files = Vec::new();
                for (file, mut document) in gathered.files {
                    self.redact(&mut document);
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
                    reason: gathered.partial,
                };
                (report, Some(gathered.extra))
            }
            Err(error) => {
                let status = if error.is_forbidden() {
                    CollectionStatus::Forbidden
                } else {
                    CollectionStatus::Failed
                };
                let report = CollectionReport {
                    name: name.to_owned(),
                    status,
                    count: 0,
                    files: Vec::new(),
                    reason: Some(error.message),
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
