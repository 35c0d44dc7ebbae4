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
