//! `--format gitlab`: a GitLab Code Quality report, the JSON array of issues a job hands
//! to GitLab as `artifacts: reports: codequality:` (the subset of the Code Climate issue
//! format GitLab reads: `description`, `check_name`, `fingerprint`, `severity`,
//! `location.path`, `location.lines.begin`). GitLab shows the issues in the merge request
//! widget and on the changed lines. checkov and KICS write the same format.
//!
//! Every reported finding is an issue, most severe first (then by rule); one that could not
//! be evaluated says so in its description. Inputs that could not be loaded are issues too
//! (`iamlint/load-error`), so a broken export is not mistaken for a clean one.

use std::collections::HashSet;

use serde::Serialize;

use super::RunReport;
use super::place::{FileNames, file_of, place};
use crate::rules::finding::digest;
use crate::rules::{Finding, Severity, Status};
use crate::sources::LoadError;

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// File names relative to the repository root, as GitLab needs them.
    pub names: FileNames,
}

#[derive(Serialize)]
struct Issue {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's five levels, one per iamlint severity.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

fn issue(report: &RunReport<'_>, style: &Style, finding: &Finding) -> Issue {
    let documents = &report.loaded.documents;
    let origin = &finding.primary.origin;
    let (path, line) = match place(documents, &style.names, origin) {
        Some(place) => (place.file, place.start.line),
        None => (file_of(documents, &style.names, origin), 1),
    };
    let status = match finding.status {
        Status::Fail => "",
        Status::Unknown => "could not be evaluated: ",
    };
    let account = report
        .account_of(finding)
        .map(|account| format!(" (account {account})"))
        .unwrap_or_default();
    Issue {
        kind: "issue",
        check_name: format!("iamlint/{}", finding.rule),
        // The message names the resource.
        description: format!("{status}{}{account}", finding.message),
        categories: ["Security"],
        severity: severity(finding.severity),
        fingerprint: finding.fingerprint(),
        location: Location {
            path,
            lines: Lines { begin: line.max(1) },
        },
    }
}

fn load_issue(report: &RunReport<'_>, style: &Style, error: &LoadError) -> Issue {
    let path = error
        .document
        .map(|document| style.names.name(&report.loaded.documents, document))
        .unwrap_or_else(|| error.file.clone());
    let line = error.at.map_or(1, |at| at.line.max(1));
    Issue {
        kind: "issue",
        check_name: "iamlint/load-error".to_owned(),
        description: format!("cannot load this input: {}", error.message),
        categories: ["Bug Risk"],
        severity: "major",
        fingerprint: digest(["load-error", path.as_str(), error.message.as_str()]),
        location: Location {
            path,
            lines: Lines { begin: line },
        },
    }
}

/// Renders the report: a JSON array, `[]` when there is nothing to say.
pub fn render(report: &RunReport<'_>, style: &Style) -> String {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    // Most severe first, then by rule; stable, so file order within one rule.
    findings.sort_by_key(|finding| (std::cmp::Reverse(finding.severity), finding.rule));
    let mut issues: Vec<Issue> = findings
        .into_iter()
        .map(|finding| issue(report, style, finding))
        .collect();
    issues.extend(
        report
            .loaded
            .errors
            .iter()
            .map(|error| load_issue(report, style, error)),
    );
    // GitLab shows one issue per fingerprint: a repeated one gets its position appended.
    let mut seen = HashSet::new();
    for (at, issue) in issues.iter_mut().enumerate() {
        if !seen.insert(issue.fingerprint.clone()) {
            issue.fingerprint = format!("{}-{at}", issue.fingerprint);
            seen.insert(issue.fingerprint.clone());
        }
    }
    match super::safe::to_json_pretty(&issues) {
        Ok(text) => format!("{text}\n"),
        Err(_) => "[]\n".to_owned(),
    }
}
