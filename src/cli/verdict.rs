//! Why a run exits with its code: the last line of the `human` and `concise` summaries
//! (`exit 1: 6 findings at or above --fail-on low`), so that a person reading a CI log sees
//! what to fix to turn the gate green, even when `--min-severity` hides it.

use std::collections::BTreeSet;

use super::exit;
use crate::pipeline::fails;
use crate::rules::{Finding, Severity};
use crate::sources::{Loaded, NO_INPUT_FILES};

/// What decided the exit code.
pub(super) struct Verdict<'a> {
    pub(super) code: u8,
    pub(super) fail_on: Severity,
    pub(super) min_severity: Severity,
    pub(super) no_exit_codes: bool,
    /// Only new findings are reported (`--new-only`, `iamlint diff`).
    pub(super) compared: bool,
    /// Every reported finding, shown or hidden by `--min-severity`.
    pub(super) findings: &'a [Finding],
    pub(super) loaded: &'a Loaded,
}

impl Verdict<'_> {
    /// `exit N: why`, with a trailing newline.
    pub(super) fn line(&self) -> String {
        let findings = if self.compared {
            "new finding"
        } else {
            "finding"
        };
        let failing = self
            .findings
            .iter()
            .filter(|finding| fails(finding, self.fail_on))
            .count();
        let hidden = self
            .findings
            .iter()
            .filter(|finding| fails(finding, self.fail_on) && finding.severity < self.min_severity)
            .count();
        let at_or_above = format!(
            "{} at or above --fail-on {}",
            plural(failing, findings),
            self.fail_on
        );
        let hidden_note = match hidden {
            0 => String::new(),
            all if all == failing => format!(", hidden by --min-severity {}", self.min_severity),
            some => format!(" ({some} hidden by --min-severity {})", self.min_severity),
        };
        let why = match self.code {
            exit::ERROR => {
                let files: BTreeSet<&str> = self
                    .loaded
                    .errors
                    .iter()
                    .map(|error| error.file.as_str())
                    .collect();
                // A partly loaded file counts too: the summary says how much of it loaded.
                let mut why = format!("{} could not be loaded", plural(files.len(), "file"));
                if failing > 0 {
                    why.push_str(&format!("; also {at_or_above}{hidden_note}"));
                }
                why
            }
            exit::NO_INPUT => NO_INPUT_FILES.to_owned(),
            exit::FINDINGS => format!("{at_or_above}{hidden_note}"),
            _ if failing > 0 && self.no_exit_codes => {
                format!("--no-exit-codes, with {at_or_above}{hidden_note}")
            }
            _ => {
                let below = self.findings.len() - failing;
                let mut why = if self.fail_on == Severity::Info {
                    "no findings above info (--fail-on info: info findings never fail)".to_owned()
                } else {
                    format!("no {findings}s at or above --fail-on {}", self.fail_on)
                };
                if below > 0 && self.fail_on == Severity::Info {
                    why.push_str(&format!(" ({})", plural(below, "info finding")));
                } else if below > 0 {
                    why.push_str(&format!(" ({below} below it)"));
                }
                why
            }
        };
        format!("exit {}: {why}\n", self.code)
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
