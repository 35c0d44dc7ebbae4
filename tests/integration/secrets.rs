//! Canary test: secret values in the inputs never appear in any output or error message,
//! in any format (every `check --format`, the GitHub job summary, both `report` formats).

use crate::common;

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
