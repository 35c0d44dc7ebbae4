//! Builds the compliance report's content ([`Compliance`]) from a run, one named step per
//! part of the report.
//!
//! Just over 400 lines: one function per report part, each short; kept together so the
//! order of the parts reads top to bottom.

use std::collections::BTreeSet;

use super::cis::{self, Coverage};
use super::overview::{self, Anchors, NOT_LOADED};
use super::verdicts::{Check, Tally, Verdict, checks};
use super::{
    CisRow, Compliance, Count, Facts, FixedItem, Input, Item, Link, PASSED_LISTED, Problem,
    Reference, RuleCounts, RuleSection, TOP_RISKS, WaivedItem,
};
use crate::model::{Crn, EntityKind, IdentityCrn, Origin};
use crate::report::place::{FileNames, file_of, place};
use crate::report::{RunReport, one_line, subject_label};
use crate::rules::{self, Evaluated, Finding, Status};
use crate::triage::{Waived, WaiverSource};

fn at(report: &RunReport<'_>, names: &FileNames, origin: &Origin) -> Option<String> {
    let documents = &report.loaded.documents;
    match place(documents, names, origin) {
        Some(place) => Some(format!("{}:{}", place.file, place.start.line)),
        None => documents
            .get(origin.document)
            .map(|_| file_of(documents, names, origin)),
    }
}

fn item(report: &RunReport<'_>, names: &FileNames, finding: &Finding, anchor: String) -> Item {
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
        anchor,
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

/// The account ids the inventory names (the accounts its entities were assigned to,
/// instances' `account_id`, CRN scopes).
fn accounts(report: &RunReport<'_>) -> Vec<String> {
    let inventory = &report.loaded.inventory;
    let mut accounts: BTreeSet<String> = inventory
        .accounts
        .ids()
        .flatten()
        .map(str::to_owned)
        .collect();
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
        if let Some(account) = service_id.crn.as_ref().and_then(IdentityCrn::account) {
            accounts.insert(account.to_owned());
        }
    }
    accounts.into_iter().collect()
}

