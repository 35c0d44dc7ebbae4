//! Rule-set invariants: YAML <-> Rust one-to-one, unique kebab-case ids, complete docs,
//! fixtures present, declared examples behave as declared.

use std::collections::BTreeSet;
use std::path::Path;

use iamlint::rules::{REGISTRY, Settings, metadata};

use crate::common;

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
}

#[test]
fn yaml_and_rust_rules_match_one_to_one() {
    let registered: BTreeSet<&str> = REGISTRY.iter().map(|entry| entry.id).collect();
    assert_eq!(registered.len(), REGISTRY.len(), "duplicate rule ids");
    let on_disk: BTreeSet<String> = std::fs::read_dir("rules")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    let registered: BTreeSet<String> = registered.into_iter().map(str::to_owned).collect();
    assert_eq!(on_disk, registered, "rules/*.yaml and the registry differ");
    for (entry, meta) in REGISTRY.iter().zip(metadata()) {
        let meta = meta
            .as_ref()
            .unwrap_or_else(|error| panic!("rules/{}.yaml: {error}", entry.id));
        assert!(is_kebab(entry.id), "{} is not kebab-case", entry.id);
        assert_eq!(
            meta.id, entry.id,
            "rules/{}.yaml names another id",
            entry.id
        );
        assert_eq!(entry.module, entry.id.replace('-', "_"));
        assert!(Path::new(&format!("src/rules/{}.rs", entry.module)).exists());
    }
}

#[test]
fn every_rule_is_documented() {
    for meta in metadata() {
        let meta = meta.as_ref().unwrap();
        for (field, text) in [
            ("title", &meta.title),
            ("category", &meta.category),
            ("summary", &meta.summary),
            ("rationale", &meta.rationale),
            ("remediation", &meta.remediation),
            ("fix", &meta.fix),
        ] {
            assert!(!text.trim().is_empty(), "{}: `{field}` is empty", meta.id);
        }
        assert!(
            meta.fix.contains("ibmcloud") || meta.fix.contains("curl"),
            "{}: fix names no command",
            meta.id
        );
        assert!(!meta.references.is_empty(), "{}: no references", meta.id);
        for reference in &meta.references {
            assert!(
                reference.url.starts_with("https://"),
                "{}: {}",
                meta.id,
                reference.url
            );
        }
        for (name, param) in &meta.params {
            assert!(
                !param.description.trim().is_empty(),
                "{}: param {name} undocumented",
                meta.id
            );
        }
    }
}

#[test]
fn every_rule_has_fixtures_and_its_examples_behave() {
    for entry in REGISTRY {
        let dir = format!("fixtures/rules/{}", entry.id);
        let files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{dir} is missing"))
            .filter_map(|file| file.ok()?.file_name().into_string().ok())
            .collect();
        let bad = files.iter().filter(|name| name.starts_with("bad-")).count();
        let good = files
            .iter()
            .filter(|name| name.starts_with("good-"))
            .count();
        assert!(
            bad >= 2 && good >= 1,
            "{dir}: needs 2 bad and 1 good fixtures"
        );
        assert!(
            files.iter().any(|name| name.ends_with(".json")),
            "{dir}: no JSON fixture"
        );
        assert!(
            files.iter().any(|name| name.ends_with(".yaml")),
            "{dir}: no YAML fixture"
        );
        let meta = iamlint::rules::meta(entry.id).unwrap();
        let settings = Settings::only(&[entry.id]);
        let bad = meta.examples.bad.as_deref().expect("examples.bad");
        let good = meta.examples.good.as_deref().expect("examples.good");
        assert!(
            !common::check(&[bad], &settings).findings.is_empty(),
            "{bad} finds nothing"
        );
        assert!(
            common::check(&[good], &settings).findings.is_empty(),
            "{good} has findings"
        );
    }
}

#[test]
fn no_orphaned_snapshots() {
    for file in std::fs::read_dir("tests/integration/snapshots").unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".snap.new"), "{name} waits for review");
        if let Some(fixture) = name
            .strip_prefix("integration__rules__rule_fixtures@")
            .and_then(|rest| rest.strip_suffix(".snap"))
        {
            let fixture = fixture.replace("__", "/");
            assert!(
                Path::new("fixtures/rules").join(&fixture).exists(),
                "orphaned snapshot {name}"
            );
        }
    }
}

#[test]
fn every_rule_records_what_it_evaluated() {
    // The convention of rules/README.md: a rule calls `RuleContext::evaluated` for every
    // subject it could judge, so that passes can be listed (JUnit --show-passed, reports).
    let checked = common::check(&["fixtures/demo"], &Settings::default());
    for entry in REGISTRY {
        let evaluated: Vec<_> = checked
            .evaluated
            .iter()
            .filter(|item| item.rule == entry.id)
            .collect();
        let findings = checked
            .findings
            .iter()
            .filter(|finding| finding.rule == entry.id);
        let subjects: BTreeSet<(&str, &str)> = evaluated
            .iter()
            .map(|item| (item.subject.kind.as_str(), item.subject.id.as_str()))
            .collect();
        assert_eq!(
            subjects.len(),
            evaluated.len(),
            "{}: recorded twice",
            entry.id
        );
        for finding in findings {
            assert!(
                subjects.contains(&(finding.subject.kind.as_str(), finding.subject.id.as_str())),
                "{}: a finding's subject is not among the evaluated",
                entry.id
            );
        }
    }
    // On its good example (no findings), a rule must still say what it looked at.
    for entry in REGISTRY {
        let meta = iamlint::rules::meta(entry.id).unwrap();
        let good = meta.examples.good.as_deref().expect("examples.good");
        let checked = common::check(&[good], &Settings::only(&[entry.id]));
        assert!(checked.findings.is_empty());
        assert!(
            !checked.evaluated.is_empty(),
            "{}: records no evaluated subject on {good} (call RuleContext::evaluated)",
            entry.id
        );
    }
}

/// Rules named in `rules/benchmarks/cis.yaml` that other work adds (issue 3); everything
/// else it names must be registered.
const PLANNED_RULES: &[&str] = &[
    "apikey-rotation",
    "user-policy-direct",
    "serviceid-admin-count",
];

#[test]
fn cis_coverage_is_complete_and_names_real_rules() {
    let benchmark = iamlint::report::cis::benchmark().expect("rules/benchmarks/cis.yaml parses");
    let ids: Vec<&str> = benchmark.controls.iter().map(|c| c.id.as_str()).collect();
    let expected: Vec<String> = (1..=19).map(|n| format!("1.{n}")).collect();
    assert_eq!(ids, expected, "controls 1.1-1.19, in order");
    let registered: BTreeSet<&str> = REGISTRY.iter().map(|entry| entry.id).collect();
    for control in &benchmark.controls {
        assert!(!control.title.trim().is_empty() && !control.note.trim().is_empty());
        for rule in &control.rules {
            assert!(
                registered.contains(rule.as_str()) || PLANNED_RULES.contains(&rule.as_str()),
                "CIS {}: unknown rule `{rule}`",
                control.id
            );
        }
    }
}
