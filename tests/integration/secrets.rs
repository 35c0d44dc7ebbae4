//! Canary test: secret values in the inputs never appear in any output or error message.

use crate::common;

const CANARY: &str = "CANARY";

#[test]
fn secrets_never_reach_any_output() {
    let mut runs = Vec::new();
    for format in ["human", "json"] {
        runs.push(common::run(&[
            "check",
            "--format",
            format,
            "fixtures/secrets",
        ]));
        runs.push(common::run(&[
            "check",
            "--format",
            format,
            "-v",
            "fixtures/secrets/broken-key.json",
        ]));
    }
    // Terraform plans and states print sensitive values in clear: none may come through, in
    // any mode.
    for format in ["human", "json"] {
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
            runs.push(common::run(&args));
        }
    }
    for run in &runs {
        assert!(!run.stdout.is_empty());
        assert!(
            !run.stdout.contains(CANARY),
            "stdout leaks a secret:\n{}",
            run.stdout
        );
        assert!(
            !run.stderr.contains(CANARY),
            "stderr leaks a secret:\n{}",
            run.stderr
        );
    }
    // The snippets did render around the secrets, masked.
    assert!(runs[0].stdout.contains("<redacted>"), "{}", runs[0].stdout);
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
