//! The compliance report's content (`iamlint report`), independent of its format: account
//! summary, pass/fail/unknown per rule and per severity, one section per rule with every
//! failing resource and its access chain, and the CIS coverage matrix. `html` and
//! `compliance_markdown` render it with templates.
//!
//! Everything here is plain data built from the run; the facts only `cli` can gather (file
//! times, the clock, a live-mode snapshot) come in as [`Facts`].

use std::collections::BTreeSet;

use super::cis::{self, Coverage};
use super::outcome::{Check, Tally, Verdict, checks};
use super::place::{FileNames, file_of, place};
use super::{RunReport, subject_label};
use crate::model::{Crn, Origin};
use crate::rules::{self, Evaluated, Finding, Severity};
use crate::triage::{Waived, WaiverSource};

/// How many passing resources a rule section names; the rest are counted. An account of
/// thousands of keys would otherwise bury the failures.
pub const PASSED_LISTED: usize = 100;

/// What the caller knows about the run beyond the inputs' content.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// When the report was made (RFC 3339), if it should say.
    pub generated: Option<String>,
    /// Each input's modification time (RFC 3339), by document name.
    pub modified: Vec<(String, String)>,
    /// A live-mode `snapshot.json` found among the inputs.
    pub snapshot: Option<Snapshot>,
    pub names: FileNames,
}

/// What a live-mode snapshot says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub file: String,
    pub taken: Option<String>,
    pub account: Option<String>,
}

/// A stacked pass/fail/unknown bar, in percent of its width.
#[derive(Debug, Clone, Default)]
pub struct Bar {
    pub pass: String,
    pub fail: String,
    pub fail_x: String,
    pub unknown: String,
    pub unknown_x: String,
}

impl Bar {
    fn of(tally: Tally) -> Self {
        let total = tally.total().max(1) as f64;
        let percent = |count: usize| 100.0 * count as f64 / total;
        let (pass, fail, unknown) = (
            percent(tally.pass),
            percent(tally.fail),
            percent(tally.unknown),
        );
        let text = |value: f64| format!("{value:.2}");
        Self {
            pass: text(pass),
            fail: text(fail),
            fail_x: text(pass),
            unknown: text(unknown),
            unknown_x: text(pass + fail),
        }
    }
}

/// One bar of a chart.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub tally: Tally,
    pub bar: Bar,
}

impl Row {
    fn new(label: impl Into<String>, tally: Tally) -> Self {
        Self {
            label: label.into(),
            tally,
            bar: Bar::of(tally),
        }
    }
}

/// A link in an access chain.
#[derive(Debug, Clone)]
pub struct Link {
    /// What it is to the finding ("the key's service ID").
    pub role: String,
    /// `service ID `at-siem-reader``.
    pub entity: String,
    pub id: String,
    pub location: Option<String>,
}

