//! The config file: every fixture under `fixtures/config/` loads (`good-*`) or is refused
//! with diagnostics at the offending line (`bad-*`, snapshotted); the JSON Schema agrees with
//! the loader on every fixture and on configs generated for every rule; discovery,
//! `--config`, `--no-config`, `--select`/`--ignore`, and what each setting does to a check.

use std::collections::BTreeSet;
use std::path::Path;

use iamlint::config::{self, Config, Selection, schema::config_schema};
use iamlint::report::{self, human::Style};
use iamlint::rules::{self, REGISTRY, Settings, Severity, metadata};
use serde_json::{Value, json};

use crate::common::{self, TempDir};

#[test]
fn config_fixtures() {
    insta::glob!("../../fixtures", "config/*", |path| {
        let file = path.file_name().and_then(|name| name.to_str()).unwrap();
        let relative = format!("fixtures/config/{file}");
        let loaded = config::load(Path::new(&relative), &relative);
        if file.starts_with("good-") {
            let config = loaded.unwrap_or_else(|errors| panic!("{relative}: {errors:?}"));
            assert!(config.settings(&Selection::default()).is_ok());
            // The config's own types, so fields added to the engine's Settings never churn it.
            let mut shown = format!("{:#?}", config.rules);
            for waiver in &config.waivers {
                shown.push_str(&format!(
                    "\nwaiver {}: {} {:?} {:?} expires {:?}",
                    waiver.pointer, waiver.rule, waiver.resource, waiver.reason, waiver.expires
                ));
            }
            insta::assert_snapshot!(shown);
        } else {
            assert!(
                file.starts_with("bad-"),
                "{relative}: name it good-* or bad-*"
            );
            let errors = loaded.expect_err("a bad config is refused");
            assert!(!errors.errors.is_empty());
            insta::assert_snapshot!(report::config_errors::render(&errors, Style::default()));
        }
    });
}

#[test]
fn every_config_mistake_of_one_kind_is_reported_at_once() {
    let errors = config::load(
        Path::new("fixtures/config/bad-several.yaml"),
        "bad-several.yaml",
    )
    .unwrap_err();
    assert_eq!(errors.errors.len(), 3, "{:?}", errors.errors);
}

