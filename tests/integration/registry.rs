//! Rule-set invariants: YAML <-> Rust one-to-one, unique kebab-case ids, complete docs,
//! fixtures present, declared examples behave as declared.

use std::collections::BTreeSet;
use std::path::Path;

use std::sync::Arc;

use iamlint::report::explain;
use iamlint::rules::{REGISTRY, Settings, examples, metadata};
use iamlint::sources::{Document, Format, secrets};

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
fn every_rules_yaml_defaults_fill_its_typed_parameters() {
    for entry in REGISTRY {
        iamlint::rules::validate_params(entry.id, &Default::default()).unwrap_or_else(|error| {
            panic!(
                "rules/{}.yaml: its defaults do not fill the `Params` of src/rules/{}.rs: {error}",
                entry.id, entry.module
            )
        });
    }
}

#[test]
fn the_readme_rule_table_lists_exactly_the_registry_in_order() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = readme
        .split("\n## Rules\n")
        .nth(1)
        .expect("README has a `## Rules` section");
    let listed: Vec<&str> = table
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.strip_prefix("| `")?.split('`').next())
        .collect();
    let registered: Vec<&str> = REGISTRY.iter().map(|entry| entry.id).collect();
    assert_eq!(
        listed, registered,
        "README `## Rules` table and the registry differ"
    );
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
            // The config file checks values against this type; it must be known.
            let value_type = param.value_type().unwrap_or_else(|| {
                panic!(
                    "{}: param {name}: the default does not show the type; add `type:`",
                    meta.id
                )
            });
            assert!(
                value_type.normalize(&param.default).is_some(),
                "{}: param {name}: the default is not a {}",
                meta.id,
                value_type.name()
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
        // `unknown-` fixtures fail too: the rule reports it cannot decide.
        let bad = files
            .iter()
            .filter(|name| name.starts_with("bad-") || name.starts_with("unknown-"))
            .count();
        let good = files
            .iter()
            .filter(|name| name.starts_with("good-"))
            .count();
        assert!(
            bad >= 2 && good >= 1,
            "{dir}: needs 2 bad or unknown and 1 good fixtures"
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
    }
    // The rule-fixture harness names a snapshot `<id>__<fixture file>.snap`.
    for file in std::fs::read_dir("tests/rule_fixtures/snapshots").unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".snap.new"), "{name} waits for review");
        if let Some(fixture) = name.strip_suffix(".snap") {
            let fixture = fixture.replacen("__", "/", 1);
            assert!(
                Path::new("fixtures/rules").join(&fixture).exists(),
                "orphaned snapshot {name}"
            );
        }
    }
}

#[test]
fn every_example_is_compiled_in_as_it_is_in_the_repository() {
    let mut declared = std::collections::BTreeSet::new();
    for meta in metadata() {
        let meta = meta.as_ref().unwrap();
        for path in [&meta.examples.bad, &meta.examples.good] {
            let path = path
                .as_deref()
                .unwrap_or_else(|| panic!("{}: examples.bad and examples.good", meta.id));
            assert!(
                path.starts_with(&format!("fixtures/rules/{}/", meta.id)),
                "{}: the example {path} is not one of the rule's fixtures",
                meta.id
            );
            let compiled = examples::text(path)
                .unwrap_or_else(|| panic!("{}: {path} is not compiled in (see build.rs)", meta.id));
            assert_eq!(
                compiled,
                std::fs::read_to_string(path).unwrap(),
                "{path}: the binary holds another text"
            );
            declared.insert(path.to_owned());
        }
    }
    let compiled: std::collections::BTreeSet<String> =
        examples::paths().map(str::to_owned).collect();
    assert_eq!(compiled, declared, "build.rs compiled in other files");
}

/// The secret values of a document: what its masked text must never show.
fn secret_values(path: &str, text: &str) -> Vec<String> {
    let format = if path.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    };
    let document = Document::new(path.into(), path.into(), format, Arc::from(text), true);
    document
        .index()
        .iter()
        .filter(|(pointer, spot)| !spot.composite && secrets::is_secret_pointer(pointer))
        .map(|(_, spot)| {
            text[spot.value.clone()]
                .trim_matches(['"', '\''])
                .to_owned()
        })
        // Markers such as `"credentials": true` in a plan's `sensitive_values` are no secrets.
        .filter(|value| {
            value.len() >= 4 && !matches!(value.as_str(), "REDACTED" | "true" | "false" | "null")
        })
        .collect()
}

#[test]
fn explain_renders_every_rule_in_full() {
    for meta in metadata() {
        let meta = meta.as_ref().unwrap();
        let text = explain::render(meta, 100);
        for heading in [
            "Summary",
            "Rationale",
            "Remediation",
            "Fix",
            "References",
            "Parameters",
            "Bad example",
            "Good example",
        ] {
            assert!(
                text.lines().any(|line| line.starts_with(heading)),
                "{}: no {heading} section",
                meta.id
            );
        }
        assert!(text.starts_with(&format!("{}: {}", meta.id, meta.title.trim())));
        for line in meta.fix.trim().lines() {
            assert!(text.contains(line.trim()), "{}: fix", meta.id);
        }
        for reference in &meta.references {
            assert!(
                text.contains(&reference.url),
                "{}: {}",
                meta.id,
                reference.url
            );
        }
        for name in meta.params.keys() {
            assert!(
                text.contains(&format!("  {name} (")),
                "{}: param {name}",
                meta.id
            );
        }
        assert!(!text.contains("(not compiled"), "{}", meta.id);
        assert!(!text.contains("(none declared)"), "{}", meta.id);
        for path in [&meta.examples.bad, &meta.examples.good]
            .into_iter()
            .flatten()
        {
            let raw = examples::text(path).unwrap();
            for secret in secret_values(path, raw) {
                assert!(
                    !text.contains(&secret),
                    "{}: explain shows a secret of {path}",
                    meta.id
                );
            }
            // The example's first line is shown (comments and all).
            let first = raw.lines().next().unwrap_or_default().trim_end();
            assert!(text.contains(first), "{}: {path} is not shown", meta.id);
        }
        assert!(
            text.lines().skip(1).all(|line| line.chars().count() <= 100
                || line.contains("http")
                || line.starts_with("    ")
                || meta.fix.contains(line.trim())),
            "{}: prose is wrapped to the width",
            meta.id
        );
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
            .filter_map(|item| item.subject.view(&checked.loaded.inventory))
            .map(|subject| (subject.kind.as_str(), subject.id))
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

/// Every rule `rules/benchmarks/cis.yaml` names must be registered.
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
                registered.contains(rule.as_str()),
                "CIS {}: unknown rule `{rule}`",
                control.id
            );
        }
    }
}
