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
            "fixtures/rules/key-cannot-evaluate/unknown-redacted.json"
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
    // 18 exports, plans and people documents, the 5 account-level documents (settings,
    // routes, targets, the Public Access group's policy) and 7 of profiles, roles and groups.
    assert_eq!(output["summary"]["files"], 30);
    assert_eq!(output["summary"]["resources"]["resource_key"], 29);
    assert_eq!(output["summary"]["resources"]["access_group"], 3);
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
    // The demo's 30 files less its 5 `policies_*` files.
    assert_eq!(output["summary"]["files"], 25);
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

/// A fixture with one high, two low and one info finding from rules that do not depend on
/// the clock.
const TRIAGE: [&str; 3] = [
    "--select",
    "key-restriction-missing,serviceid-orphaned,serviceid-unlocked",
    "fixtures/rules/serviceid-orphaned/bad-key-deleted.json",
];

fn check_triage(extra: &[&str]) -> common::Run {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&TRIAGE);
    common::run(&args)
}

fn last_line(run: &common::Run) -> &str {
    run.stdout.lines().last().unwrap_or_default()
}

#[test]
fn the_summary_says_why_the_exit_code_is_what_it_is() {
    let cases: [(&[&str], i32, &str); 7] = [
        (&[], 1, "exit 1: 3 findings at or above --fail-on low"),
        (
            &["--fail-on", "high"],
            1,
            "exit 1: 1 finding at or above --fail-on high",
        ),
        (
            &["--fail-on", "critical"],
            0,
            "exit 0: no findings at or above --fail-on critical (4 below it)",
        ),
        (
            &["--min-severity", "high"],
            1,
            "exit 1: 3 findings at or above --fail-on low (2 hidden by --min-severity high)",
        ),
        (
            &["--min-severity", "critical", "--fail-on", "high"],
            1,
            "exit 1: 1 finding at or above --fail-on high, hidden by --min-severity critical",
        ),
        (
            &["--no-exit-codes"],
            0,
            "exit 0: --no-exit-codes, with 3 findings at or above --fail-on low",
        ),
        (
            &["--format", "concise", "--fail-on", "medium"],
            1,
            "exit 1: 1 finding at or above --fail-on medium",
        ),
    ];
    for (extra, code, line) in cases {
        let run = check_triage(extra);
        assert_eq!(run.code, code, "{extra:?}: {}", run.stderr);
        assert_eq!(last_line(&run), line, "{extra:?}");
    }
}

#[test]
fn the_summary_explains_load_errors_and_missing_inputs() {
    let run = common::run(&["check", "fixtures/invalid/truncated.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(last_line(&run), "exit 2: 1 file could not be loaded");
    let run = common::run(&["check", "fixtures/invalid/truncated.json", TRIAGE[2]]);
    assert_eq!(run.code, 2);
    assert!(
        last_line(&run).starts_with("exit 2: 1 file could not be loaded; also "),
        "{}",
        run.stdout
    );
    let empty = common::TempDir::new("exit-3");
    let run = common::run(&["check", empty.0.to_str().unwrap()]);
    assert_eq!(run.code, 3);
    assert_eq!(last_line(&run), "exit 3: no input files found");
}

#[test]
fn human_and_concise_list_the_most_severe_first() {
    let order = ["critical", "high", "medium", "low", "info"];
    let rank = |severity: &str| order.iter().position(|known| *known == severity);
    let run = common::run(&["check", "--format", "concise", "fixtures/demo"]);
    let ranks: Vec<usize> = run
        .stdout
        .lines()
        .take_while(|line| !line.is_empty())
        .map(|line| {
            let after = line.split(": ").nth(1).unwrap_or_default();
            rank(after.split(' ').next().unwrap_or_default()).expect("a severity")
        })
        .collect();
    assert!(ranks.len() > 20, "{}", run.stdout);
    assert!(ranks.is_sorted(), "{}", run.stdout);
    let human = common::run(&["check", "fixtures/demo"]);
    let ranks: Vec<usize> = human
        .stdout
        .lines()
        .filter_map(|line| {
            let tag = line.trim_start().split_once(' ')?.1.strip_prefix('[')?;
            rank(tag.split([']', ',']).next()?)
        })
        .collect();
    assert!(ranks.len() > 20 && ranks.is_sorted(), "{}", human.stdout);
}

#[test]
fn concise_prints_one_line_per_finding_and_load_error() {
    // (One rule that finds nothing here: the snapshot is about the load errors.)
    let run = common::run(&[
        "check",
        "--format",
        "concise",
        "--select",
        "serviceid-unlocked",
        "fixtures/partial/many-bad-items.min.json",
    ]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!(run.stdout);
    // With -v every item error is listed, the first one first.
    let run = common::run(&[
        "check",
        "--format",
        "concise",
        "-v",
        "fixtures/partial/many-bad-items.min.json",
    ]);
    let columns: Vec<usize> = run
        .stdout
        .lines()
        .filter(|line| line.contains(": error load-error "))
        .map(|line| line.split(':').nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(columns.len(), 25);
    assert!(columns.is_sorted(), "{columns:?}");
    assert!(!run.stdout.contains("more item errors"));
}

#[test]
fn a_partly_loaded_file_says_so() {
    let file = "fixtures/invalid/partly-loaded-policies.json";
    let run = common::run(&["check", file]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains(&format!(
            "  {file}: loaded 25 of 26 policies; 1 item skipped\n"
        )),
        "{}",
        run.stdout
    );
    let run = common::run(&["check", "--format", "json", file]);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        output["summary"]["partial"],
        serde_json::json!([{
            "file": file,
            "skipped": 1,
            "lists": [{"list": "/policies", "items": "policies", "loaded": 25, "total": 26}],
        }])
    );
    assert_eq!(output["errors"][0]["pointer"], "/policies/11/roles");
    assert_eq!(output["summary"]["resources"]["policy"], 25);
    // A file that loads whole has no `partial`.
    let run = common::run(&["check", "--format", "json", TRIAGE[2]]);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(output["summary"].get("partial").is_none());
}
