//! The synthetic account of `examples/gen` at scale 1: iamlint finds exactly the violations
//! the generator planted, rule by rule and status by status, as `expected.json` lists them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use iamlint::pipeline::Request;
use iamlint::rules::{Settings, Status};
use iamlint::sources::LoadOptions;

use crate::common::TempDir;

#[path = "../../examples/gen/account/mod.rs"]
#[allow(dead_code)]
pub(crate) mod account;

#[test]
fn finds_exactly_the_planted_violations_at_scale_1() {
    let dir = TempDir::new("scale-1");
    let options = account::Options { scale: 1, seed: 1 };
    let summary = account::generate(options, &dir.0).expect("the generator writes");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary.expected_path).unwrap()).unwrap();

    let settings = Settings {
        now: expected["now"].as_str().and_then(|now| now.parse().ok()),
        ..Settings::default()
    };
    let checked = iamlint::pipeline::run(&Request::new(
        &[PathBuf::from(&dir.0)],
        &LoadOptions::default(),
        &settings,
    ))
    .unwrap();
    assert!(
        checked.loaded.errors.is_empty(),
        "{:?}",
        checked.loaded.errors
    );
    // Only expected.json itself is not an export.
    assert_eq!(
        checked.loaded.skipped.len(),
        1,
        "{:?}",
        checked.loaded.skipped
    );

    let mut found: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for rule in iamlint::rules::REGISTRY {
        found.insert(
            rule.id.to_owned(),
            serde_json::json!({"fail": 0, "unknown": 0}),
        );
    }
    for finding in &checked.findings {
        let status = match finding.status {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        };
        let count = &mut found.get_mut(finding.rule).unwrap()[status];
        *count = serde_json::json!(count.as_u64().unwrap() + 1);
    }
    let mut expected_findings: BTreeMap<String, serde_json::Value> =
        serde_json::from_value(expected["findings"].clone()).unwrap();
    // Rules an API export cannot trigger must find nothing.
    for rule in expected["not_planted"].as_object().unwrap().keys() {
        if found.contains_key(rule) {
            expected_findings.insert(rule.clone(), serde_json::json!({"fail": 0, "unknown": 0}));
        }
    }
    assert_eq!(found, expected_findings);
    let planted: Vec<&serde_json::Value> =
        expected["findings"].as_object().unwrap().values().collect();
    assert!(
        planted
            .iter()
            .all(|count| count["fail"].as_u64().unwrap() + count["unknown"].as_u64().unwrap() > 0),
        "every planted rule has a violation at scale 1"
    );

    let inventory = &checked.loaded.inventory;
    let counts = &expected["inventory"];
    assert_eq!(
        inventory.keys.len() as u64,
        counts["resource_keys"].as_u64().unwrap()
    );
    assert_eq!(
        inventory.service_ids.len() as u64,
        counts["service_ids"].as_u64().unwrap()
    );
    assert_eq!(
        inventory.api_keys.len() as u64,
        counts["api_keys"].as_u64().unwrap()
    );
    assert_eq!(
        (inventory.policies.len() + inventory.placeholders.len()) as u64,
        counts["policies"].as_u64().unwrap()
    );
}

#[test]
fn the_generator_is_deterministic() {
    let first = TempDir::new("scale-seed-a");
    let second = TempDir::new("scale-seed-b");
    let options = account::Options { scale: 1, seed: 42 };
    account::generate(options, &first.0).unwrap();
    account::generate(options, &second.0).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&first.0)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() > 10);
    for name in names {
        assert_eq!(
            std::fs::read(first.0.join(&name)).unwrap(),
            std::fs::read(second.0.join(&name)).unwrap(),
            "{name:?} differs between two runs with one seed"
        );
    }
}
