//! The mapping from iamlint's run (findings, waivers, load errors, warnings, the rule
//! catalogue) to the SARIF object model of `model.rs`.
//!
//! Over 400 lines: one mapping per SARIF part (results, rules, notifications), all from the
//! same run, kept beside each other so that the ids they share stay consistent.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::model::{
    ArtifactLocation, BaselineProperties, Configuration, ContextRegion, Driver, Help, Invocation,
    Location, Log, LogicalLocation, Notification, PhysicalLocation, Region, Resource,
    ResultProperties, Rule, RuleProperties, Run, RunProperties, SCHEMA, SarifResult, Suppression,
    Text, Tool,
};
use super::{FINGERPRINT_KEY, Style};
use crate::model::{EntityRef, Origin};
use crate::report::place::{Excerpt, Place, excerpt, place};
use crate::report::{RunReport, one_line};
use crate::rules::{self, Finding, RuleMeta, Severity, Status};
use crate::sources::LoadError;
use crate::triage::{Waived, WaiverSource, Warning, WarningPlace};

/// The SARIF `level` of a severity: errors fail a review, warnings and notes inform it.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score: over 9.0 is critical, 7.0-8.9 high, 4.0-6.9
/// medium, up to 3.9 low.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

/// `key-restriction-missing` -> `KeyRestrictionMissing`, SARIF's readable rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn rule(id: &'static str, meta: &RuleMeta) -> Rule {
    let references: Vec<String> = meta
        .references
        .iter()
        .map(|reference| format!("- [{}]({})", reference.title, reference.url))
        .collect();
    let fix = meta.fix_steps();
    let text = format!(
        "{}\n\nWhy: {}\n\nFix: {}\n\n{fix}",
        one_line(&meta.summary),
        one_line(&meta.rationale),
        one_line(&meta.remediation),
    );
    let markdown = format!(
        "{}\n\n**Why it matters.** {}\n\n**How to fix it.** {}\n\n```sh\n{fix}\n```\n\n**References**\n\n{}",
        one_line(&meta.summary),
        one_line(&meta.rationale),
        one_line(&meta.remediation),
        references.join("\n"),
    );
    let mut tags = vec!["security".to_owned(), meta.category.clone()];
    tags.dedup();
    Rule {
        id,
        name: pascal_case(id),
        short_description: Text {
            text: one_line(&meta.title),
        },
        full_description: Text {
            text: one_line(&meta.summary),
        },
        help: Help { text, markdown },
        help_uri: meta
            .references
            .first()
            .map(|reference| reference.url.clone()),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags,
            precision: "high",
            security_severity: security_severity(meta.severity),
        },
    }
}

fn physical(place: Place, excerpt: Option<Excerpt>) -> PhysicalLocation {
    let (snippet, context_region) = match excerpt {
        Some(excerpt) => (
            Some(Text { text: excerpt.text }),
            excerpt.context.map(|context| ContextRegion {
                start_line: context.start,
                end_line: context.end,
                snippet: Text { text: context.text },
            }),
        ),
        None => (None, None),
    };
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: crate::report::uri::encode_path(&place.file),
        },
        region: Some(Region {
            start_line: place.start.line,
            start_column: place.start.column,
            end_line: place.end.line,
            end_column: place.end.column,
            snippet,
        }),
        context_region,
    }
}

fn logical(entity: &EntityRef) -> LogicalLocation {
    LogicalLocation {
        name: entity.name.clone().unwrap_or_else(|| entity.id.clone()),
        fully_qualified_name: entity.id.clone(),
        kind: "resource",
    }
}

fn location(
    report: &RunReport<'_>,
    style: &Style,
    origin: &Origin,
    entity: &EntityRef,
) -> Location {
    let documents = &report.loaded.documents;
    let physical_location = place(documents, &style.names, origin)
        .map(|place| physical(place, excerpt(documents, origin)))
        .or_else(|| {
            // No span (should not happen for a loaded document): still name the file.
            documents.get(origin.document).map(|_| PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: crate::report::uri::encode_path(
                        &style.names.name(documents, origin.document),
                    ),
                },
                region: None,
                context_region: None,
            })
        });
    Location {
        id: None,
        physical_location,
        logical_locations: vec![logical(entity)],
        message: None,
    }
}

