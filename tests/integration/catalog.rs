//! `iamlint rules` and `iamlint explain`: the table, the JSON array, one rule's docs, and
//! the "did you mean" for an unknown id. (Every rule's `explain` is checked in
//! `registry.rs`; this snapshots one of them.)

use iamlint::rules::REGISTRY;
use serde_json::Value;

use crate::common;

#[test]
fn rules_lists_every_rule_as_a_table() {
    let run = common::run(&["rules"]);
    assert_eq!(run.code, 0);
    for entry in REGISTRY {
        assert!(
            run.stdout.lines().any(|line| line.starts_with(entry.id)),
            "{} is not listed",
            entry.id
        );
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn rules_json_is_an_array_of_every_rule() {
    let run = common::run(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0);
    let rules: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let registered: Vec<&str> = REGISTRY.iter().map(|entry| entry.id).collect();
    assert_eq!(ids, registered, "registry order");
    for rule in &rules {
        for field in ["title", "severity", "category", "summary"] {
            assert!(
                rule[field].as_str().is_some_and(|text| !text.is_empty()),
                "{}: `{field}`",
                rule["id"]
            );
        }
        assert!(rule["params"].is_object());
    }
}

#[test]
fn explain_prints_a_rules_whole_documentation() {
    let run = common::run(&["explain", "key-restriction-missing"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn explain_suggests_the_closest_rule_for_an_unknown_id() {
    let run = common::run(&["explain", "key-restriction-mising"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains(
            "unknown rule `key-restriction-mising`; did you mean `key-restriction-missing`?"
        ),
        "{}",
        run.stderr
    );
    let run = common::run(&["explain", "no-such-thing-at-all"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
    assert!(run.stderr.contains("`iamlint rules` lists every rule"));
}
