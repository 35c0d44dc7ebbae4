//! `--format json`: the versioned machine-readable output. These DTOs are the contract;
//! later versions add fields and never rename them.
//!
//! Over 400 lines: the whole versioned contract (every DTO and its mapping) is kept in one
//! file, so that a change to it is one reviewable diff.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{Comparison, RunReport};
use crate::model::{EntityRef, Origin};
use crate::rules;
use crate::sources::LoadError;
use crate::triage::Entry;

/// The version of this output's shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<Finding<'a>>,
    errors: Vec<Error<'a>>,
    summary: Summary<'a>,
    /// Findings a waiver accepted: not failures, and not in `findings`.
    waived: Vec<WaivedDto<'a>>,
    /// Problems with the waivers themselves (expired, matched nothing, malformed comments).
    warnings: Vec<WarningDto<'a>>,
    /// With `--baseline`: the baseline entries that no longer occur.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<Vec<&'a Entry>>,
}

#[derive(Serialize)]
struct WaivedDto<'a> {
    #[serde(flatten)]
    finding: Finding<'a>,
    waiver: WaiverDto<'a>,
}

#[derive(Serialize)]
struct WaiverDto<'a> {
    /// `config` (iamlint.yaml) or `inline` (a comment in the input).
    source: &'static str,
    reason: &'a str,
    expires: Option<String>,
    file: &'a str,
    line: Option<usize>,
}

#[derive(Serialize)]
struct WarningDto<'a> {
    code: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: Option<usize>,
}

#[derive(Serialize)]
struct BaselineDto<'a> {
    file: &'a str,
    /// Findings in the baseline, not reported.
    baselined: usize,
    /// Baseline entries that no longer occur.
    fixed: usize,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'static str,
    severity: &'static str,
    status: &'static str,
    message: &'a str,
    resource: Resource<'a>,
    location: Option<Location<'a>>,
    related: Vec<Related<'a>>,
    remediation: Option<&'a str>,
    /// `Finding::fingerprint`: stable across runs and unrelated edits.
    fingerprint: String,
    /// The account of the finding, in a run over several accounts (absent otherwise, and
    /// when no input ties the entity to an account).
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
}

#[derive(Serialize)]
struct Resource<'a> {
    kind: &'static str,
    id: &'a str,
    name: Option<&'a str>,
    /// The Terraform address, for entities from a plan or state.
    address: Option<&'a str>,
}

#[derive(Serialize)]
struct Related<'a> {
    kind: &'static str,
    id: &'a str,
    name: Option<&'a str>,
    address: Option<&'a str>,
    label: &'a str,
    location: Option<Location<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    pointer: String,
}

#[derive(Serialize)]
struct Error<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
    /// Where in the document (an item error names the member that is wrong).
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
}

/// A file some of whose list items could not be loaded (their errors are in `errors`).
#[derive(Serialize)]
struct PartialDto<'a> {
    file: &'a str,
    /// Items skipped over all its lists.
    skipped: usize,
    lists: Vec<ListDto>,
}

#[derive(Serialize)]
struct ListDto {
    /// The list's pointer (`/policies`; `""` for a CLI array).
    list: String,
    /// What the list holds (`policies`, `service IDs`, `items`).
    items: &'static str,
    loaded: usize,
    total: usize,
}

/// A file that was read and skipped, with why.
#[derive(Serialize)]
struct SkippedDto<'a> {
    file: &'a str,
    /// The document kind iamlint recognised (absent for an unrecognised shape).
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    reason: String,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    skipped: usize,
    /// Each skipped file with its kind and reason (present only when one was skipped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped_files: Vec<SkippedDto<'a>>,
    resources: BTreeMap<&'static str, usize>,
    findings: BTreeMap<&'static str, usize>,
    unknown: usize,
    /// Files loaded in part (present only when one was).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    partial: Vec<PartialDto<'a>>,
    /// How many accounts the inputs hold, when more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<usize>,
    /// The live snapshots checked (present only when one was loaded).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    snapshots: Vec<Snapshot<'a>>,
    /// Present when only new findings are reported (`--new-only`, `iamlint diff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<ComparisonDto<'a>>,
    /// How many findings were waived (listed in `waived`).
    waived: usize,
    /// Present with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineDto<'a>>,
}