fn result(
    report: &RunReport<'_>,
    style: &Style,
    finding: &Finding,
    rule_index: Option<usize>,
) -> SarifResult {
    let related_locations = finding
        .related
        .iter()
        .enumerate()
        .map(|(at, related)| {
            let mut location = location(report, style, &related.label.origin, &related.entity);
            location.id = Some(at + 1);
            location.message = Some(Text {
                text: format!(
                    "{}: {} `{}`",
                    related.label.text,
                    related.entity.kind.label(),
                    related.entity.name.as_deref().unwrap_or(&related.entity.id)
                ),
            });
            location
        })
        .collect();
    let mut primary = location(report, style, &finding.primary.origin, &finding.subject);
    primary.message = Some(Text {
        text: finding.primary.text.clone(),
    });
    let mut message = finding.message.clone();
    if let Some(remediation) = &finding.remediation {
        message.push_str("\nFix: ");
        message.push_str(remediation);
    }
    SarifResult {
        rule_id: finding.rule,
        rule_index,
        level: level(finding.severity),
        message: Text { text: message },
        locations: vec![primary],
        related_locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.fingerprint())]),
        baseline_state: report.triage.baseline.as_ref().map(|_| "new"),
        suppressions: Vec::new(),
        properties: ResultProperties {
            severity: finding.severity.as_str(),
            status: match finding.status {
                Status::Fail => "fail",
                Status::Unknown => "unknown",
            },
            resource: Resource {
                kind: finding.subject.kind.as_str(),
                id: finding.subject.id.clone(),
                name: finding.subject.name.clone(),
            },
            account: report.account_of(finding).map(str::to_owned),
        },
    }
}

fn notification(report: &RunReport<'_>, style: &Style, error: &LoadError) -> Notification {
    let mut message = format!("cannot load {}: {}", error.file, error.message);
    if let Some(help) = &error.help {
        message.push_str(&format!(" ({help})"));
    }
    let documents = &report.loaded.documents;
    let file = error
        .document
        .map(|document| style.names.name(documents, document))
        .unwrap_or_else(|| error.file.clone());
    let region = error.at.map(|at| Region {
        start_line: at.line,
        start_column: at.column,
        end_line: at.line,
        end_column: at.column,
        snippet: None,
    });
    Notification {
        level: "error",
        message: Text { text: message },
        locations: vec![Location {
            id: None,
            physical_location: Some(PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: crate::report::uri::encode_path(&file),
                },
                region,
                context_region: None,
            }),
            logical_locations: Vec::new(),
            message: None,
        }],
    }
}

/// A waived finding: a result with a suppression whose justification is the reason.
fn waived_result(
    report: &RunReport<'_>,
    style: &Style,
    waived: &Waived,
    rule_index: Option<usize>,
) -> SarifResult {
    let mut result = result(report, style, &waived.finding, rule_index);
    result.baseline_state = None;
    let waiver = &waived.waiver;
    let mut justification = waiver.reason.clone();
    if let Some(expires) = waiver.expires {
        justification.push_str(&format!(" (waived until {expires})"));
    }
    let (kind, location) = match &waiver.source {
        WaiverSource::Config { file, line, .. } => ("external", file_location(file, *line)),
        WaiverSource::Inline { document, line, .. } => (
            "inSource",
            file_location(
                &style.names.name(&report.loaded.documents, *document),
                Some(*line),
            ),
        ),
    };
    result.suppressions.push(Suppression {
        kind,
        status: "accepted",
        justification,
        location: Some(location),
    });
    result
}

/// A whole line of a file (for waivers and their warnings).
fn file_location(file: &str, line: Option<usize>) -> Location {
    Location {
        id: None,
        physical_location: Some(PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: crate::report::uri::encode_path(file),
            },
            region: line.map(|line| Region {
                start_line: line,
                start_column: 1,
                end_line: line,
                end_column: 1,
                snippet: None,
            }),
            context_region: None,
        }),
        logical_locations: Vec::new(),
        message: None,
    }
}

fn warning_notification(report: &RunReport<'_>, style: &Style, warning: &Warning) -> Notification {
    let file = match &warning.place {
        WarningPlace::Input { document, .. } => {
            style.names.name(&report.loaded.documents, *document)
        }
        WarningPlace::Config { .. } => warning.file.clone(),
    };
    let mut message = format!("{}: {}", warning.code.as_str(), warning.message);
    if let Some(help) = &warning.help {
        message.push_str(&format!(" ({help})"));
    }
    Notification {
        level: "warning",
        message: Text { text: message },
        locations: vec![file_location(&file, warning.line)],
    }
}