/// What a rule's counts count: its subjects per kind (`1854 service IDs`, `3 policies and
/// 1 account`), so that a pass count is read next to what passed.
fn checked(checks: &[&Check<'_>]) -> String {
    let mut kinds: Vec<(EntityKind, usize)> = Vec::new();
    for check in checks {
        match kinds
            .iter_mut()
            .find(|(kind, _)| *kind == check.subject().kind)
        {
            Some((_, count)) => *count += 1,
            None => kinds.push((check.subject().kind, 1)),
        }
    }
    kinds.sort();
    let parts: Vec<String> = kinds
        .into_iter()
        .map(|(kind, count)| kind.count(count))
        .collect();
    match parts.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

fn rule_section(
    report: &RunReport<'_>,
    names: &FileNames,
    anchors: &Anchors,
    id: &'static str,
    meta: &rules::RuleMeta,
    checks: &[&Check<'_>],
) -> RuleSection {
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut unknowns = Vec::new();
    let mut passed = Vec::new();
    let detail = |finding: &&Finding| {
        let anchor = anchors
            .get(&std::ptr::from_ref(*finding))
            .cloned()
            .unwrap_or_default();
        (finding.severity, item(report, names, finding, anchor))
    };
    for check in checks {
        tally.add(check.verdict);
        match check.verdict {
            Verdict::Pass if passed.len() < PASSED_LISTED => {
                passed.push(crate::report::view_label(check.subject()));
            }
            Verdict::Pass => {}
            Verdict::Fail => failures.extend(check.findings.iter().map(detail)),
            Verdict::Unknown => unknowns.extend(check.findings.iter().map(detail)),
        }
    }
    // Most severe first; the sort is stable, so the order of the checks stays within one.
    failures.sort_by_key(|(severity, _)| std::cmp::Reverse(*severity));
    let failures = failures.into_iter().map(|(_, item)| item).collect();
    let unknowns = unknowns.into_iter().map(|(_, item)| item).collect();
    let controls = cis::benchmark()
        .map(|benchmark| {
            benchmark
                .controls
                .iter()
                .filter(|control| control.rules.iter().any(|rule| rule == id))
                .map(|control| control.id.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        // A custom rule names its controls in its own YAML.
        .chain(meta.cis.iter().cloned())
        .collect();
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
        checked: checked(checks),
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
    let custom = custom_rules(all);
    let rows = benchmark
        .controls
        .iter()
        .map(|control| {
            let mut rules = control.registered_rules();
            // The run's custom rules that name the control in their YAML check it too.
            rules.extend(
                custom
                    .iter()
                    .filter(|(_, meta)| meta.cis.contains(&control.id))
                    .map(|(id, _)| *id),
            );
            let coverage = if rules.is_empty() {
                control.coverage()
            } else {
                Coverage::Automated
            };
            let checks: Vec<&Check<'_>> = all
                .iter()
                .filter(|check| rules.contains(&check.rule))
                .collect();
            let evidence = (coverage == Coverage::Automated)
                .then(|| cis_evidence(&checks))
                .flatten();
            let verdict = (coverage == Coverage::Automated).then(|| {
                let tally = tally(checks.iter().copied());
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
                evidence,
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

/// What a control's verdict rests on: the failing checks (else the unknown ones) counted,
/// with the first one's message; else how many passed.
fn cis_evidence(checks: &[&Check<'_>]) -> Option<String> {
    for verdict in [Verdict::Fail, Verdict::Unknown] {
        let matching: Vec<&&Check<'_>> = checks
            .iter()
            .filter(|check| check.verdict == verdict)
            .collect();
        let Some(first) = matching.first() else {
            continue;
        };
        let message = first
            .findings
            .iter()
            .find(|finding| (finding.status == Status::Fail) == (verdict == Verdict::Fail))
            .map(|finding| one_line(&finding.message))
            .unwrap_or_default();
        let more = match matching.len() {
            1 => String::new(),
            count => format!(" ({} more)", count - 1),
        };
        return Some(format!("{message}{more}"));
    }
    match checks.len() {
        0 => None,
        1 => Some("1 subject checked, it passes".to_owned()),
        count => Some(format!("{count} subjects checked, all pass")),
    }
}

/// Builds the report from a run: `report.findings` are all findings not waived (a
/// compliance report hides nothing else), `report.triage` the waived ones, `evaluated` what
/// the rules looked at (without the subjects of waived findings, which are neither passes
/// nor failures).
pub fn build(report: &RunReport<'_>, evaluated: &[Evaluated], facts: &Facts) -> Compliance {
    let names = &facts.names;
    let all = checks(evaluated, report.findings, &report.loaded.inventory, true);
    // The findings table and the CIS rows read the same checks and nothing of each other:
    // on two cores (each a few hundredths of a report run, after every other phase).
    // (The table stays on this thread: its anchors are keyed by the findings' addresses.)
    let ((table, anchors), (cis_benchmark, controls)) = std::thread::scope(|scope| {
        let cis = scope.spawn(|| cis_rows(&all));
        let table = overview::table(report, |finding, anchor| {
            item(report, names, finding, anchor)
        });
        let cis = match cis.join() {
            Ok(cis) => cis,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (table, cis)
    });
    let rules_sections = rule_sections(report, names, &anchors, &all);
    let cis_counts = cis_counts(&controls);
    let inputs = inputs(report, facts);
    let (failing, unknown) = overview::failing(&table);
    let triage = report.triage;
    Compliance {
        tool_version: env!("CARGO_PKG_VERSION"),
        generated: facts.generated.clone(),
        accounts: accounts(report),
        snapshot: facts.snapshot.clone(),
        resources: resources(report),
        inputs_line: overview::inputs_line(&inputs),
        incomplete: overview::incomplete(report),
        inputs,
        findings: report.findings.len(),
        failing,
        unknown,
        rule_counts: rule_counts(&rules_sections),
        top_risks: overview::top_risks(&table, TOP_RISKS),
        filters: overview::filters(&table),
        account_sections: overview::accounts(report, &table, &all, |checks| cis_rows(checks).1),
        table,
        rules: rules_sections,
        cis_totals: overview::cis_totals(&controls),
        cis_benchmark,
        cis_rows: controls,
        cis_counts,
        problems: problems(report),
        waived: triage
            .waived
            .iter()
            .map(|waived| waived_item(report, names, waived))
            .collect(),
        waivers_ignored: triage.waivers_ignored,
        baseline_file: triage
            .baseline
            .as_ref()
            .map(|baseline| baseline.file.clone()),
        baselined: triage
            .baseline
            .as_ref()
            .map_or(0, |baseline| baseline.baselined.len()),
        fixed: fixed(report),
    }
}

/// The pass/fail/unknown counts of some checks.
fn tally<'a, 'b: 'a>(checks: impl IntoIterator<Item = &'a Check<'b>>) -> Tally {
    let mut tally = Tally::default();
    for check in checks {
        tally.add(check.verdict);
    }
    tally
}

/// Rules by outcome: any failure; else any unknown; else any pass; else nothing checked.
fn rule_counts(sections: &[RuleSection]) -> RuleCounts {
    let mut counts = RuleCounts::default();
    for section in sections {
        let tally = section.tally;
        if tally.fail > 0 {
            counts.failing += 1;
        } else if tally.unknown > 0 {
            counts.unknown += 1;
        } else if tally.pass > 0 {
            counts.passing += 1;
        } else {
            counts.nothing += 1;
        }
    }
    counts
}

/// One section per registered rule (in registry order), then the run's custom rules.
fn rule_sections(
    report: &RunReport<'_>,
    names: &FileNames,
    anchors: &Anchors,
    all: &[Check<'_>],
) -> Vec<RuleSection> {
    let mut rules_sections = Vec::new();
    let built_in = rules::REGISTRY
        .iter()
        .zip(rules::metadata())
        .filter_map(|(entry, meta)| Some((entry.id, meta.as_ref().ok()?)));
    // Each rule's checks, in one pass over them (a million and a half at scale 100).
    let mut by_rule: rustc_hash::FxHashMap<&str, Vec<&Check<'_>>> =
        rustc_hash::FxHashMap::default();
    for check in all {
        by_rule.entry(check.rule).or_default().push(check);
    }
    for (id, meta) in built_in.chain(custom_rules(all)) {
        let own = by_rule.remove(id).unwrap_or_default();
        rules_sections.push(rule_section(report, names, anchors, id, meta, &own));
    }
    rules_sections
}

/// The custom rules (`rules::registered`) the run's checks name, by id: the registry is
/// process-wide, the report is this run's.
fn custom_rules(all: &[Check<'_>]) -> Vec<(&'static str, &'static rules::RuleMeta)> {
    let ids: std::collections::BTreeSet<&'static str> = all
        .iter()
        .map(|check| check.rule)
        .filter(|id| rules::lookup::is_custom_id(id))
        .collect();
    ids.into_iter()
        .filter_map(|id| rules::registered::meta(id).map(|meta| (id, meta)))
        .collect()
}

/// Every input with what became of it, then the files that failed before they became
/// documents.
fn inputs(report: &RunReport<'_>, facts: &Facts) -> Vec<Input> {
    let names = &facts.names;
    let loaded = report.loaded;
    let broken: BTreeSet<&str> = loaded
        .errors
        .iter()
        .map(|error| error.file.as_str())
        .collect();
    let snapshots = overview::snapshot_documents(report);
    let mut inputs: Vec<Input> = loaded
        .documents
        .iter()
        .map(|(id, document)| {
            let partial = loaded
                .partial
                .iter()
                .any(|partial| partial.file == document.name);
            let status = if partial {
                "loaded in part"
            } else if snapshots.contains(&id) {
                // Its errors are about the collections it records, not about itself.
                "loaded"
            } else if broken.contains(document.name.as_str()) {
                NOT_LOADED
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
                status: NOT_LOADED,
                modified: None,
            });
        }
    }
    inputs
}

/// How many CIS controls each coverage class has.
fn cis_counts(cis_rows: &[CisRow]) -> Vec<(&'static str, usize)> {
    ["automated", "live", "manual"]
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
        .collect()
}

/// How many resources of each kind the inventory holds.
fn resources(report: &RunReport<'_>) -> Vec<Count> {
    report
        .resources()
        .into_iter()
        .map(|(kind, count)| Count {
            label: kind
                .count(count)
                .split_once(' ')
                .map_or_else(|| kind.label().to_owned(), |(_, label)| label.to_owned()),
            count,
        })
        .collect()
}

/// The load errors, each with its place.
fn problems(report: &RunReport<'_>) -> Vec<Problem> {
    report
        .loaded
        .errors
        .iter()
        .map(|error| Problem {
            file: match error.at {
                Some(at) => format!("{}:{}:{}", error.file, at.line, at.column),
                None => error.file.clone(),
            },
            message: error.message.clone(),
        })
        .collect()
}

/// The baseline entries that no longer occur.
fn fixed(report: &RunReport<'_>) -> Vec<FixedItem> {
    report
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
        .collect()
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
        item: item(report, names, &waived.finding, String::new()),
        reason: waiver.reason.clone(),
        expires: waiver.expires.map(|date| date.to_string()),
        source,
    }
}
