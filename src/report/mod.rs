//! Renderers, one per output format. Besides `main.rs`, this is the only place that writes
//! to the user; pointers become spans, lines and columns only here.

pub mod catalog;
pub mod collect;
pub mod concise;
pub mod config_errors;
pub mod explain;
pub mod human;
pub mod json;
pub mod progress;

// CI and audit outputs (issue 6).
pub mod compliance;
pub mod csv;
mod excerpts;
pub mod github;
pub mod gitlab;
pub mod junit;
pub mod markdown;
pub mod place;
pub mod safe;
pub mod sarif;
mod snippet;
mod uri;
pub mod warnings;

// The compliance report's renderers, at the paths the CLI and tests name them by.
pub use compliance::{cis, html, markdown as compliance_markdown};

use crate::model::{EntityKind, EntityRef};
use crate::rules::{Finding, Severity, Status};
use crate::sources::{Documents, Loaded};
use crate::triage::Triage;

/// Orders findings for output: by file, line, column, then rule (then resource, so the
/// order is total and runs are deterministic).
pub fn order(findings: &mut [Finding], documents: &Documents) {
    findings.sort_by_cached_key(|finding| {
        let origin = &finding.primary.origin;
        let at = documents
            .get(origin.document)
            .and_then(|document| document.locate(&origin.pointer));
        (
            documents.name(origin.document).to_owned(),
            at.map_or(0, |at| at.line),
            at.map_or(0, |at| at.column),
            finding.rule,
            finding.subject.id.clone(),
        )
    });
}

/// The order of the outputs a person reads (`human`, `concise`): most severe first, and
/// within one severity the order of [`order`] (file, line, column, rule, resource). The
/// machine formats keep [`order`] alone: their consumers sort as they like, and their
/// snapshots and diffs stay stable.
pub fn severity_first(findings: &[Finding]) -> Vec<&Finding> {
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    // A stable sort: equal severities keep the file order they came in.
    ordered.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    ordered
}

/// How a run was compared with an earlier state (`--new-only`, `iamlint diff`): only the new
/// findings are reported, and these counts say what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// What the findings were compared with, for the summary (`the plans' prior state`).
    pub against: String,
    /// Findings present in both, not reported.
    pub unchanged: usize,
    /// Findings of the earlier state gone now.
    pub fixed: usize,
}

/// What [`RunReport::new`] points at: nothing waived, no baseline.
static NO_TRIAGE: Triage = Triage::NONE;

/// Everything a renderer needs about one run.
pub struct RunReport<'a> {
    pub loaded: &'a Loaded,
    /// The findings to report: those no waiver and no baseline set aside.
    pub findings: &'a [Finding],
    /// The waived and baselined findings, and the warnings about waivers.
    pub triage: &'a Triage,
}

impl<'a> RunReport<'a> {
    /// A run with nothing waived or baselined.
    pub fn new(loaded: &'a Loaded, findings: &'a [Finding]) -> Self {
        Self {
            loaded,
            findings,
            triage: &NO_TRIAGE,
        }
    }

    #[must_use]
    pub fn with_triage(mut self, triage: &'a Triage) -> Self {
        self.triage = triage;
        self
    }
}

impl RunReport<'_> {
    /// Whether the inputs hold several accounts: outputs then name the account of each
    /// finding (a run of one account prints as it always did).
    pub fn several_accounts(&self) -> bool {
        self.loaded.inventory.accounts.several()
    }

    /// The account to show for `finding`: its account, in a run over several accounts.
    pub fn account_of<'f>(&self, finding: &'f Finding) -> Option<&'f str> {
        self.several_accounts()
            .then_some(finding.subject.account.as_deref())
            .flatten()
    }

    /// Findings per severity, highest first.
    pub fn counts(&self) -> Vec<(Severity, usize)> {
        Severity::DESCENDING
            .iter()
            .map(|&severity| {
                let count = self
                    .findings
                    .iter()
                    .filter(|finding| finding.severity == severity)
                    .count();
                (severity, count)
            })
            .collect()
    }

    pub fn unknown_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.status == Status::Unknown)
            .count()
    }

    /// Entities per kind.
    pub fn resources(&self) -> Vec<(EntityKind, usize)> {
        EntityKind::ALL
            .iter()
            .map(|&kind| (kind, self.loaded.inventory.count(kind)))
            .collect()
    }
}

/// `resource key `at-siem-reader``: an entity as messages name it (its name, else its id).
pub fn subject_label(entity: &EntityRef) -> String {
    view_label(entity.view())
}

/// [`subject_label`] of a borrowed reference.
pub fn view_label(entity: crate::model::EntityView<'_>) -> String {
    format!(
        "{} `{}`",
        entity.kind.label(),
        entity.name.unwrap_or(entity.id)
    )
}

/// Prose on one line: every run of whitespace (line breaks included) becomes one space, and
/// the ends are trimmed. For rule metadata written as wrapped YAML blocks, and for JUnit
/// attributes. It does not escape: `concise` escapes instead, as it shows input text whole.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
