//! One test per rule fixture, `fixtures/rules/<id>/<kind>-<case>.{json,yaml}`, each checked
//! with only its rule enabled (so other rules never churn its snapshot).
//!
//! A custom harness (libtest-mimic) instead of one glob test: every failing fixture is
//! reported, not just the first, and `cargo test --test rule_fixtures -- <rule-id>` runs the
//! fixtures of one rule. What a fixture must produce is said by its name alone:
//! - `good-*`: no finding;
//! - `bad-*`: at least one finding of the rule;
//! - `unknown-*`: at least one finding of the rule, every one of them `unknown` (the data
//!   the rule needs is missing, and the rule says so rather than passing).

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use iamlint::rules::{Settings, Status};
use libtest_mimic::{Arguments, Failed, Trial};

#[path = "../integration/common.rs"]
#[allow(dead_code, unreachable_pub)]
mod common;

/// What a fixture's name says it must produce.
#[derive(Clone, Copy)]
enum Expect {
    Good,
    Bad,
    Unknown,
}

impl Expect {
    fn of(file: &str) -> Option<Self> {
        [
            ("good-", Self::Good),
            ("bad-", Self::Bad),
            ("unknown-", Self::Unknown),
        ]
        .into_iter()
        .find_map(|(prefix, expect)| file.starts_with(prefix).then_some(expect))
    }
}

fn main() {
    let args = Arguments::from_args();
    let trials = match fixtures() {
        Ok(trials) => trials,
        Err(message) => vec![Trial::test("rule fixtures", move || Err(message.into()))],
    };
    libtest_mimic::run(&args, trials).exit();
}

/// One trial per file under `fixtures/rules/<id>/`, named `<id>::<file>`.
fn fixtures() -> Result<Vec<Trial>, String> {
    let root = Path::new("fixtures/rules");
    let mut trials = Vec::new();
    for rule_dir in sorted_entries(root)? {
        let rule = file_name(&rule_dir)?;
        for path in sorted_entries(&rule_dir)? {
            let file = file_name(&path)?;
            let name = format!("{rule}::{file}");
            let (rule, file) = (rule.clone(), file.clone());
            trials.push(Trial::test(name, move || check_fixture(&rule, &file)));
        }
    }
    Ok(trials)
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> Result<String, String> {
    path.file_name()
        .and_then(|name| name.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: not a UTF-8 name", path.display()))
}

/// Checks one fixture; a failed assertion (or a snapshot mismatch, which insta reports by
/// panicking) becomes this trial's failure message.
fn check_fixture(rule: &str, file: &str) -> Result<(), Failed> {
    let Some(expect) = Expect::of(file) else {
        return Err(
            format!("fixtures/rules/{rule}/{file}: name it good-*, bad-* or unknown-*").into(),
        );
    };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_fixture(rule, file, expect)));
    match outcome {
        Ok(result) => result,
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panicked".to_owned())
            .into()),
    }
}

fn run_fixture(rule: &str, file: &str, expect: Expect) -> Result<(), Failed> {
    let relative = format!("fixtures/rules/{rule}/{file}");
    let checked = common::check(&[&relative], &Settings::only(&[rule]));
    if !checked.loaded.errors.is_empty() {
        return Err(format!("{relative} does not load: {:?}", checked.loaded.errors).into());
    }
    let of_rule: Vec<_> = checked
        .findings
        .iter()
        .filter(|finding| finding.rule == rule)
        .collect();
    match expect {
        Expect::Good if !checked.findings.is_empty() => {
            return Err(format!(
                "{relative} must produce no findings, got {:?}",
                checked.findings
            )
            .into());
        }
        Expect::Bad | Expect::Unknown if of_rule.is_empty() => {
            return Err(format!("{relative} must produce a `{rule}` finding").into());
        }
        Expect::Unknown
            if of_rule
                .iter()
                .any(|finding| finding.status != Status::Unknown) =>
        {
            return Err(format!("{relative}: every `{rule}` finding must be unknown").into());
        }
        _ => {}
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(&relative);
    settings.bind(|| {
        insta::assert_snapshot!(format!("{rule}__{file}"), common::human(&checked));
    });
    Ok(())
}