#[test]
fn an_unknown_field_does_not_hide_the_other_mistakes() {
    // serde alone stops at the first unknown field; the structural pass reads each entry on
    // its own and the registry checks still run on what could be read.
    let errors = config::load(
        Path::new("fixtures/config/bad-every-kind-at-once.yaml"),
        "bad-every-kind-at-once.yaml",
    )
    .unwrap_err();
    // (The rendering orders them by line; see the fixture's snapshot.)
    let pointers: BTreeSet<String> = errors
        .errors
        .iter()
        .map(|error| {
            error
                .pointer
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        pointers,
        BTreeSet::from(
            [
                "/rules/at-key-limit/enable",
                "/rules/key-role-excessive/enabled",
                "/rules/serviceid-unrestrcted",
                "/waivers/0/owner",
            ]
            .map(str::to_owned)
        )
    );
    let run = common::run(&[
        "check",
        "--config",
        "fixtures/config/bad-every-kind-at-once.yaml",
        "fixtures/demo",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.matches("config-error").count(),
        4,
        "{}",
        run.stderr
    );
}

#[test]
fn an_empty_config_file_is_an_empty_config() {
    let config =
        config::parse_text("iamlint.yaml", Path::new("iamlint.yaml"), "# nothing\n").unwrap();
    assert!(config.rules.is_empty());
}

fn validator() -> jsonschema::Validator {
    let schema = config_schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "not a valid JSON Schema"
    );
    // `format: date` (a waiver's `expires`) is checked, as editors do.
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// Whether the loader and the schema agree about `value` (written as JSON, which is YAML).
fn assert_agree(validator: &jsonschema::Validator, name: &str, value: &Value) {
    let text = serde_json::to_string_pretty(value).expect("JSON");
    let accepted = config::parse_text(name, Path::new(name), &text).is_ok();
    let schema_errors: Vec<String> = validator
        .iter_errors(value)
        .map(|error| error.to_string())
        .collect();
    assert_eq!(
        accepted,
        schema_errors.is_empty(),
        "{name}: the loader {} it, the schema {} it {schema_errors:?}",
        if accepted { "accepts" } else { "refuses" },
        if schema_errors.is_empty() {
            "accepts"
        } else {
            "refuses"
        },
    );
}

#[test]
fn the_schema_agrees_with_the_loader_on_every_fixture() {
    let validator = validator();
    let mut compared = 0;
    for entry in std::fs::read_dir("fixtures/config").unwrap() {
        let path = entry.unwrap().path();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        // A YAML syntax error has no value to validate; an empty file is the loader's
        // shorthand for `{}`.
        let Ok(value) = serde_yaml::from_str::<Value>(&text) else {
            assert!(name.contains("bad-syntax"), "{name} does not parse");
            continue;
        };
        assert!(!value.is_null(), "{name} is empty");
        assert_eq!(
            config::load(&path, &name).is_ok(),
            name.contains("/good-"),
            "{name}: named for the wrong outcome"
        );
        if name.contains("bad-waiver-glob") {
            // The one thing JSON Schema cannot say: whether a glob parses.
            assert!(validator.is_valid(&value), "{name}");
            continue;
        }
        assert_agree(&validator, &name, &value);
        compared += 1;
    }
    assert!(compared >= 25, "only {compared} fixtures compared");
}

#[test]
fn the_schema_agrees_with_the_loader_on_waivers() {
    let validator = validator();
    let waiver = json!({"rule": "serviceid-unlocked", "resource": "ServiceId-*",
        "reason": "locked by the pipeline", "expires": "2026-12-31"});
    let with = |change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut entry = waiver.as_object().unwrap().clone();
        change(&mut entry);
        json!({"waivers": [Value::Object(entry)]})
    };
    let cases: Vec<(&str, Value)> = vec![
        ("a whole waiver", json!({"waivers": [waiver.clone()]})),
        ("no waivers", json!({"waivers": []})),
        (
            "without expiry",
            with(&|entry| {
                entry.remove("expires");
            }),
        ),
        (
            "without reason",
            with(&|entry| {
                entry.remove("reason");
            }),
        ),
        (
            "without rule",
            with(&|entry| {
                entry.remove("rule");
            }),
        ),
        (
            "without resource",
            with(&|entry| {
                entry.remove("resource");
            }),
        ),
        (
            "a blank reason",
            with(&|entry| {
                entry.insert("reason".into(), json!(" \t "));
            }),
        ),
        (
            "an empty resource",
            with(&|entry| {
                entry.insert("resource".into(), json!(""));
            }),
        ),
        (
            "a null reason",
            with(&|entry| {
                entry.insert("reason".into(), Value::Null);
            }),
        ),
        (
            "an unknown rule",
            with(&|entry| {
                entry.insert("rule".into(), json!("serviceid-unlocke"));
            }),
        ),
        (
            "a rule with spaces",
            with(&|entry| {
                entry.insert("rule".into(), json!(" serviceid-unlocked"));
            }),
        ),
        (
            "no expiry written",
            with(&|entry| {
                entry.insert("expires".into(), Value::Null);
            }),
        ),
        (
            "a non-date",
            with(&|entry| {
                entry.insert("expires".into(), json!("soon"));
            }),
        ),
        (
            "a day that does not exist",
            with(&|entry| {
                entry.insert("expires".into(), json!("2026-02-30"));
            }),
        ),
        (
            "a timestamp",
            with(&|entry| {
                entry.insert("expires".into(), json!("2026-06-30T00:00:00Z"));
            }),
        ),
        (
            "a date as a number",
            with(&|entry| {
                entry.insert("expires".into(), json!(20261231));
            }),
        ),
        (
            "an unknown field",
            with(&|entry| {
                entry.insert("expiry".into(), json!("2026-12-31"));
            }),
        ),
        (
            "a waiver as a list",
            json!({"waivers": [["serviceid-unlocked", "x", "y"]]}),
        ),
        (
            "waivers as a mapping",
            json!({"waivers": {"serviceid-unlocked": waiver.clone()}}),
        ),
        ("waivers null", json!({"waivers": null})),
    ];
    for (name, value) in &cases {
        assert_agree(&validator, name, value);
    }
    let accepted = |value: &Value| {
        config::parse_text("t.yaml", Path::new("t.yaml"), &value.to_string()).is_ok()
    };
    let expected_ok = [
        "a whole waiver",
        "no waivers",
        "without expiry",
        "no expiry written",
    ];
    for (name, value) in &cases {
        assert_eq!(accepted(value), expected_ok.contains(name), "{name}");
    }
}

/// A value of the wrong type for every parameter type.
fn wrong_value(default: &Value) -> Value {
    match default {
        Value::Number(_) => json!("12"),
        _ => json!({"not": "a parameter value"}),
    }
}

#[test]
fn the_schema_agrees_with_the_loader_for_every_rule() {
    let validator = validator();
    for meta in metadata() {
        let meta = meta.as_ref().unwrap();
        let id = meta.id.as_str();
        let defaults: serde_json::Map<String, Value> = meta
            .params
            .iter()
            .map(|(name, spec)| (name.clone(), spec.default.clone()))
            .collect();
        let every_setting = json!({"rules": {id: {
            "enabled": false, "severity": "critical", "params": defaults}}});
        assert_agree(
            &validator,
            &format!("{id} with every setting"),
            &every_setting,
        );
        assert!(
            config::parse_text("t.yaml", Path::new("t.yaml"), &every_setting.to_string()).is_ok(),
            "{id}: its own defaults are refused"
        );
        for (name, spec) in &meta.params {
            let wrong = json!({"rules": {id: {"params": {name: wrong_value(&spec.default)}}}});
            assert_agree(
                &validator,
                &format!("{id}.{name} of the wrong type"),
                &wrong,
            );
        }
        let unknown = json!({"rules": {id: {"params": {"no_such_parameter": 1}}}});
        assert_agree(
            &validator,
            &format!("{id} with an unknown parameter"),
            &unknown,
        );
        let bad_severity = json!({"rules": {id: {"severity": "severe"}}});
        assert_agree(
            &validator,
            &format!("{id} with a bad severity"),
            &bad_severity,
        );
    }
    assert_agree(
        &validator,
        "an unknown rule",
        &json!({"rules": {"no-such-rule": {}}}),
    );
}

#[test]
fn the_schema_enumerates_the_registry() {
    let schema = config_schema();
    let rules = schema["properties"]["rules"]["properties"]
        .as_object()
        .unwrap();
    // Every rule id, and `paths` (the custom rule directories).
    let in_schema: BTreeSet<&str> = rules
        .keys()
        .map(String::as_str)
        .filter(|key| *key != "paths")
        .collect();
    let registered: BTreeSet<&str> = REGISTRY.iter().map(|entry| entry.id).collect();
    assert_eq!(in_schema, registered);
    for meta in metadata() {
        let meta = meta.as_ref().unwrap();
        let params = rules[&meta.id]["properties"]["params"]["properties"]
            .as_object()
            .unwrap();
        let in_schema: BTreeSet<&String> = params.keys().collect();
        let declared: BTreeSet<&String> = meta.params.keys().collect();
        assert_eq!(in_schema, declared, "{}", meta.id);
    }
    let waiver_rules: BTreeSet<&str> =
        schema["$defs"]["WaiverConfig"]["properties"]["rule"]["anyOf"][0]["enum"]
            .as_array()
            .expect("a waiver's rule is an enum of rule ids (or a custom rule's id)")
            .iter()
            .map(|id| id.as_str().unwrap())
            .collect();
    assert_eq!(waiver_rules, registered);
    let run = common::run(&["schema", "config"]);
    assert_eq!(run.code, 0);
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed, schema);
}