#[derive(Serialize)]
struct Snapshot<'a> {
    account_id: Option<&'a str>,
    collected_at: Option<&'a str>,
    tool_version: Option<&'a str>,
    collections: Vec<SnapshotCollection<'a>>,
}

#[derive(Serialize)]
struct SnapshotCollection<'a> {
    name: &'a str,
    status: &'static str,
    count: u64,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct ComparisonDto<'a> {
    against: &'a str,
    unchanged: usize,
    fixed: usize,
}

fn resource(entity: &EntityRef) -> Resource<'_> {
    Resource {
        kind: entity.kind.as_str(),
        id: &entity.id,
        name: entity.name.as_deref(),
        address: entity.address.as_deref(),
    }
}

fn location<'a>(report: &'a RunReport<'_>, origin: &Origin) -> Option<Location<'a>> {
    let document = report.loaded.documents.get(origin.document)?;
    let at = document.locate(&origin.pointer);
    Some(Location {
        file: &document.name,
        line: at.map(|at| at.line),
        column: at.map(|at| at.column),
        pointer: origin.pointer.to_string(),
    })
}

fn error(error: &LoadError) -> Error<'_> {
    Error {
        file: &error.file,
        line: error.at.map(|at| at.line),
        column: error.at.map(|at| at.column),
        message: &error.message,
        help: error.help.as_deref(),
        pointer: error.pointer.as_ref().map(ToString::to_string),
    }
}

/// Renders the run as pretty-printed JSON, with a trailing newline.
pub fn render(report: &RunReport<'_>) -> String {
    render_compared(report, None)
}

/// One finding as the JSON output shows it.
fn finding<'a>(report: &'a RunReport<'_>, finding: &'a rules::Finding) -> Finding<'a> {
    Finding {
        rule: finding.rule,
        severity: finding.severity.as_str(),
        status: finding.status.as_str(),
        message: &finding.message,
        resource: resource(&finding.subject),
        location: location(report, &finding.primary.origin),
        related: finding
            .related
            .iter()
            .map(|related| Related {
                kind: related.entity.kind.as_str(),
                id: &related.entity.id,
                name: related.entity.name.as_deref(),
                address: related.entity.address.as_deref(),
                label: &related.label.text,
                location: location(report, &related.label.origin),
            })
            .collect(),
        remediation: finding.remediation.as_deref(),
        fingerprint: finding.fingerprint(),
        account: report.account_of(finding),
    }
}

/// [`render`] for a run that reports only new findings; `summary.comparison` says what was
/// compared.
pub fn render_compared(report: &RunReport<'_>, comparison: Option<&Comparison>) -> String {
    output_of(report, comparison, |output, estimate| {
        // Values stay exact; no control or bidi character is written raw (see `super::safe`).
        let mut text =
            super::safe::to_json_pretty_within(output, estimate).unwrap_or_else(|error| {
                format!("{{\"version\": {VERSION}, \"internal_error\": \"{error}\"}}")
            });
        text.push('\n');
        text
    })
}

/// [`render_compared`] written to `out` as it is serialized, never held whole: at
/// benchmark scale 100 the text is 28 MB, and held it was the run's last and highest
/// memory (`check --format json` to standard output takes this way).
pub fn write_compared(
    report: &RunReport<'_>,
    comparison: Option<&Comparison>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    output_of(report, comparison, |output, _| {
        super::safe::write_json_pretty(out, output).map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    })
}

