//! Why a run exits with its code: the last line of the `human` and `concise` summaries
//! (`exit 1: 6 findings at or above --fail-on low`), so that a person reading a CI log sees
//! what to fix to turn the gate green, even when `--min-severity` hides it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::exit;
use crate::pipeline::fails;
use crate::rules::{Finding, Severity};
use crate::sources::{LoadError, LoadErrorKind, Loaded, NO_INPUT_FILES};

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
                let mut why = not_loaded(&self.loaded.errors, Counted::Files);
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

/// How [`not_loaded`] counts the input errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counted {
    /// The files they are in (`1 file could not be loaded`, the exit line).
    Files,
    /// The errors (`3 inputs could not be loaded`, `report` and `baseline write`).
    Inputs,
}

/// What the load errors are about: `1 file could not be loaded`, `2 custom rules could not
/// be loaded or run`, or both joined by `and`. A partly loaded file counts too (the summary
/// says how much of it loaded); a custom rule counts once whichever of its files is wrong.
pub(super) fn not_loaded(errors: &[LoadError], counted: Counted) -> String {
    let inputs = errors
        .iter()
        .filter(|error| error.kind != LoadErrorKind::Rule);
    let (count, noun) = match counted {
        Counted::Files => (
            inputs
                .map(|error| error.file.as_str())
                .collect::<BTreeSet<_>>()
                .len(),
            "file",
        ),
        Counted::Inputs => (inputs.count(), "input"),
    };
    let rules: BTreeSet<PathBuf> = errors
        .iter()
        .filter(|error| error.kind == LoadErrorKind::Rule)
        .map(|error| Path::new(&error.file).with_extension(""))
        .collect();
    let mut parts = Vec::new();
    if count > 0 || rules.is_empty() {
        parts.push(format!("{} could not be loaded", plural(count, noun)));
    }
    if !rules.is_empty() {
        parts.push(format!(
            "{} could not be loaded or run",
            plural(rules.len(), "custom rule")
        ));
    }
    parts.join(" and ")
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
