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

/// Runs the built `iamlint` binary with a scrubbed environment.
pub(crate) fn run(args: &[&str]) -> Run {
    run_with_env(args, &[])
}

/// Variables that would let a test reach a real account or change its output.
const SCRUBBED: &[&str] = &[
    "CLICOLOR_FORCE",
    "COLUMNS",
    "IBMCLOUD_API_KEY",
    "IAMLINT_IAM_ENDPOINT",
    "IAMLINT_RESOURCE_CONTROLLER_ENDPOINT",
    "IAMLINT_TIMEOUT",
    "IAMLINT_MAX_ATTEMPTS",
    "IAMLINT_RETRY_DELAY_MS",
];

/// Runs the built binary with a scrubbed environment plus `env`.
pub(crate) fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.args(args).env("NO_COLOR", "1");
    for name in SCRUBBED {
        command.env_remove(name);
    }
    for (name, value) in env {
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
