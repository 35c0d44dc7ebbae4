//! CI behaviour through the binary: --fail-on (exit code) and --min-severity (what is
//! shown) are independent, --no-exit-codes, --output, the GitHub job summary, the `report`
//! command, completions and man pages.

use std::path::PathBuf;

use crate::common;

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("iamlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("test setup");
        Self(path)
    }

    fn join(&self, name: &str) -> String {
        self.0.join(name).to_str().expect("test setup").to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn json_findings(stdout: &str) -> Vec<serde_json::Value> {
    let output: serde_json::Value = serde_json::from_str(stdout).expect("test setup");
    output["findings"].as_array().expect("test setup").clone()
}

#[test]
fn min_severity_hides_and_fail_on_still_sees_everything() {
    let all = common::run(&["check", "--format", "json", "fixtures/demo"]);
    let high = common::run(&[
        "check",
        "--format",
        "json",
        "--min-severity",
        "high",
        "fixtures/demo",
    ]);
    let all_findings = json_findings(&all.stdout);
    let high_findings = json_findings(&high.stdout);
    assert!(high_findings.len() < all_findings.len());
    assert!(
        high_findings
            .iter()
            .all(|finding| finding["severity"] == "high")
    );
    assert!(
        high.stderr.contains("below --min-severity high not shown"),
        "{}",
        high.stderr
    );
    // Only medium and info findings are hidden, but a medium one still fails the run.
    let medium_gate = common::run(&[
        "check",
        "--format",
        "json",
        "--min-severity",
        "critical",
        "--fail-on",
        "medium",
        "fixtures/demo",
    ]);
    assert_eq!(json_findings(&medium_gate.stdout).len(), 0);
    assert_eq!(medium_gate.code, 1, "--fail-on sees hidden findings");
    // And showing everything does not make a high gate fail on lower findings.
    let critical_gate = common::run(&["check", "--fail-on", "critical", "fixtures/demo"]);
    assert_eq!(critical_gate.code, 0);
}

#[test]
fn no_exit_codes_turns_findings_into_success_but_not_errors() {
    let run = common::run(&[
        "check",
        "--format",
        "sarif",
        "--no-exit-codes",
        "fixtures/demo",
    ]);
    assert_eq!(run.code, 0);
    let broken = common::run(&[
        "check",
        "--no-exit-codes",
        "fixtures/demo",
        "fixtures/invalid/truncated.json",
    ]);
    assert_eq!(broken.code, 2, "a load error is not a finding");
    let empty = TempDir::new("no-exit-codes-empty");
    assert_eq!(
        common::run(&["check", "--no-exit-codes", &empty.join("")]).code,
        3
    );
}

#[test]
fn every_format_renders_the_demo() {
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown", "csv", "html",
    ] {
        let run = common::run(&["check", "--format", format, "fixtures/demo"]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("at-siem-reader"),
            "{format} lacks a finding"
        );
    }
}

#[test]
fn output_writes_the_file_and_nothing_to_stdout() {
    let dir = TempDir::new("output");
    let target = dir.join("out.sarif");
    std::fs::write(&target, "old contents").unwrap();
    let run = common::run(&["check", "--format", "sarif", "-o", &target, "fixtures/demo"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.starts_with('{') && written.contains("\"version\": \"2.1.0\""));
    // Atomic: no temporary file left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name != "out.sarif")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let missing = common::run(&[
        "check",
        "-o",
        &dir.join("no/such/dir/out.txt"),
        "fixtures/demo",
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot write"),
        "{}",
        missing.stderr
    );
}

#[test]
fn github_format_appends_the_job_summary() {
    let dir = TempDir::new("summary");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let run = common::run_with(
        &["check", "--format", "github", "fixtures/demo"],
        &[
            ("GITHUB_STEP_SUMMARY", &summary),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "example/infra"),
            ("GITHUB_SHA", "0123abc"),
        ],
    );
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("::error file=fixtures/demo/"))
    );
    assert!(lines.iter().any(|line| line.starts_with("::warning ")));
    assert!(lines.iter().any(|line| line.starts_with("::notice ")));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n### iamlint"),
        "{written}"
    );
    assert!(written.contains(
        "(https://github.com/example/infra/blob/0123abc/fixtures/demo/service_keys_cli.json#L25)"
    ));
}

