//! `--format junit`: JUnit XML for GitLab, Jenkins and other CI test reports.
//!
//! One test suite per rule, one test case per rule per resource: a `failure` for a
//! violation, `skipped` when the rule could not judge the resource (`status: unknown`) or
//! the finding is waived or in the baseline (the message says which), and,
//! with `--show-passed`, an empty (passing) case for every resource the rule evaluated and
//! found fine (see `RuleContext::evaluated`). Load errors are `error` cases of a `load`
//! suite. The XML is written by an askama template (`templates/junit.xml`), which escapes
//! every value.

use askama::Template;

use super::RunReport;
use super::compliance::verdicts::{Check, Verdict, checks};
use super::place::{FileNames, file_of, place};
use crate::rules::{Evaluated, Finding};

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Style {
    pub names: FileNames,
    /// Also list the resources each rule evaluated and found fine.
    pub show_passed: bool,
}

#[derive(Template)]
#[template(path = "junit.xml")]
struct Suites {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    suites: Vec<Suite>,
}

struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    cases: Vec<Case>,
}

struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    failure: Option<Problem>,
    error: Option<Problem>,
    skipped: Option<String>,
}

struct Problem {
    kind: String,
    message: String,
    text: String,
}

/// Text XML 1.0 can hold: controls (which it cannot hold even escaped) and bidi characters
/// in their visible form (see [`super::safe`]), U+FFFE and U+FFFF dropped.
fn xml_safe(text: &str) -> String {
    super::safe::escape_lines(text)
        .chars()
        .filter(|&ch| ch != '\u{FFFE}' && ch != '\u{FFFF}')
        .collect()
}

/// [`super::one_line`], then [`xml_safe`]: the form of every attribute value.
fn xml_line(text: &str) -> String {
    xml_safe(&super::one_line(text))
}

fn details(report: &RunReport<'_>, style: &Style, finding: &Finding) -> String {
    let documents = &report.loaded.documents;
    let at = |origin| match place(documents, &style.names, origin) {
        Some(place) => format!("{}:{}:{}", place.file, place.start.line, place.start.column),
        None => file_of(documents, &style.names, origin),
    };
    let mut text = format!(
        "[{}] {}\nat {} ({})\n",
        finding.severity,
        finding.message,
        at(&finding.primary.origin),
        finding.primary.text
    );
    for related in &finding.related {
        text.push_str(&format!(
            "related {} `{}` at {} ({})\n",
            related.entity.kind.label(),
            related.entity.name.as_deref().unwrap_or(&related.entity.id),
            at(&related.label.origin),
            related.label.text
        ));
    }
    if let Some(remediation) = &finding.remediation {
        text.push_str(&format!("fix: {remediation}\n"));
    }
    text.push_str(&format!("fingerprint: {}\n", finding.fingerprint()));
    xml_safe(&text)
}

fn case(report: &RunReport<'_>, style: &Style, check: &Check<'_>) -> Case {
    let subject = check.subject();
    let name = match &subject.name {
        Some(name) => format!("{} {name} ({})", subject.kind.label(), subject.id),
        None => format!("{} {}", subject.kind.label(), subject.id),
    };
    let origin = check
        .findings
        .first()
        .map_or(subject.origin, |finding| &finding.primary.origin);
    let mut case = Case {
        classname: check.rule.to_owned(),
        name: xml_line(&name),
        file: Some(xml_safe(&file_of(
            &report.loaded.documents,
            &style.names,
            origin,
        ))),
        failure: None,
        error: None,
        skipped: None,
    };
    let message = || {
        let first = check
            .findings
            .first()
            .map_or("", |finding| &finding.message);
        match check.findings.len() {
            0 | 1 => xml_line(first),
            more => xml_line(&format!("{first} (and {} more)", more - 1)),
        }
    };
    match check.verdict {
        Verdict::Pass => {}
        Verdict::Fail => {
            case.failure = Some(Problem {
                kind: check.severity.as_str().to_owned(),
                message: message(),
                text: check
                    .findings
                    .iter()
                    .map(|finding| details(report, style, finding))
                    .collect::<Vec<_>>()
                    .join("\n"),
            });
        }
        Verdict::Unknown => case.skipped = Some(message()),
    }
    case
}

/// A finding set aside by a waiver or the baseline: a skipped case saying why.
fn set_aside(report: &RunReport<'_>, style: &Style, finding: &Finding, why: String) -> Case {
    let subject = &finding.subject;
    let name = match &subject.name {
        Some(name) => format!("{} {name} ({})", subject.kind.label(), subject.id),
        None => format!("{} {}", subject.kind.label(), subject.id),
    };
    Case {
        classname: finding.rule.to_owned(),
        name: xml_line(&name),
        file: Some(xml_safe(&file_of(
            &report.loaded.documents,
            &style.names,
            &finding.primary.origin,
        ))),
        failure: None,
        error: None,
        skipped: Some(xml_line(&format!("{why}: {}", finding.message))),
    }
}

