//! Test harness: run the pipeline in-process or through the built binary, with stable
//! output (no colour, fixed width, paths relative to the package root).

use std::path::PathBuf;
use std::process::Command;

use iamlint::cli::{Checked, check_paths};
use iamlint::report::{RunReport, human, json};
use iamlint::rules::Settings;
use iamlint::sources::LoadOptions;

/// Checks `paths` (relative to the package root, where cargo runs tests) in-process.
pub(crate) fn check(paths: &[&str], settings: &Settings) -> Checked {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    check_paths(&paths, &LoadOptions::default(), settings).expect("valid options")
}

/// The human rendering, as a user would see it without colour at 100 columns.
pub(crate) fn human(checked: &Checked) -> String {
    let report = RunReport {
        loaded: &checked.loaded,
        findings: &checked.findings,
    };
    human::render(&report, human::Style::default())
}

pub(crate) fn json(checked: &Checked) -> String {
    let report = RunReport {
        loaded: &checked.loaded,
        findings: &checked.findings,
    };
    json::render(&report)
}

/// What the binary printed and how it exited.
pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

/// CI variables that change iamlint's output (job summary file, link bases).
const SCRUBBED_ENV: [&str; 7] = [
    "GITHUB_STEP_SUMMARY",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "CI_PROJECT_URL",
    "CI_COMMIT_SHA",
    "SOURCE_DATE_EPOCH",
];

/// Runs the built `iamlint` binary with a scrubbed environment.
pub(crate) fn run(args: &[&str]) -> Run {
    run_with(args, &[])
}

/// Runs the built binary with a scrubbed environment plus `vars`.
pub(crate) fn run_with(args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1");
    for name in SCRUBBED_ENV {
        command.env_remove(name);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("the binary runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Every fixture file below `fixtures/` (sorted), for tests that walk them all.
pub(crate) fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new("fixtures")
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    files
}
