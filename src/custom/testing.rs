//! `iamlint test [DIR]`: the tests of custom rules, in the spirit of `opa test` and
//! `conftest verify`.
//!
//! Per rule: its Rego unit tests (every `test_*` rule of `<id>_test.rego`, run by regorus
//! with the rule's own package loaded; a test passes when it is true), and its cases:
//! every directory `<id>/tests/<case>/` holds inputs (any files iamlint reads: exports,
//! CLI output, plans, states) and `expected.json`, the findings the rule must report on
//! them, as a list of `{"ref", "severity", "message"}`. A case passes when the rule
//! reports exactly those; otherwise the difference is shown line by line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::document;
use super::engine;
use super::errors::{RuleError, line_of_rule};
use super::eval::run_rule;
use super::load::{CustomRule, CustomRules};
use super::refs::Refs;
use crate::report::safe::escape;
use crate::rules::{Finding, Settings};
use crate::sources::{self, LoadOptions};

/// The expected findings file of a case.
pub const EXPECTED: &str = "expected.json";

/// One expected (or reported) finding of a case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub severity: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub message: String,
}

impl Expected {
    fn of(finding: &Finding) -> Self {
        Self {
            severity: finding.severity.as_str().to_owned(),
            // A custom finding on an entity named by its account (settings, custom roles,
            // routes) keeps the denial's `ref` as its detail.
            reference: finding
                .detail
                .clone()
                .unwrap_or_else(|| super::refs::entity_ref(&finding.subject)),
            message: finding.message.clone(),
        }
    }

    fn line(&self) -> String {
        format!("{} {}: {}", self.severity, self.reference, self.message)
    }
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// Why, one line per difference or error.
    Fail(Vec<String>),
}

/// One unit test or case of one rule.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub rule: &'static str,
    /// `unit test_...` or `case <name>`.
    pub name: String,
    pub outcome: Outcome,
}

/// Everything `iamlint test` ran.
#[derive(Debug, Default)]
pub struct TestRun {
    pub results: Vec<TestResult>,
    /// Rules that did not load (located), which fail the run too.
    pub errors: Vec<RuleError>,
}

impl TestRun {
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|result| result.outcome == Outcome::Pass)
            .count()
    }

    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }

    /// The report: one line per test, the differences under a failing one, the errors,
    /// and the count line (`N passed, M failed`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for error in &self.errors {
            let place = error
                .at
                .map(|at| format!(":{}:{}", at.line, at.column))
                .unwrap_or_default();
            let load = error.to_load_error();
            out.push_str(&format!(
                "error: {}{place}: {}\n",
                escape(&error.file),
                escape(&load.message)
            ));
        }
        let mut rule = "";
        for result in &self.results {
            if result.rule != rule {
                rule = result.rule;
                out.push_str(&format!("{rule}\n"));
            }
            match &result.outcome {
                Outcome::Pass => out.push_str(&format!("  ok    {}\n", result.name)),
                Outcome::Fail(lines) => {
                    out.push_str(&format!("  FAIL  {}\n", result.name));
                    for line in lines {
                        out.push_str(&format!("        {}\n", escape(line)));
                    }
                }
            }
        }
        out.push_str(&format!(
            "{} passed, {} failed\n",
            self.passed(),
            self.failed() + self.errors.len()
        ));
        out
    }
}

/// Runs the tests of every rule in `rules`.
pub fn run(rules: &CustomRules) -> TestRun {
    let mut run = TestRun {
        errors: rules.errors.clone(),
        ..TestRun::default()
    };
    for rule in &rules.rules {
        if let Some(test_path) = &rule.test_path {
            unit_tests(rule, test_path, &mut run);
        }
        if let Some(tests_dir) = &rule.tests_dir {
            for case in case_dirs(tests_dir) {
                let name = case
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                run.results.push(TestResult {
                    rule: rule.id,
                    name: format!("case {name}"),
                    outcome: run_case(rule, &case),
                });
            }
        }
    }
    run
}

