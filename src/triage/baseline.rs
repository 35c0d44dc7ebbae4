//! Baselines: the findings a team has accepted for now, recorded by fingerprint in a
//! versioned JSON file (`iamlint baseline write`), so that `check --baseline` reports only
//! what is new and what has been fixed since.
//!
//! Each entry also says what it is (rule, severity, resource, message at the time), for the
//! people who review the file; only the fingerprint is compared. Entries are sorted, and an
//! entry that still occurs is kept as it was written, so rewriting a baseline changes only
//! the lines of findings that appeared or went away.

use serde::{Deserialize, Serialize};

use crate::model::EntityKind;
use crate::rules::{Finding, Settings, compare::FingerprintCounts};

/// The version of the file's shape (`iamlint_baseline`); later versions add members.
pub const VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub iamlint_baseline: u32,
    #[serde(default)]
    pub tool: Tool,
    pub findings: Vec<Entry>,
}

/// What wrote the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Self {
            name: "iamlint".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `Finding::fingerprint`: the only member compared.
    pub fingerprint: String,
    pub rule: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub resource: Resource,
    /// The finding's message when it was recorded.
    #[serde(default)]
    pub message: String,
}

/// The resource of an entry, as the JSON output names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub kind: String,
    pub id: String,
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Entry {
    pub fn of(finding: &Finding) -> Self {
        let subject = &finding.subject;
        Self {
            fingerprint: finding.fingerprint(),
            rule: finding.rule.to_owned(),
            severity: finding.severity.as_str().to_owned(),
            resource: Resource {
                kind: subject.kind.as_str().to_owned(),
                id: subject.id.clone(),
                name: subject.name.clone(),
                address: subject.address.clone(),
            },
            message: finding.message.clone(),
        }
    }

    /// `resource key `at-siem-reader``, for people.
    pub fn resource_label(&self) -> String {
        let kind = EntityKind::ALL
            .iter()
            .chain([&EntityKind::TerraformValue])
            .find(|kind| kind.as_str() == self.resource.kind)
            .map_or_else(
                || self.resource.kind.replace('_', " "),
                |kind| kind.label().to_owned(),
            );
        let name = self
            .resource
            .address
            .as_deref()
            .or(self.resource.name.as_deref())
            .unwrap_or(&self.resource.id);
        format!("{kind} `{name}`")
    }

    fn sort_key(&self) -> (&str, &str, &str) {
        (&self.rule, &self.resource.id, &self.fingerprint)
    }
}

/// How a rewritten baseline differs from the one it replaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Entries of the earlier baseline that still occur (or whose rule did not run).
    pub kept: usize,
    /// Findings that were not in it.
    pub added: usize,
    /// Entries that no longer occur, removed.
    pub pruned: usize,
}

/// The findings of a run checked against a baseline.
#[derive(Debug, Default)]
pub struct Compared {
    /// Not in the baseline: reported.
    pub new: Vec<Finding>,
    /// In the baseline: counted, not reported.
    pub baselined: Vec<Finding>,
    /// Entries of the baseline whose rule ran and that no longer occur.
    pub fixed: Vec<Entry>,
}

impl Baseline {
    /// Reads a baseline file's text; `Err` says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
        match value
            .get("iamlint_baseline")
            .and_then(serde_json::Value::as_u64)
        {
            None => {
                return Err("not an iamlint baseline (no `iamlint_baseline` version)".to_owned());
            }
            Some(version) if version > u64::from(VERSION) => {
                return Err(format!(
                    "baseline version {version} was written by a newer iamlint (this one reads \
                     version {VERSION})"
                ));
            }
            Some(_) => {}
        }
        serde_path_to_error::deserialize(value).map_err(|error| {
            format!(
                "invalid baseline at `{}`: {}",
                error.path(),
                crate::sources::error::sanitize_serde_message(&error.inner().to_string())
            )
        })
    }

    /// The file's text: pretty JSON, entries sorted by rule, resource and fingerprint.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|error| {
            format!("{{\"iamlint_baseline\": {VERSION}, \"internal_error\": \"{error}\"}}")
        });
        text.push('\n');
        text
    }

    /// A baseline of `findings`. Entries of `previous` that still occur are kept as they
    /// were; those that no longer occur are pruned, unless their rule did not run (it did not
    /// judge them); new findings are added.
    pub fn record(
        previous: Option<&Self>,
        findings: &[Finding],
        settings: &Settings,
    ) -> (Self, Recorded) {
        let current: Vec<Entry> = findings.iter().map(Entry::of).collect();
        let mut recorded = Recorded::default();
        let mut entries = Vec::with_capacity(current.len());
        let mut remaining =
            FingerprintCounts::of(current.iter().map(|entry| entry.fingerprint.as_str()));
        for entry in previous.map_or(&[][..], |previous| &previous.findings[..]) {
            // An entry whose rule did not run is kept: the rule did not judge it.
            if remaining.take(&entry.fingerprint) || !settings.enabled(&entry.rule) {
                recorded.kept += 1;
                entries.push(entry.clone());
            } else {
                recorded.pruned += 1;
            }
        }
        for entry in current {
            if remaining.take(&entry.fingerprint) {
                recorded.added += 1;
                entries.push(entry);
            }
        }
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (
            Self {
                iamlint_baseline: VERSION,
                tool: Tool::default(),
                findings: entries,
            },
            recorded,
        )
    }

    /// Splits `findings` into new and baselined ones, and names the entries that no longer
    /// occur. Equal fingerprints match one to one, so a second identical finding is new.
    pub fn compare(&self, findings: Vec<Finding>, settings: &Settings) -> Compared {
        let mut remaining =
            FingerprintCounts::of(self.findings.iter().map(|entry| entry.fingerprint.as_str()));
        let mut compared = Compared::default();
        for finding in findings {
            if remaining.take(&finding.fingerprint()) {
                compared.baselined.push(finding);
            } else {
                compared.new.push(finding);
            }
        }
        for entry in &self.findings {
            // A rule that did not run judged nothing: its entries are not fixed.
            if remaining.take(&entry.fingerprint) && settings.enabled(&entry.rule) {
                compared.fixed.push(entry.clone());
            }
        }
        compared
    }
}
