//! SARIF output against the SARIF 2.1.0 JSON schema as shipped by a registry package: the
//! `schema.json` inside the `serde-sarif` crate (a dev-dependency, so cargo has fetched it
//! at the version in Cargo.lock), checked with the `jsonschema` crate; the output must also
//! deserialize into serde-sarif's types generated from that schema. Plus what GitHub code
//! scanning needs beyond the schema.

use std::path::PathBuf;

use iamlint::report::{RunReport, sarif};
use iamlint::rules::Settings;
use serde_json::Value;

use crate::common;

/// The version of serde-sarif in Cargo.lock.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string("Cargo.lock").expect("test setup");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            let version = lines.next().expect("test setup");
            return version
                .trim_start_matches("version = \"")
                .trim_end_matches('"')
                .to_owned();
        }
    }
    panic!("{package} is not in Cargo.lock");
}

/// `schema.json` of the serde-sarif crate, as cargo unpacked it.
fn schema_path() -> PathBuf {
    let version = locked_version("serde-sarif");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let sources = home.join("registry").join("src");
    for registry in std::fs::read_dir(&sources).expect("test setup") {
        let candidate = registry
            .expect("test setup")
            .path()
            .join(format!("serde-sarif-{version}"))
            .join("src")
            .join("schema.json");
        if candidate.exists() {
            return candidate;
        }
    }
    panic!(
        "serde-sarif {version} is not unpacked under {}; cargo test fetches it",
        sources.display()
    );
}

fn render(paths: &[&str]) -> String {
    let checked = common::check(paths, &Settings::default());
    sarif::render(
        &RunReport {
            loaded: &checked.loaded,
            findings: &checked.findings,
        },
        &sarif::Style::default(),
    )
}

/// Replaces the schema's broken `language` pattern; returns how many it replaced.
fn fix_language_patterns(value: &mut Value) -> usize {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match value {
        Value::Object(members) => members
            .iter_mut()
            .map(|(name, member)| {
                if name == "pattern" && member == BROKEN {
                    *member = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                    1
                } else {
                    fix_language_patterns(member)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

fn schema_violations(text: &str) -> Vec<String> {
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path()).expect("test setup"))
            .expect("test setup");
    // The 2.1.0 schema's pattern for `language` (on runs and tool components) has a stray
    // `]`, fixed by OASIS in errata 01; a strict validator refuses to compile it. Fix that
    // one pattern in memory, wherever it occurs.
    assert!(
        fix_language_patterns(&mut schema) >= 1,
        "the schema changed: review this fix"
    );
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let instance: Value = serde_json::from_str(text).expect("test setup");
    validator
        .iter_errors(&instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

fn assert_valid(text: &str) {
    let errors = schema_violations(text);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    let typed: Result<serde_sarif::sarif::Sarif, _> = serde_json::from_str(text);
    assert!(typed.is_ok(), "serde-sarif rejects it: {:?}", typed.err());
}

#[test]
fn the_schema_check_rejects_what_is_not_sarif() {
    let good = render(&["fixtures/demo"]);
    let mut log: Value = serde_json::from_str(&good).unwrap();
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    let errors = schema_violations(&log.to_string());
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn demo_sarif_matches_the_sarif_schema() {
    assert_valid(&render(&["fixtures/demo"]));
}

#[test]
fn sarif_with_load_errors_and_no_findings_matches_the_schema() {
    assert_valid(&render(&[
        "fixtures/demo",
        "fixtures/invalid/truncated.json",
    ]));
    assert_valid(&render(&[
        "fixtures/rules/key-restriction-missing/good-restricted.json",
    ]));
}

#[test]
fn sarif_has_what_github_code_scanning_needs() {
    let log: Value = serde_json::from_str(&render(&["fixtures/demo"])).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), iamlint::rules::REGISTRY.len());
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help", "helpUri"] {
            assert!(rule.get(field).is_some(), "{} has no {field}", rule["id"]);
        }
        assert!(rule["help"]["markdown"].as_str().unwrap().contains("```sh"));
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")));
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        // Security rules carry a score; info rules (notes) do not.
        assert_eq!(
            rule["properties"].get("security-severity").is_some(),
            level != "note",
            "{}",
            rule["id"]
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let rule_id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule_id);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("fixtures/demo/"),
            "{uri} is not repository-relative"
        );
        assert!(
            std::path::Path::new(uri).exists(),
            "{uri} is not a real file"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        let fingerprint = result["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 32);
        let related = result["relatedLocations"].as_array().map_or(0, Vec::len);
        if rule_id == "key-restriction-missing" {
            assert!(related >= 1, "the access chain is missing");
        }
    }
}