/// The skipped cases of waived and baselined findings, per rule.
fn set_aside_cases(report: &RunReport<'_>, style: &Style, rule: &str) -> Vec<Case> {
    let triage = report.triage;
    let waived = triage
        .waived
        .iter()
        .filter(|waived| waived.finding.rule == rule)
        .map(|waived| {
            let waiver = &waived.waiver;
            let until = waiver
                .expires
                .map(|date| format!("until {date}, "))
                .unwrap_or_default();
            let why = format!(
                "waived ({until}{}): {}",
                waiver.source.place(),
                waiver.reason
            );
            set_aside(report, style, &waived.finding, why)
        });
    let baselined = triage.baseline.iter().flat_map(|baseline| {
        baseline
            .baselined
            .iter()
            .filter(|finding| finding.rule == rule)
            .map(|finding| {
                set_aside(
                    report,
                    style,
                    finding,
                    format!("in the baseline {}", baseline.file),
                )
            })
    });
    waived.chain(baselined).collect()
}

fn suite(name: String, cases: Vec<Case>) -> Suite {
    Suite {
        name,
        tests: cases.len(),
        failures: cases.iter().filter(|case| case.failure.is_some()).count(),
        errors: cases.iter().filter(|case| case.error.is_some()).count(),
        skipped: cases.iter().filter(|case| case.skipped.is_some()).count(),
        cases,
    }
}

/// Renders the run. `evaluated` comes from `rules::evaluate`; subjects whose findings are
/// not in `report.findings` (hidden by `--min-severity`, waived, baselined) must have been
/// removed from it, or they would be listed as passes. Waived and baselined findings are
/// skipped cases that say why.
pub fn render(report: &RunReport<'_>, evaluated: &[Evaluated], style: &Style) -> String {
    let mut suites = Vec::new();
    let all = checks(
        evaluated,
        report.findings,
        &report.loaded.inventory,
        style.show_passed,
    );
    // The cases of each rule, in one pass over the checks (a million at scale 100 with
    // `--show-passed`).
    let mut by_rule: rustc_hash::FxHashMap<&str, Vec<&Check<'_>>> =
        rustc_hash::FxHashMap::default();
    for check in &all {
        by_rule.entry(check.rule).or_default().push(check);
    }
    for entry in crate::rules::REGISTRY {
        let mut cases: Vec<Case> = by_rule
            .remove(entry.id)
            .unwrap_or_default()
            .into_iter()
            .map(|check| case(report, style, check))
            .collect();
        cases.extend(set_aside_cases(report, style, entry.id));
        if !cases.is_empty() {
            suites.push(suite(entry.id.to_owned(), cases));
        }
    }
    let load_cases: Vec<Case> = report
        .loaded
        .errors
        .iter()
        .map(|error| {
            let at = error
                .at
                .map(|at| format!(":{}:{}", at.line, at.column))
                .unwrap_or_default();
            Case {
                classname: "load".to_owned(),
                name: xml_line(&error.file),
                file: Some(xml_line(&error.file)),
                failure: None,
                error: Some(Problem {
                    kind: "load-error".to_owned(),
                    message: xml_line(&error.message),
                    text: xml_safe(&format!(
                        "{}{at}: {}\n{}",
                        error.file,
                        error.message,
                        error.help.as_deref().unwrap_or("")
                    )),
                }),
                skipped: None,
            }
        })
        .collect();
    if !load_cases.is_empty() {
        suites.push(suite("load".to_owned(), load_cases));
    }
    let root = Suites {
        tests: suites.iter().map(|suite| suite.tests).sum(),
        failures: suites.iter().map(|suite| suite.failures).sum(),
        errors: suites.iter().map(|suite| suite.errors).sum(),
        skipped: suites.iter().map(|suite| suite.skipped).sum(),
        suites,
    };
    match root.render() {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        Err(error) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- iamlint could not render JUnit: {} -->\n<testsuites/>\n",
            xml_safe(&error.to_string()).replace("--", "- -")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::xml_safe;

    #[test]
    fn drops_characters_xml_cannot_hold() {
        assert_eq!(
            xml_safe("a\u{0}b\u{1b}c\td\n\u{202e}\u{FFFE}"),
            "a\\u{0}b\\u{1b}c\td\n\\u{202e}"
        );
    }
}