/// The custom rules of the run's findings (reported and waived), each once, by id.
fn custom_rules(report: &RunReport<'_>) -> Vec<(&'static str, &'static RuleMeta)> {
    let ids: std::collections::BTreeSet<&'static str> = report
        .findings
        .iter()
        .chain(report.triage.waived.iter().map(|waived| &waived.finding))
        .map(|finding| finding.rule)
        .filter(|id| rules::lookup::is_custom_id(id))
        .collect();
    ids.into_iter()
        .filter_map(|id| rules::registered::meta(id).map(|meta| (id, meta)))
        .collect()
}

/// Renders the run as one SARIF 2.1.0 log (pretty-printed, with a trailing newline).
///
/// A waived finding stays a result, with `suppressions: [{"kind": "external" (config) or
/// "inSource" (inline), "status": "accepted", "justification": <reason>}]`, which GitHub code
/// scanning shows as dismissed. With a baseline, results are the new findings
/// (`baselineState: "new"`); the baselined ones and the fixed entries are counted in the
/// run's `properties`.
pub fn render(report: &RunReport<'_>, style: &Style) -> String {
    log_of(report, style, |log, estimate| {
        let mut text =
            crate::report::safe::to_json_pretty_within(log, estimate).unwrap_or_else(|error| {
                format!("{{\"version\": \"2.1.0\", \"runs\": [], \"internal_error\": \"{error}\"}}")
            });
        text.push('\n');
        text
    })
}

/// [`render`] written to `out` as it is serialized, never held whole (a scale-100 account's
/// log is over 50 MB): `check --format sarif` to standard output takes this way.
pub fn write(
    report: &RunReport<'_>,
    style: &Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    log_of(report, style, |log, _| {
        crate::report::safe::write_json_pretty(out, log).map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    })
}

/// The SARIF log of a run, handed to `emit` with an estimate of its length.
fn log_of<R>(report: &RunReport<'_>, style: &Style, emit: impl FnOnce(&Log, usize) -> R) -> R {
    let catalogue: Vec<(&'static str, &RuleMeta)> = rules::REGISTRY
        .iter()
        .zip(rules::metadata())
        .filter_map(|(entry, meta)| meta.as_ref().ok().map(|meta| (entry.id, meta)))
        // Then the custom rules (`rules::registered`) the findings name, in id order: the
        // registry is process-wide, the log is this run's.
        .chain(custom_rules(report))
        .collect();
    let index_of: BTreeMap<&str, usize> = catalogue
        .iter()
        .enumerate()
        .map(|(at, (id, _))| (*id, at))
        .collect();
    let triage = report.triage;
    // Each result reads and masks the excerpt of its places: the results are made on every
    // core, in the findings' order (a scale-100 account has eight thousand).
    // The findings of documents whose layout is still to be worked out last (see
    // `excerpts`).
    let plan = super::super::excerpts::Plan::new(&report.loaded.documents, report.findings.iter());
    let drawn: Vec<SarifResult> = plan.draw(|| {
        plan.order
            .par_iter()
            .filter_map(|&at| report.findings.get(at))
            .map(|finding| result(report, style, finding, index_of.get(finding.rule).copied()))
            .collect()
    });
    let mut results = plan.in_findings_order(drawn);
    results.par_extend(triage.waived.par_iter().map(|waived| {
        waived_result(
            report,
            style,
            waived,
            index_of.get(waived.finding.rule).copied(),
        )
    }));
    // A result takes two to four kilobytes of pretty JSON; see `to_json_pretty_within`.
    let estimate = (report.findings.len() + triage.waived.len())
        .saturating_mul(8192)
        .saturating_add(1 << 20);
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "iamlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
                        .into_iter()
                        .find(|uri| !uri.is_empty()),
                    rules: catalogue.iter().map(|(id, meta)| rule(id, meta)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.loaded.errors.is_empty(),
                tool_execution_notifications: report
                    .loaded
                    .errors
                    .iter()
                    .map(|error| notification(report, style, error))
                    .collect(),
                tool_configuration_notifications: triage
                    .warnings
                    .iter()
                    .map(|warning| warning_notification(report, style, warning))
                    .collect(),
            }],
            results,
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                waived: triage.waived.len(),
                baseline: triage.baseline.as_ref().map(|baseline| BaselineProperties {
                    file: baseline.file.clone(),
                    baselined: baseline.baselined.len(),
                    fixed: baseline.fixed.len(),
                    fixed_entries: baseline.fixed.clone(),
                }),
            },
        }],
    };
    emit(&log, estimate)
}

#[cfg(test)]
mod tests {
    use super::pascal_case;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(
            pascal_case("key-restriction-missing"),
            "KeyRestrictionMissing"
        );
        assert_eq!(pascal_case("at-key-limit"), "AtKeyLimit");
    }
}