fn case_dirs(tests_dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(tests_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The names of the `test_*` rules of a Rego file, in file order, each once.
fn test_names(rego: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in rego.lines() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The package a Rego file declares.
fn package_name(rego: &str) -> Option<String> {
    rego.lines()
        .find_map(|line| line.trim().strip_prefix("package "))
        .map(|name| name.trim().to_owned())
}

fn unit_tests(rule: &CustomRule, test_path: &Path, run: &mut TestRun) {
    let file = test_path.display().to_string();
    let text = match std::fs::read_to_string(test_path) {
        Ok(text) => text,
        Err(error) => {
            run.errors.push(RuleError::new(
                Some(rule.id),
                file,
                format!("cannot read: {error}"),
            ));
            return;
        }
    };
    let rule_file = rule.rego_path.display().to_string();
    let prepared = engine::engine(rule.id, &rule_file, &rule.rego, engine::TIME_LIMIT)
        .and_then(|mut engine| engine::add(&mut engine, rule.id, &file, &text).map(|()| engine));
    let mut engine = match prepared {
        Ok(engine) => engine,
        Err(error) => {
            run.errors.push(error);
            return;
        }
    };
    let Some(package) = package_name(&text) else {
        run.errors
            .push(RuleError::new(Some(rule.id), file, "declares no package".to_owned()).line(1));
        return;
    };
    for name in test_names(&text) {
        let outcome = match engine.eval_rule(format!("data.{package}.{name}")) {
            Ok(regorus::Value::Bool(true)) => Outcome::Pass,
            Ok(other) => Outcome::Fail(vec![format!(
                "{file}:{}: `{name}` is {}, not true",
                line_of_rule(&text, &name),
                match other {
                    regorus::Value::Undefined => "undefined".to_owned(),
                    other => engine::one_line(&other),
                }
            )]),
            Err(error) => Outcome::Fail(vec![
                engine::regorus_error(rule.id, &file, &format!("{error:#}"), &text, &name)
                    .to_load_error()
                    .message,
            ]),
        };
        run.results.push(TestResult {
            rule: rule.id,
            name: format!("unit {name}"),
            outcome,
        });
    }
}

fn run_case(rule: &CustomRule, case: &Path) -> Outcome {
    let expected_path = case.join(EXPECTED);
    let expected: Vec<Expected> = match std::fs::read_to_string(&expected_path)
        .map_err(|error| error.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|error| error.to_string()))
    {
        Ok(expected) => expected,
        Err(error) => {
            return Outcome::Fail(vec![format!("{}: {error}", expected_path.display())]);
        }
    };
    let mut inputs: Vec<PathBuf> = walkdir::WalkDir::new(case)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.path() != expected_path)
        .map(walkdir::DirEntry::into_path)
        .collect();
    inputs.sort();
    let loaded = match sources::load(&inputs, &LoadOptions::default()) {
        Ok(loaded) => loaded,
        Err(error) => return Outcome::Fail(vec![error]),
    };
    if !loaded.errors.is_empty() {
        return Outcome::Fail(
            loaded
                .errors
                .iter()
                .map(|error| format!("input {}: {}", error.file, error.message))
                .collect(),
        );
    }
    let input = document::value_of(&loaded.inventory, &super::needs::Needs::whole());
    let refs = Refs::of(&loaded.inventory);
    let found = match run_rule(rule, input, &refs, &Settings::default(), engine::TIME_LIMIT) {
        Ok(found) => found,
        Err(error) => return Outcome::Fail(vec![error.to_load_error().message]),
    };
    diff(expected, found.iter().map(Expected::of).collect())
}

/// Pass when both lists hold the same findings (in any order); else `- expected` and
/// `+ reported` lines for the differences.
fn diff(mut expected: Vec<Expected>, mut found: Vec<Expected>) -> Outcome {
    expected.sort();
    found.sort();
    if expected == found {
        return Outcome::Pass;
    }
    let mut lines = Vec::new();
    let mut remaining = found.clone();
    for want in &expected {
        match remaining.iter().position(|got| got == want) {
            Some(at) => {
                remaining.remove(at);
            }
            None => lines.push(format!("- {}", want.line())),
        }
    }
    lines.extend(remaining.iter().map(|got| format!("+ {}", got.line())));
    Outcome::Fail(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules() {
        let rego = "package x_test\n\ntest_a if {\n}\ntest_b := true\ntest_a if { false }\n";
        assert_eq!(test_names(rego), ["test_a", "test_b"]);
        assert_eq!(package_name(rego).as_deref(), Some("x_test"));
    }

    #[test]
    fn diffs_findings() {
        let one = Expected {
            severity: "high".into(),
            reference: "service_id:S".into(),
            message: "m".into(),
        };
        assert_eq!(diff(vec![one.clone()], vec![one.clone()]), Outcome::Pass);
        assert_eq!(
            diff(vec![one.clone()], Vec::new()),
            Outcome::Fail(vec!["- high service_id:S: m".into()])
        );
    }
}