/// One failing (or unknown) resource of a rule.
#[derive(Debug, Clone)]
pub struct Item {
    pub subject: String,
    pub id: String,
    pub severity: String,
    pub message: String,
    /// Where the finding points, and what is wrong there.
    pub location: Option<String>,
    pub label: String,
    /// The resource, then the entities behind it (service ID, policy, instance).
    pub chain: Vec<Link>,
    pub remediation: Option<String>,
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// Everything about one rule.
#[derive(Debug, Clone)]
pub struct RuleSection {
    pub id: &'static str,
    pub title: String,
    pub severity: String,
    pub category: String,
    pub summary: String,
    pub rationale: String,
    pub remediation: String,
    pub fix: String,
    pub references: Vec<Reference>,
    pub tally: Tally,
    pub failures: Vec<Item>,
    pub unknowns: Vec<Item>,
    /// Labels of the first [`PASSED_LISTED`] resources that passed.
    pub passed: Vec<String>,
    /// How many more passed than are listed.
    pub passed_more: usize,
    /// The CIS controls it helps check.
    pub controls: Vec<String>,
}

/// One row of the CIS matrix.
#[derive(Debug, Clone)]
pub struct CisRow {
    pub id: String,
    pub title: String,
    pub coverage: &'static str,
    /// `automated`, `live` or `manual`, for styling.
    pub coverage_class: &'static str,
    pub rules: Vec<&'static str>,
    /// For automated controls: the verdict over their rules' checks.
    pub result: Option<&'static str>,
    /// `pass`, `fail`, `unknown` or `none`, for styling.
    pub result_class: &'static str,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Count {
    /// Singular or plural, to go with the count (`1 policy`, `8 policies`).
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub status: &'static str,
    pub modified: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub file: String,
    pub message: String,
}

/// A finding a waiver accepted.
#[derive(Debug, Clone)]
pub struct WaivedItem {
    pub rule: &'static str,
    pub item: Item,
    pub reason: String,
    /// The day the waiver stops applying (YYYY-MM-DD), if it expires.
    pub expires: Option<String>,
    /// Where the waiver is written: `iamlint.yaml:7`, or the input line of its comment.
    pub source: String,
}

/// A baseline entry that no longer occurs.
#[derive(Debug, Clone)]
pub struct FixedItem {
    pub rule: String,
    pub resource: String,
    /// The finding's message when the baseline was written.
    pub message: String,
    pub fingerprint: String,
}

/// The whole report. Waived findings are not counted in the tallies (neither failing nor
/// passing): they are listed in their own section with their reasons and expiry.
#[derive(Debug, Clone)]
pub struct Compliance {
    pub tool_version: &'static str,
    pub generated: Option<String>,
    pub accounts: Vec<String>,
    pub snapshot: Option<Snapshot>,
    pub resources: Vec<Count>,
    pub inputs: Vec<Input>,
    pub totals: Tally,
    pub findings: usize,
    pub by_rule: Vec<Row>,
    pub by_severity: Vec<Row>,
    pub rules: Vec<RuleSection>,
    pub cis_benchmark: String,
    pub cis_rows: Vec<CisRow>,
    pub cis_counts: Vec<(&'static str, usize)>,
    pub problems: Vec<Problem>,
    pub waived: Vec<WaivedItem>,
    /// `--no-waivers`: waivers were not applied.
    pub waivers_ignored: bool,
    /// With a baseline (`check --format html --baseline FILE`): its file.
    pub baseline_file: Option<String>,
    /// Findings in the baseline, not listed.
    pub baselined: usize,
    pub fixed: Vec<FixedItem>,
}

fn at(report: &RunReport<'_>, names: &FileNames, origin: &Origin) -> Option<String> {
    let documents = &report.loaded.documents;
    match place(documents, names, origin) {
        Some(place) => Some(format!("{}:{}", place.file, place.start.line)),
        None => documents
            .get(origin.document)
            .map(|_| file_of(documents, names, origin)),
    }
}

fn item(report: &RunReport<'_>, names: &FileNames, finding: &Finding) -> Item {
    let link = |role: &str, entity: &crate::model::EntityRef, origin: &Origin| Link {
        role: role.to_owned(),
        entity: subject_label(entity),
        id: entity.id.clone(),
        location: at(report, names, origin),
    };
    let subject = &finding.subject;
    // The chain starts at the resource itself: as a related entity when the rule names it
    // (with the rule's own label), else at the resource's own place.
    let same =
        |entity: &crate::model::EntityRef| entity.kind == subject.kind && entity.id == subject.id;
    let mut chain = match finding.related.iter().find(|related| same(&related.entity)) {
        Some(related) => vec![link(
            &related.label.text,
            &related.entity,
            &related.label.origin,
        )],
        None => vec![link("the resource", subject, &subject.origin)],
    };
    chain.extend(
        finding
            .related
            .iter()
            .filter(|related| !same(&related.entity))
            .map(|related| link(&related.label.text, &related.entity, &related.label.origin)),
    );
    Item {
        subject: subject_label(subject),
        id: subject.id.clone(),
        severity: finding.severity.as_str().to_owned(),
        message: finding.message.clone(),
        location: at(report, names, &finding.primary.origin),
        label: finding.primary.text.clone(),
        chain,
        remediation: finding.remediation.clone(),
        fingerprint: finding.fingerprint(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The account ids the inventory names (instances' `account_id`, CRN scopes).
fn accounts(report: &RunReport<'_>) -> Vec<String> {
    let inventory = &report.loaded.inventory;
    let mut accounts = BTreeSet::new();
    for instance in &inventory.instances {
        if let Some(account) = &instance.account_id {
            accounts.insert(account.clone());
        }
        if let Some(account) = Crn::parse(&instance.crn).and_then(|crn| crn.account) {
            accounts.insert(account.to_owned());
        }
    }
    for key in &inventory.keys {
        if let Some(account) = Crn::parse(&key.crn).and_then(|crn| crn.account) {
            accounts.insert(account.to_owned());
        }
    }
    for service_id in &inventory.service_ids {
        if let Some(account) = service_id
            .crn
            .as_deref()
            .and_then(Crn::parse)
            .and_then(|crn| crn.account)
        {
            accounts.insert(account.to_owned());
        }
    }
    accounts.into_iter().collect()
}

fn rule_section(
    report: &RunReport<'_>,
    names: &FileNames,
    id: &'static str,
    meta: &rules::RuleMeta,
    checks: &[&Check<'_>],
) -> RuleSection {
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut unknowns = Vec::new();
    let mut passed = Vec::new();
    for check in checks {
        tally.add(check.verdict);
        match check.verdict {
            Verdict::Pass if passed.len() < PASSED_LISTED => {
                passed.push(subject_label(check.subject));
            }
            Verdict::Pass => {}
            Verdict::Fail => failures.extend(
                check
                    .findings
                    .iter()
                    .map(|finding| item(report, names, finding)),
            ),
            Verdict::Unknown => unknowns.extend(
                check
                    .findings
                    .iter()
                    .map(|finding| item(report, names, finding)),
            ),
        }
    }
    let controls = cis::benchmark()
        .map(|benchmark| {
            benchmark
                .controls
                .iter()
                .filter(|control| control.rules.iter().any(|rule| rule == id))
                .map(|control| control.id.clone())
                .collect()
        })
        .unwrap_or_default();
    RuleSection {
        id,
        title: one_line(&meta.title),
        severity: meta.severity.as_str().to_owned(),
        category: meta.category.clone(),
        summary: one_line(&meta.summary),
        rationale: one_line(&meta.rationale),
        remediation: one_line(&meta.remediation),
        fix: meta.fix_steps(),
        references: meta
            .references
            .iter()
            .map(|reference| Reference {
                title: reference.title.clone(),
                url: reference.url.clone(),
            })
            .collect(),
        tally,
        failures,
        unknowns,
        passed_more: tally.pass - passed.len(),
        passed,
        controls,
    }
}

fn cis_rows(all: &[Check<'_>]) -> (String, Vec<CisRow>) {
    let Ok(benchmark) = cis::benchmark() else {
        return (String::new(), Vec::new());
    };
    let rows = benchmark
        .controls
        .iter()
        .map(|control| {
            let coverage = control.coverage();
            let rules = control.registered_rules();
            let verdict = (coverage == Coverage::Automated).then(|| {
                let mut tally = Tally::default();
                for check in all.iter().filter(|check| rules.contains(&check.rule)) {
                    tally.add(check.verdict);
                }
                if tally.fail > 0 {
                    ("fail", "fail")
                } else if tally.unknown > 0 {
                    ("unknown", "unknown")
                } else if tally.pass > 0 {
                    ("pass", "pass")
                } else {
                    ("nothing to check", "none")
                }
            });
            let result = verdict.map(|(text, _)| text);
            let result_class = verdict.map_or("none", |(_, class)| class);
            CisRow {
                result_class,
                id: control.id.clone(),
                title: control.title.clone(),
                coverage: coverage.as_str(),
                coverage_class: match coverage {
                    Coverage::Automated => "automated",
                    Coverage::Live => "live",
                    Coverage::Manual => "manual",
                },
                rules,
                result,
                note: one_line(&control.note),
            }
        })
        .collect();
    (
        format!(
            "{} {}, section {}",
            benchmark.benchmark, benchmark.version, benchmark.section
        ),
        rows,
    )
}

/// Builds the report from a run: `report.findings` are all findings not waived (a
/// compliance report hides nothing else), `report.triage` the waived ones, `evaluated` what
/// the rules looked at (without the subjects of waived findings, which are neither passes
/// nor failures).
pub fn build(report: &RunReport<'_>, evaluated: &[Evaluated], facts: &Facts) -> Compliance {
    let names = &facts.names;
    let all = checks(evaluated, report.findings);
    let mut totals = Tally::default();
    for check in &all {
        totals.add(check.verdict);
    }
    let mut rules_sections = Vec::new();
    let mut by_rule = Vec::new();
    for (entry, meta) in rules::REGISTRY.iter().zip(rules::metadata()) {
        let Ok(meta) = meta else { continue };
        let own: Vec<&Check<'_>> = all.iter().filter(|check| check.rule == entry.id).collect();
        let section = rule_section(report, names, entry.id, meta, &own);
        by_rule.push(Row::new(entry.id, section.tally));
        rules_sections.push(section);
    }
    let by_severity = Severity::DESCENDING
        .iter()
        .map(|&severity| {
            let mut tally = Tally::default();
            for check in all.iter().filter(|check| check.severity == severity) {
                tally.add(check.verdict);
            }
            Row::new(severity.as_str(), tally)
        })
        .collect();
    let loaded = report.loaded;
    let broken: BTreeSet<&str> = loaded
        .errors
        .iter()
        .map(|error| error.file.as_str())
        .collect();
    let mut inputs: Vec<Input> = loaded
        .documents
        .iter()
        .map(|(id, document)| {
            let status = if broken.contains(document.name.as_str()) {
                "not loaded"
            } else if let Some(kind) = loaded.skipped_kind(&document.name) {
                kind.skip_reason()
                    .map_or("skipped", |_| "skipped: recognised, not read")
            } else if loaded.skipped.contains(&document.name) {
                "skipped: not an IAM export"
            } else {
                "loaded"
            };
            Input {
                name: names.name(&loaded.documents, id),
                status,
                modified: facts
                    .modified
                    .iter()
                    .find(|(name, _)| *name == document.name)
                    .map(|(_, time)| time.clone()),
            }
        })
        .collect();
    // Files that failed before they became documents (unreadable, empty).
    for file in &broken {
        if !loaded
            .documents
            .iter()
            .any(|(_, document)| document.name == *file)
        {
            inputs.push(Input {
                name: (*file).to_owned(),
                status: "not loaded",
                modified: None,
            });
        }
    }
    let (cis_benchmark, cis_rows) = cis_rows(&all);
    let cis_counts = ["automated", "live", "manual"]
        .into_iter()
        .map(|class| {
            let label = match class {
                "automated" => Coverage::Automated.as_str(),
                "live" => Coverage::Live.as_str(),
                _ => Coverage::Manual.as_str(),
            };
            (
                label,
                cis_rows
                    .iter()
                    .filter(|row| row.coverage_class == class)
                    .count(),
            )
        })
        .collect();
    Compliance {
        tool_version: env!("CARGO_PKG_VERSION"),
        generated: facts.generated.clone(),
        accounts: accounts(report),
        snapshot: facts.snapshot.clone(),
        resources: report
            .resources()
            .into_iter()
            .map(|(kind, count)| Count {
                label: kind
                    .count(count)
                    .split_once(' ')
                    .map_or_else(|| kind.label().to_owned(), |(_, label)| label.to_owned()),
                count,
            })
            .collect(),
        inputs,
        totals,
        findings: report.findings.len(),
        by_rule,
        by_severity,
        rules: rules_sections,
        cis_benchmark,
        cis_rows,
        cis_counts,
        problems: loaded
            .errors
            .iter()
            .map(|error| Problem {
                file: match error.at {
                    Some(at) => format!("{}:{}:{}", error.file, at.line, at.column),
                    None => error.file.clone(),
                },
                message: error.message.clone(),
            })
            .collect(),
        waived: report
            .triage
            .waived
            .iter()
            .map(|waived| waived_item(report, names, waived))
            .collect(),
        waivers_ignored: report.triage.waivers_ignored,
        baseline_file: report
            .triage
            .baseline
            .as_ref()
            .map(|baseline| baseline.file.clone()),
        baselined: report
            .triage
            .baseline
            .as_ref()
            .map_or(0, |baseline| baseline.baselined.len()),
        fixed: report
            .triage
            .baseline
            .iter()
            .flat_map(|baseline| &baseline.fixed)
            .map(|entry| FixedItem {
                rule: entry.rule.clone(),
                resource: entry.resource_label(),
                message: entry.message.clone(),
                fingerprint: entry.fingerprint.clone(),
            })
            .collect(),
    }
}

fn waived_item(report: &RunReport<'_>, names: &FileNames, waived: &Waived) -> WaivedItem {
    let waiver = &waived.waiver;
    let source = match &waiver.source {
        // An inline waiver sits in an input: name it as the report names inputs.
        WaiverSource::Inline { document, line, .. } => {
            format!("{}:{line}", names.name(&report.loaded.documents, *document))
        }
        config => config.place(),
    };
    WaivedItem {
        rule: waived.finding.rule,
        item: item(report, names, &waived.finding),
        reason: waiver.reason.clone(),
        expires: waiver.expires.map(|date| date.to_string()),
        source,
    }
}
