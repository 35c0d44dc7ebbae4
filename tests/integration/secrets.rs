//! Canary tests: secret values in the inputs, and in live mode the API key, the IAM tokens
//! and credential secrets, never appear in any output (every `check --format`, the GitHub
//! job summary, both `report` formats), error message or snapshot file.

use std::path::Path;

use crate::common;
use crate::live::account::Account;
use crate::live::emulator::{API_KEY, Action, Emulator};
use crate::live::live_env;

const CANARY: &str = "CANARY";

const FORMATS: [&str; 8] = [
    "human", "json", "sarif", "github", "junit", "markdown", "csv", "html",
];

#[test]
fn secrets_never_reach_any_output() {
    let summary = std::env::temp_dir().join(format!("iamlint-canary-{}.md", std::process::id()));
    let summary_path = summary.to_str().unwrap();
    let mut runs = Vec::new();
    for format in FORMATS {
        for extra in [&[][..], &["--show-passed"][..]] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(extra);
            args.push("fixtures/secrets");
            runs.push((
                format,
                common::run_with(&args, &[("GITHUB_STEP_SUMMARY", summary_path)]),
            ));
        }
        runs.push((
            format,
            common::run(&[
                "check",
                "--format",
                format,
                "-v",
                "fixtures/secrets/broken-key.json",
            ]),
        ));
    }
    // Terraform plans and states print sensitive values in clear: none may come through, in
    // any mode and any format.
    for format in FORMATS {
        for args in [
            &["check", "fixtures/terraform"][..],
            &["check", "--new-only", "fixtures/terraform"],
            &["check", "-v", "fixtures/rules/credentials-exposed"],
            &["check", "fixtures/rules/key-api-created-duplicate"],
            &[
                "diff",
                "fixtures/terraform/merge/exports",
                "fixtures/terraform/merge",
            ],
        ] {
            let mut args = args.to_vec();
            args.splice(1..1, ["--format", format]);
            runs.push((format, common::run(&args)));
        }
    }
    for format in ["html", "markdown"] {
        runs.push((
            format,
            common::run(&["report", "--format", format, "fixtures/secrets"]),
        ));
    }
    for (format, run) in &runs {
        assert!(!run.stdout.is_empty(), "{format} printed nothing");
        assert!(
            !run.stdout.contains(CANARY),
            "{format}: stdout leaks a secret:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(CANARY),
            "{format}: stderr leaks a secret:\n{}",
            run.stderr
        );
    }
    let written = std::fs::read_to_string(&summary).unwrap_or_default();
    let _ = std::fs::remove_file(&summary);
    assert!(
        !written.is_empty(),
        "the github format wrote no job summary"
    );
    assert!(!written.contains(CANARY), "the job summary leaks a secret");
    // The snippets did render around the secrets, masked.
    assert!(
        runs[0].1.stdout.contains("<redacted>"),
        "{}",
        runs[0].1.stdout
    );
    let sarif = &runs
        .iter()
        .find(|(format, _)| *format == "sarif")
        .unwrap()
        .1;
    assert!(
        sarif.stdout.contains("snippet"),
        "SARIF snippets are cut from the masked text and must be checked here too"
    );
}

/// Every byte under `dir`.
fn all_files(dir: &Path) -> String {
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            text.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).expect("a snapshot file reads"),
            ));
        }
    }
    text
}

#[test]
fn the_api_key_tokens_and_credential_secrets_never_leak() {
    let emulator = Emulator::start(Account::demo().with_canary_secrets());
    emulator.set(|state| state.echo_key = true);
    // A 401 mid-run makes a second token, and a failure puts a URL in a message.
    emulator.fault("/v2/policies", 1, 1, Action::ExpireTokens);
    emulator.fault("/v1/accounts/", 0, usize::MAX, Action::Status(500, None));
    let url = emulator.url();
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (at, format) in ["human", "json"].iter().enumerate() {
        let out = dir.path().join(format!("check-{at}"));
        runs.push(common::run_with_env(
            &[
                "check",
                "--live",
                "--out",
                out.to_str().unwrap(),
                "--format",
                format,
                "-v",
            ],
            &live_env(&url, API_KEY),
        ));
    }
    let out = dir.path().join("collect");
    runs.push(common::run_with_env(
        &["collect", "--out", out.to_str().unwrap()],
        &live_env(&url, API_KEY),
    ));
    // A wrong key that the server quotes back in its error message.
    runs.push(common::run_with_env(
        &[
            "collect",
            "--out",
            dir.path().join("wrong").to_str().unwrap(),
        ],
        &live_env(&url, "CANARY-WRONG-KEY-99887766"),
    ));
    assert!(emulator.tokens_issued() >= 4);
    for run in &runs {
        assert!(!run.stdout.is_empty() || !run.stderr.is_empty());
        assert!(
            !run.stdout.contains("CANARY"),
            "stdout leaks a secret:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains("CANARY"),
            "stderr leaks a secret:\n{}",
            run.stderr
        );
    }
    assert!(
        runs[3]
            .stderr
            .contains("BXNIM0415E: Provided API key <redacted> could not be found")
    );
    let files = all_files(dir.path());
    assert!(
        files.contains("resource_keys"),
        "the snapshots were written"
    );
    assert!(!files.contains("CANARY"), "a snapshot file leaks a secret");
}

#[test]
fn terraform_fixtures_hold_canaries_and_snapshots_do_not() {
    // The canaries are really there to be leaked...
    for file in [
        "fixtures/terraform/state-applied.json",
        "fixtures/terraform/plan-fixes-prior.json",
        "fixtures/rules/credentials-exposed/bad-plan-api-key.yaml",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(CANARY), "{file} has no canary");
    }
    // ...and no committed snapshot shows one.
    for entry in std::fs::read_dir("tests/integration/snapshots").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(CANARY), "{} leaks a secret", path.display());
    }
}
