//! Live mode on the command line: the API key (from `IBMCLOUD_API_KEY` or `--apikey-file`,
//! never a plain argument), the client's options, `iamlint collect` and `check --live`.

use std::path::PathBuf;

use super::args::{ApiArgs, CheckArgs, CollectArgs};
use super::{Outcome, exit, usage_error};
use crate::live::{self as api, ClientOptions, CollectOptions, Collected, Endpoints, Secret};
use crate::report;

/// The environment variable that holds the API key.
pub const API_KEY_VARIABLE: &str = "IBMCLOUD_API_KEY";

impl ApiArgs {
    /// The first option given that only means something with --live.
    pub(super) fn live_only_option(&self) -> Option<&'static str> {
        if self.account.is_some() {
            Some("--account")
        } else if self.apikey_file.is_some() {
            Some("--apikey-file")
        } else if self.keep_secrets {
            Some("--keep-secrets")
        } else if !self.atracker_region.is_empty() {
            Some("--atracker-region")
        } else {
            None
        }
    }

    /// The API key: from `--apikey-file`, else from `IBMCLOUD_API_KEY`.
    fn api_key(&self) -> Result<Secret, String> {
        let key = match &self.apikey_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|error| {
                    format!("cannot read the API key file {}: {error}", path.display())
                })?;
                api_key_in(&text)
            }
            None => Secret::new(std::env::var(API_KEY_VARIABLE).unwrap_or_default().trim()),
        };
        if key.is_empty() {
            return Err(format!(
                "no API key: set {API_KEY_VARIABLE} or pass --apikey-file FILE (an API key is \
                 never accepted as a plain argument)"
            ));
        }
        Ok(key)
    }

    fn collect_options(&self, out: PathBuf) -> Result<CollectOptions, String> {
        let defaults = ClientOptions::default();
        Ok(CollectOptions {
            out,
            account: self.account.clone(),
            endpoints: Endpoints::parse(&self.iam_endpoint, &self.resource_controller_endpoint)?
                .with_posture(
                    &self.user_management_endpoint,
                    &self.account_endpoint,
                    &self.atracker_endpoint,
                )?,
            client: ClientOptions {
                timeout: std::time::Duration::from_secs(self.timeout),
                connect_timeout: defaults
                    .connect_timeout
                    .min(std::time::Duration::from_secs(self.timeout)),
                max_attempts: self.max_attempts,
                backoff_base: std::time::Duration::from_millis(self.retry_delay_ms),
                ..defaults
            },
            keep_secrets: self.keep_secrets,
            now: None,
            atracker_regions: self
                .atracker_region
                .iter()
                .map(|region| region.trim().to_owned())
                .filter(|region| !region.is_empty())
                .collect(),
            polling: report_polling(self.report_wait, self.report_interval_ms),
        })
    }
}

/// Checks every `interval_ms` for up to `wait` seconds.
fn report_polling(wait: u64, interval_ms: u64) -> api::Polling {
    let interval = std::time::Duration::from_millis(interval_ms.max(1));
    let max_wait = std::time::Duration::from_secs(wait);
    let checks = (max_wait.as_millis() / interval.as_millis()).max(1);
    api::Polling {
        interval,
        max_checks: u32::try_from(checks).unwrap_or(u32::MAX),
        max_wait,
    }
}

/// The key in an API key file: the file's text, or the `apikey` member of the JSON file the
/// IBM Cloud console downloads.
fn api_key_in(text: &str) -> Secret {
    let from_json = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| {
            value
                .get("apikey")
                .and_then(|key| key.as_str())
                .map(str::to_owned)
        });
    Secret::new(from_json.unwrap_or_else(|| text.trim().to_owned()))
}

/// Runs a collect with a progress display; the outcome of a failure.
fn run_collect(api_args: &ApiArgs, out: PathBuf) -> Result<Collected, Outcome> {
    let apikey = api_args
        .api_key()
        .map_err(|message| usage_error(&message))?;
    let options = api_args
        .collect_options(out)
        .map_err(|message| usage_error(&message))?;
    let mut progress = report::progress::Progress::new(api_args.quiet);
    let result = api::collect(apikey, &options, &mut progress);
    drop(progress);
    result.map_err(|error| Outcome {
        stderr: format!("error: {error}\n"),
        code: exit::ERROR,
        ..Outcome::default()
    })
}

pub(super) fn collect(args: &CollectArgs) -> Outcome {
    match run_collect(&args.api, args.out.clone()) {
        Ok(collected) => Outcome {
            stdout: report::collect::render(&collected),
            code: if collected.is_complete() {
                exit::CLEAN
            } else {
                exit::ERROR
            },
            ..Outcome::default()
        },
        Err(outcome) => outcome,
    }
}

/// `check --live`: collects into `--out` or a new temporary directory that is kept, since
/// the findings point into its files.
pub(super) fn collect_live(args: &CheckArgs) -> Result<Collected, Outcome> {
    let out = match &args.out {
        Some(out) => out.clone(),
        None => tempfile::Builder::new()
            .prefix("iamlint-live-")
            .tempdir()
            .map(tempfile::TempDir::keep)
            .map_err(|error| {
                usage_error(&format!(
                    "cannot create a temporary snapshot directory: {error}"
                ))
            })?,
    };
    run_collect(&args.api, out)
}
