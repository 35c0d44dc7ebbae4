//! The IAM Identity reports, requested then polled: the activity report
//! (`POST /v1/activity/accounts/{account_id}/report` answers 202 with a `reference`;
//! `GET .../report/{reference}` answers 204 until the report is ready, then 200 with the
//! `Report`: `created_by`, `reference`, `report_duration`, `report_start_time`,
//! `report_end_time`, `users[]`, `apikeys[]`, `serviceids[]`, `profiles[]`, each item with
//! its `last_authn`) and the MFA enrollment report (`POST /v1/mfa/accounts/{account_id}/report
//! ?type=mfa_status`, then `GET .../report/{reference}`: `ReportMfaEnrollmentStatus`,
//! `created_by`, `reference`, `report_time`, `account_id`, `users[]` with
//! `effective_mfa_type`, `id_based_mfa` and `account_based_mfa`, each with `complies`).
//!
//! Polling is bounded by a number of checks and a total time. When the new report is not
//! ready within them, the latest earlier report (`reference` `latest`) is taken, and said;
//! when there is none, the collection gives up with a `NotReady` error (a warning, never a
//! failed snapshot).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::error::ApiErrorKind;
use super::{ApiError, Ctx, Gathered};

/// How long to wait for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polling {
    /// The wait between two checks.
    pub interval: Duration,
    /// Checks of the new report at most.
    pub max_checks: u32,
    /// Time spent waiting for one report at most.
    pub max_wait: Duration,
}

impl Default for Polling {
    /// IBM says a report can take a few minutes: every 5 seconds for up to 3 minutes.
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(5),
            max_checks: 36,
            max_wait: Duration::from_secs(180),
        }
    }
}

/// One kind of report.
struct Kind {
    /// The path segment after `v1`.
    segment: &'static str,
    /// The query of the request.
    query: &'static [(&'static str, &'static str)],
    file: &'static str,
    /// Its name in messages.
    label: &'static str,
}

const ACTIVITY: Kind = Kind {
    segment: "activity",
    query: &[],
    file: "activity_report.json",
    label: "activity report",
};

const MFA: Kind = Kind {
    segment: "mfa",
    query: &[("type", "mfa_status")],
    file: "mfa_report.json",
    label: "MFA enrollment report",
};

pub(crate) fn activity(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    report(ctx, &ACTIVITY)
}

pub(crate) fn mfa(ctx: &mut Ctx<'_>) -> Result<Gathered<()>, ApiError> {
    report(ctx, &MFA)
}

fn report(ctx: &mut Ctx<'_>, kind: &Kind) -> Result<Gathered<()>, ApiError> {
    let account = ctx.account.to_owned();
    let create = ctx.iam(
        &["v1", kind.segment, "accounts", &account, "report"],
        kind.query,
    )?;
    let created = ctx.client.post_json(&create, ctx.observer)?;
    let Some(reference) = created
        .get("reference")
        .and_then(Value::as_str)
        .filter(|reference| !reference.is_empty())
        .map(str::to_owned)
    else {
        return Err(ApiError::new(
            ApiErrorKind::Decode,
            format!("POST {create}: expected a `reference` in the response"),
        ));
    };
    let polling = ctx.options.polling.clone();
    let started = Instant::now();
    let mut checks = 0;
    while checks < polling.max_checks {
        checks += 1;
        if let Some(document) = fetch(ctx, &account, kind, &reference)? {
            return Ok(done(kind, document, None));
        }
        if started.elapsed() + polling.interval > polling.max_wait {
            break;
        }
        std::thread::sleep(polling.interval);
    }
    let waited = format!(
        "the new {} ({reference}) was not ready after {checks} checks in {:.1}s",
        kind.label,
        started.elapsed().as_secs_f64()
    );
    match fetch(ctx, &account, kind, "latest") {
        Ok(Some(document)) => {
            let note = format!("{waited}: wrote the latest earlier report instead");
            Ok(done(kind, document, Some(note)))
        }
        Ok(None)
        | Err(ApiError {
            status: Some(404), ..
        }) => Err(ApiError::new(
            ApiErrorKind::NotReady,
            format!("{waited}, and there is no earlier report: collect again later"),
        )),
        Err(error) => Err(ApiError {
            message: format!("{waited}; the latest report: {}", error.message),
            ..error
        }),
    }
}

/// The report, or `None` while it is not ready (HTTP 204).
fn fetch(
    ctx: &mut Ctx<'_>,
    account: &str,
    kind: &Kind,
    reference: &str,
) -> Result<Option<Value>, ApiError> {
    let url = ctx.iam(
        &["v1", kind.segment, "accounts", account, "report", reference],
        &[],
    )?;
    match ctx.client.get_json(&url, ctx.observer)? {
        Value::Null => Ok(None),
        document @ Value::Object(_) => Ok(Some(document)),
        _ => Err(ApiError::new(
            ApiErrorKind::Decode,
            format!("GET {url}: expected the {} object", kind.label),
        )),
    }
}

/// The collection of a ready report; its count is the identities it lists.
fn done(kind: &Kind, document: Value, note: Option<String>) -> Gathered<()> {
    let count = ["users", "apikeys", "serviceids", "profiles"]
        .iter()
        .filter_map(|member| document.get(*member).and_then(Value::as_array))
        .map(Vec::len)
        .sum();
    let mut gathered = Gathered::file(kind.file, document, count);
    gathered.note = note;
    gathered
}