/// The JSON document of a run, handed to `emit` with an estimate of its length.
fn output_of<R>(
    report: &RunReport<'_>,
    comparison: Option<&Comparison>,
    emit: impl FnOnce(&Output<'_>, usize) -> R,
) -> R {
    // Each finding's place and fingerprint (a SHA-256) on every core: the rendering below
    // is serial, and the last thing of a run.
    let findings = report
        .findings
        .par_iter()
        .map(|item| finding(report, item))
        .collect();
    let triage = report.triage;
    let waived = triage
        .waived
        .iter()
        .map(|waived| WaivedDto {
            finding: finding(report, &waived.finding),
            waiver: WaiverDto {
                source: waived.waiver.source.kind(),
                reason: &waived.waiver.reason,
                expires: waived.waiver.expires.map(|date| date.to_string()),
                file: waived.waiver.source.file(),
                line: waived.waiver.source.line(),
            },
        })
        .collect();
    let warnings = triage
        .warnings
        .iter()
        .map(|warning| WarningDto {
            code: warning.code.as_str(),
            message: &warning.message,
            help: warning.help.as_deref(),
            file: &warning.file,
            line: warning.line,
        })
        .collect();
    // A finding takes one to two kilobytes of pretty JSON; see `to_json_pretty_within`.
    let estimate = (report.findings.len() + triage.waived.len())
        .saturating_mul(4096)
        .saturating_add(1 << 16);
    let output = Output {
        version: VERSION,
        tool: Tool {
            name: "iamlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        waived,
        warnings,
        fixed: triage
            .baseline
            .as_ref()
            .map(|baseline| baseline.fixed.iter().collect()),
        errors: report.loaded.errors.iter().map(error).collect(),
        summary: Summary {
            files: report.loaded.files,
            skipped: report.loaded.skipped.len(),
            skipped_files: report
                .loaded
                .skipped
                .iter()
                .map(|file| SkippedDto {
                    file,
                    kind: report.loaded.skipped_kind(file).map(|kind| kind.name()),
                    reason: report.loaded.skip_reason(file),
                })
                .collect(),
            resources: report
                .resources()
                .into_iter()
                .map(|(kind, count)| (kind.as_str(), count))
                .collect(),
            findings: report
                .counts()
                .into_iter()
                .map(|(severity, count)| (severity.as_str(), count))
                .collect(),
            unknown: report.unknown_count(),
            partial: report
                .loaded
                .partial
                .iter()
                .map(|partial| PartialDto {
                    file: &partial.file,
                    skipped: partial.skipped(),
                    lists: partial
                        .lists
                        .iter()
                        .map(|list| ListDto {
                            list: list.list.to_string(),
                            items: list.what(),
                            loaded: list.total.saturating_sub(list.skipped),
                            total: list.total,
                        })
                        .collect(),
                })
                .collect(),
            accounts: report
                .several_accounts()
                .then(|| report.loaded.inventory.accounts.known()),
            snapshots: report
                .loaded
                .inventory
                .snapshots
                .iter()
                .map(|snapshot| Snapshot {
                    account_id: snapshot.account_id.as_deref(),
                    collected_at: snapshot.collected_at.as_deref(),
                    tool_version: snapshot.tool_version.as_deref(),
                    collections: snapshot
                        .collections
                        .iter()
                        .map(|collection| SnapshotCollection {
                            name: &collection.name,
                            status: collection.status.as_str(),
                            count: collection.count,
                            reason: collection.reason.as_deref(),
                        })
                        .collect(),
                })
                .collect(),
            comparison: comparison.map(|comparison| ComparisonDto {
                against: &comparison.against,
                unchanged: comparison.unchanged,
                fixed: comparison.fixed,
            }),
            waived: triage.waived.len(),
            baseline: triage.baseline.as_ref().map(|baseline| BaselineDto {
                file: &baseline.file,
                baselined: baseline.baselined.len(),
                fixed: baseline.fixed.len(),
            }),
        },
    };
    emit(&output, estimate)
}