#[test]
fn discovery_finds_the_nearest_file_upward() {
    let root = TempDir::new("discover");
    let nested = root.0.join("a").join("b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(root.0.join(config::FILE_NAME), "rules: {}\n").unwrap();
    assert_eq!(
        config::discover(&nested),
        Some(root.0.join(config::FILE_NAME))
    );
    std::fs::write(root.0.join("a").join(config::FILE_NAME), "rules: {}\n").unwrap();
    assert_eq!(
        config::discover(&nested),
        Some(root.0.join("a").join(config::FILE_NAME)),
        "the nearest one wins"
    );
    // A directory of that name is not a config file.
    std::fs::create_dir_all(nested.join(config::FILE_NAME)).unwrap();
    assert_eq!(
        config::discover(&nested),
        Some(root.0.join("a").join(config::FILE_NAME))
    );
}

fn rules_found(run: &common::Run) -> BTreeSet<String> {
    let output: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}{}", run.stdout, run.stderr));
    output["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|finding| finding["rule"].as_str().expect("a rule id").to_owned())
        .collect()
}

#[test]
fn a_discovered_config_applies_and_its_mistakes_stop_the_run() {
    let root = TempDir::new("applies");
    let nested = root.0.join("exports");
    std::fs::create_dir_all(&nested).unwrap();
    let config_file = root.0.join(config::FILE_NAME);
    std::fs::write(
        &config_file,
        "rules:\n  key-restriction-missing:\n    enabled: false\n",
    )
    .unwrap();
    let demo = common::absolute("fixtures/demo");
    let run = common::run_in(&nested, &["check", "--format", "json", "-v", &demo]);
    let found = rules_found(&run);
    assert!(!found.contains("key-restriction-missing"), "{found:?}");
    assert!(found.contains("key-restriction-incomplete"), "{found:?}");
    assert!(run.stderr.contains("using config file"), "{}", run.stderr);

    let run = common::run_in(
        &nested,
        &["check", "--no-config", "--format", "json", &demo],
    );
    assert!(rules_found(&run).contains("key-restriction-missing"));

    std::fs::write(
        &config_file,
        "rules:\n  key-restriction-mising:\n    enabled: false\n",
    )
    .unwrap();
    let run = common::run_in(&nested, &["check", &demo]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "no report when the config is wrong");
    assert!(
        run.stderr
            .contains("did you mean `key-restriction-missing`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("iamlint.yaml:2:3"),
        "points at the line: {}",
        run.stderr
    );
    assert_eq!(
        common::run_in(&nested, &["check", "--no-config", &demo]).code,
        1,
        "--no-config skips the broken file"
    );
}

#[test]
fn config_option_names_the_file() {
    let run = common::run(&[
        "check",
        "--config",
        "fixtures/config/bad-unknown-param.yaml",
        "fixtures/demo",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `max_keys`?"),
        "{}",
        run.stderr
    );
    let run = common::run(&["check", "--config", "no/such/iamlint.yaml", "fixtures/demo"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read config file"),
        "{}",
        run.stderr
    );
    assert_eq!(
        common::run(&[
            "check",
            "--config",
            "x.yaml",
            "--no-config",
            "fixtures/demo"
        ])
        .code,
        2,
        "--config and --no-config conflict"
    );
}

#[test]
fn select_and_ignore_pick_rules_and_override_the_file() {
    let json = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("fixtures/demo");
        rules_found(&common::run(&args))
    };
    assert_eq!(
        json(&["--select", "key-cannot-evaluate"]),
        BTreeSet::from(["key-cannot-evaluate".to_owned()])
    );
    assert_eq!(
        json(&["--select", "key-cannot-evaluate,at-key-limit"]),
        BTreeSet::from(["at-key-limit".to_owned(), "key-cannot-evaluate".to_owned()])
    );
    assert_eq!(
        json(&[
            "--select",
            "key-cannot-evaluate",
            "--select",
            "at-key-limit",
            "--ignore",
            "at-key-limit"
        ]),
        BTreeSet::from(["key-cannot-evaluate".to_owned()]),
        "--ignore wins over --select"
    );
    let ignored = json(&["--ignore", "serviceid-unrestricted"]);
    assert!(!ignored.contains("serviceid-unrestricted") && ignored.len() >= 4);
    // good-full.yaml turns serviceid-unrestricted off; --select turns it back on.
    let from_file = json(&["--config", "fixtures/config/good-full.yaml"]);
    assert!(
        !from_file.contains("serviceid-unrestricted"),
        "{from_file:?}"
    );
    assert_eq!(
        json(&[
            "--config",
            "fixtures/config/good-full.yaml",
            "--select",
            "serviceid-unrestricted"
        ]),
        BTreeSet::from(["serviceid-unrestricted".to_owned()])
    );
    let run = common::run(&[
        "check",
        "--select",
        "key-restrction-missing",
        "fixtures/demo",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown rule `key-restrction-missing` given to --select; did you mean `key-restriction-missing`?"),
        "{}",
        run.stderr
    );
    assert_eq!(
        common::run(&["check", "--ignore", "nope", "fixtures/demo"]).code,
        2
    );
}

#[test]
fn severity_and_params_from_the_file_change_the_findings() {
    let config = config::load(
        Path::new("fixtures/config/good-full.yaml"),
        "good-full.yaml",
    )
    .unwrap();
    let settings = config.settings(&Selection::default()).unwrap();
    // key-cannot-evaluate is info by default; the file makes it high, so it now fails runs.
    let checked = common::check(
        &["fixtures/rules/key-cannot-evaluate/unknown-redacted.json"],
        &settings,
    );
    let own: Vec<_> = checked
        .findings
        .iter()
        .filter(|finding| finding.rule == "key-cannot-evaluate")
        .collect();
    assert!(!own.is_empty());
    assert!(own.iter().all(|finding| finding.severity == Severity::High));
    let run = common::run(&[
        "check",
        "--config",
        "fixtures/config/good-full.yaml",
        "fixtures/rules/key-cannot-evaluate/unknown-redacted.json",
    ]);
    assert_eq!(run.code, 1, "a high finding fails the run: {}", run.stdout);
    // max_keys 25 and warn_at 22: 21 keys are fine now.
    let checked = common::check(&["fixtures/rules/at-key-limit/bad-21-keys.json"], &settings);
    assert!(
        checked
            .findings
            .iter()
            .all(|finding| finding.rule != "at-key-limit"),
        "{:?}",
        checked.findings
    );
    // And with the defaults it is reported, at the file's severity override (critical).
    let mut only_severity = settings.clone();
    only_severity.params.clear();
    let checked = common::check(
        &["fixtures/rules/at-key-limit/bad-21-keys.json"],
        &only_severity,
    );
    let limits: Vec<_> = checked
        .findings
        .iter()
        .filter(|finding| finding.rule == "at-key-limit")
        .collect();
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0].severity, Severity::Critical);
}

#[test]
fn settings_combine_the_file_and_the_command_line() {
    let config = Config {
        rules: [(
            "at-key-limit".to_owned(),
            config::RuleSettings {
                enabled: Some(false),
                ..Default::default()
            },
        )]
        .into(),
        ..Config::default()
    };
    let settings = config.settings(&Selection::default()).unwrap();
    assert!(!settings.enabled("at-key-limit"));
    assert!(settings.enabled("key-cannot-evaluate"));
    let selected = config
        .settings(&Selection {
            select: vec!["at-key-limit".to_owned()],
            ignore: Vec::new(),
        })
        .unwrap();
    assert!(selected.enabled("at-key-limit"));
    assert!(!selected.enabled("key-cannot-evaluate"));
    let errors = Config::default()
        .settings(&Selection {
            select: vec!["at-key-limt".to_owned()],
            ignore: vec!["zzz".to_owned()],
        })
        .unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    // The engine's own defaults are untouched by an empty config.
    let defaults = Config::default().settings(&Selection::default()).unwrap();
    assert!(REGISTRY.iter().all(|entry| defaults.enabled(entry.id)));
    assert!(rules::run(&Default::default(), &Settings::default()).is_empty());
}
