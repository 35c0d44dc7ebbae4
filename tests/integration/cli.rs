//! The binary: exit codes, formats, options.

use crate::common;

#[test]
fn exit_codes() {
    assert_eq!(
        common::run(&["check", "fixtures/demo"]).code,
        1,
        "the demo has findings"
    );
    assert_eq!(
        common::run(&["check", "--fail-on", "critical", "fixtures/demo"]).code,
        0
    );
    assert_eq!(
        common::run(&[
            "check",
            "fixtures/rules/key-cannot-evaluate/bad-redacted.json"
        ])
        .code,
        0,
        "info findings never fail"
    );
    assert_eq!(
        common::run(&["check", "fixtures/invalid/truncated.json"]).code,
        2
    );
    assert_eq!(common::run(&["check", "no/such/path"]).code, 2);
    assert_eq!(
        common::run(&["check", "--fail-on", "severe", "fixtures/demo"]).code,
        2
    );
    assert_eq!(common::run(&["check"]).code, 2, "a path is required");
    let empty = std::env::temp_dir().join(format!("iamlint-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let run = common::run(&["check", empty.to_str().unwrap()]);
    assert_eq!(run.code, 3, "no input files found");
    assert!(run.stderr.contains("no input files found"));
    let _ = std::fs::remove_dir(&empty);
}

#[test]
fn json_output_is_versioned_and_complete() {
    let run = common::run(&["check", "--format", "json", "fixtures/demo"]);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["version"], 1);
    assert_eq!(output["tool"]["name"], "iamlint");
    let finding = &output["findings"][0];
    for field in [
        "rule",
        "severity",
        "status",
        "message",
        "resource",
        "location",
        "related",
        "remediation",
        "fingerprint",
    ] {
        assert!(finding.get(field).is_some(), "finding has no `{field}`");
    }
    assert!(finding["location"]["line"].as_u64().unwrap() >= 1);
    assert!(
        finding["resource"].get("address").is_some(),
        "`address` is always present"
    );
    assert!(
        finding["location"]["pointer"]
            .as_str()
            .unwrap()
            .starts_with('/')
    );
    assert_eq!(output["summary"]["files"], 14);
    assert_eq!(output["summary"]["resources"]["resource_key"], 29);
    assert_eq!(output["summary"]["resources"]["access_group"], 2);
    assert!(
        output["summary"].get("comparison").is_none(),
        "only --new-only and diff compare"
    );
}

#[test]
fn the_binary_measures_ages_against_the_clock() {
    // Library callers pass `Settings::now`; the binary must read the clock itself, for
    // `check` (any format), `--new-only`, `diff` and `report` alike.
    for args in [
        &["check", "--format", "json", "fixtures/demo"][..],
        &["check", "--new-only", "--format", "json", "fixtures/demo"],
        &[
            "diff",
            "--format",
            "json",
            "fixtures/diff/before",
            "fixtures/demo",
        ],
        &["report", "--format", "markdown", "fixtures/demo"],
    ] {
        let run = common::run(args);
        assert!(!run.stdout.is_empty(), "{args:?}: {}", run.stderr);
        assert!(
            !run.stdout.contains("no current time"),
            "{args:?} ran without a clock"
        );
    }
}

#[test]
fn exclude_leaves_paths_out_of_walks() {
    let run = common::run(&[
        "check",
        "--format",
        "json",
        "--exclude",
        "policies_*",
        "fixtures/demo",
    ]);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["summary"]["resources"]["policy"], 0);
    assert_eq!(output["summary"]["files"], 11);
    assert_eq!(
        common::run(&["check", "--exclude", "[", "fixtures/demo"]).code,
        2
    );
}

#[test]
fn help_lists_the_diff_options() {
    let run = common::run(&["diff", "--help"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn help_lists_the_check_options() {
    let run = common::run(&["check", "--help"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}
