//! Test harness: run the pipeline in-process or through the built binary, with stable
//! output (no colour, fixed width, paths relative to the package root).

use std::path::{Path, PathBuf};
use std::process::Command;

use iamlint::pipeline::{self, Checked, Request};
use iamlint::report::{RunReport, human, json};
use iamlint::rules::Settings;
use iamlint::sources::LoadOptions;

/// The fixed "now" of in-process checks, so that key ages (and their snapshots) do not
/// change from one day to the next. Keys in fixtures dated after 2025-04-01 are younger than
/// 90 days at this instant.
pub(crate) const NOW: &str = "2025-06-30T12:00:00Z";

/// Checks `paths` (relative to the package root, where cargo runs tests) in-process, at the
/// fixed time [`NOW`] unless `settings` names another.
pub(crate) fn check(paths: &[&str], settings: &Settings) -> Checked {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let settings = Settings {
        now: settings.now.or_else(|| NOW.parse().ok()),
        ..settings.clone()
    };
    pipeline::run(&Request::new(&paths, &LoadOptions::default(), &settings)).expect("valid options")
}

/// The human rendering, as a user would see it without colour at 100 columns.
pub(crate) fn human(checked: &Checked) -> String {
    let report = RunReport::new(&checked.loaded, &checked.findings);
    human::render(&report, human::Style::default())
}

pub(crate) fn json(checked: &Checked) -> String {
    let report = RunReport::new(&checked.loaded, &checked.findings);
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
    run_in(Path::new("."), args)
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
    "IAMLINT_USER_MANAGEMENT_ENDPOINT",
    "IAMLINT_ACCOUNT_ENDPOINT",
    "IAMLINT_ATRACKER_ENDPOINT",
    "IAMLINT_ATRACKER_REGION",
    "IAMLINT_REPORT_WAIT",
    "IAMLINT_REPORT_INTERVAL_MS",
];

/// Runs the built binary in `dir` (config discovery starts there), otherwise like [`run`].
pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_with_env(dir, args, &[])
}

/// Runs the built binary with a scrubbed environment plus `env`.
pub(crate) fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_in_with_env(Path::new("."), args, env)
}

/// [`run_with_env`] under the name the output-format tests use.
pub(crate) fn run_with(args: &[&str], vars: &[(&str, &str)]) -> Run {
    run_with_env(args, vars)
}

fn run_in_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.current_dir(dir).args(args).env("NO_COLOR", "1");
    for name in SCRUBBED.iter().chain(&SCRUBBED_ENV) {
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

/// A fresh, empty directory under the system temp dir for one test; removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("iamlint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The absolute path of a file or directory of the package (for runs in another directory).
pub(crate) fn absolute(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .display()
        .to_string()
}