#[test]
fn repo_root_makes_names_relative_to_it() {
    // `--sarif-root` is the option's former name, kept as an alias.
    for option in ["--repo-root", "--sarif-root"] {
        let run = common::run(&[
            "check",
            "--format",
            "csv",
            option,
            "fixtures",
            "fixtures/demo",
        ]);
        assert!(
            run.stdout.contains(",demo/service_keys_cli.json,25,"),
            "{option}: {}",
            run.stdout
        );
    }
    let missing = common::run(&[
        "check",
        "--format",
        "sarif",
        "--repo-root",
        "no/such",
        "fixtures/demo",
    ]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("--repo-root"));
}

#[test]
fn report_writes_a_self_contained_page() {
    let dir = TempDir::new("report");
    let page = dir.join("report.html");
    let run = common::run_with(
        &["report", "--output", &page, "fixtures/demo"],
        &[("SOURCE_DATE_EPOCH", "1767225600")],
    );
    assert_eq!(run.code, 0, "findings do not fail a report: {}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("generated 2026-01-01T00:00:00Z"));
    // Self-contained: one inline script (the table's filters), no external scripts,
    // stylesheets, images or fonts, nothing fetched.
    for forbidden in [
        "<link",
        "<img",
        "@import",
        "url(",
        "src=",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!html.contains(forbidden), "the page has {forbidden}");
    }
    assert_eq!(html.matches("<script>").count(), 1);
    // Failures are counts, not slivers of proportional bars.
    assert!(!html.contains("<svg"), "no proportional bars");
    for control in 1..=19 {
        assert!(
            html.contains(&format!("<strong>1.{control}</strong>")),
            "CIS 1.{control}"
        );
    }
    let markdown = common::run(&["report", "--format", "markdown", "fixtures/demo"]);
    assert_eq!(markdown.code, 0);
    assert!(
        markdown
            .stdout
            .starts_with("# IBM Cloud IAM compliance report")
    );
    let broken = common::run(&["report", "fixtures/demo", "fixtures/invalid/truncated.json"]);
    assert_eq!(broken.code, 2);
    assert!(broken.stdout.contains("Input problems"));
    assert!(
        broken.stdout.contains(
            "<strong>This report is incomplete:</strong> 1 file could not be read (<code>"
        )
    );
}

#[test]
fn report_reads_a_live_mode_snapshot() {
    let dir = TempDir::new("snapshot");
    std::fs::copy(
        "fixtures/demo/service_keys_cli.json",
        dir.0.join("service_keys_cli.json"),
    )
    .unwrap();
    std::fs::write(
        dir.0.join("snapshot.json"),
        r#"{"tool": "iamlint 0.1.0", "account_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "collected_at": "2026-03-04T05:06:07Z"}"#,
    )
    .unwrap();
    let run = common::run(&["report", "--format", "markdown", &dir.join("")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("snapshot taken 2026-03-04T05:06:07Z"),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_and_man_pages_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let run = common::run(&["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("iamlint"), "{shell}");
        assert!(
            run.stdout.contains("min-severity"),
            "{shell} lacks check's options"
        );
    }
    let man = common::run(&["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH iamlint"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    let dir = TempDir::new("man");
    let run = common::run(&["man", "--out-dir", &dir.join("")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in ["iamlint.1", "iamlint-check.1", "iamlint-report.1"] {
        assert!(dir.0.join(page).exists(), "{page} missing");
    }
}

#[test]
fn json_and_sarif_to_standard_output_are_what_is_written_to_a_file() {
    // To standard output JSON and SARIF are rendered as they are written (cli::Stream); with
    // --output they are rendered whole first. Both are the same bytes, and the same exit code.
    let dir = TempDir::new("json-stream");
    let file = dir.join("findings.out");
    for format in ["json", "sarif"] {
        for inputs in ["fixtures/demo", "fixtures/accounts", "fixtures/hostile"] {
            let streamed = common::run(&["check", "--no-config", "--format", format, inputs]);
            let written = common::run(&[
                "check",
                "--no-config",
                "--format",
                format,
                "--output",
                &file,
                inputs,
            ]);
            assert_eq!(streamed.code, written.code, "{format} {inputs}");
            assert!(
                written.stdout.is_empty(),
                "{format} {inputs}: {}",
                written.stdout
            );
            let text = std::fs::read_to_string(&file).unwrap();
            assert_eq!(streamed.stdout, text, "{format} {inputs}");
            let parsed: serde_json::Value = serde_json::from_str(&streamed.stdout).unwrap();
            assert!(parsed.is_object(), "{format} {inputs}");
        }
    }
}
