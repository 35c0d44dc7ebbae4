//! Command-line interface: clap arguments -> a validated run -> the text to print and the
//! exit code. Nothing here prints; `main.rs` writes what `run` returns. Files named by the
//! user (`--output`, the GitHub job summary, man pages) are written here, in `cli::write`.

mod extras;
mod facts;
mod outputs;
mod write;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::{self, RunReport, human};
use crate::rules::{self, Settings, Severity};
use crate::sources::{self, LoadOptions};

/// Exit codes. A CI gate can rely on them.
pub mod exit {
    /// No finding at or above `--fail-on`.
    pub const CLEAN: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// A usage error, or an input that could not be loaded.
    pub const ERROR: u8 = 2;
    /// No input files were found.
    pub const NO_INPUT: u8 = 3;
}

/// Audit IBM Cloud IAM: service keys, the service IDs behind them, and their access policies.
#[derive(Debug, Parser)]
#[command(name = "iamlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check exported inventories (files or directories) against the rules.
    Check(CheckArgs),
    /// Write a compliance report (HTML or Markdown) of exported inventories.
    Report(ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    Completions(extras::CompletionsArgs),
    /// Print the man page, or write one per command into a directory.
    Man(extras::ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check. Directories are walked for .json, .yml and .yaml files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Exit with 1 when a finding has this severity or higher (info never fails).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,

    /// Leave paths matching this glob out of directory walks (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Name the files that were skipped because their shape is not an IAM export.
    #[arg(long, short)]
    pub verbose: bool,

    /// When to use colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Write the output to this file (replaced atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Show only findings of this severity or higher; --fail-on still sees them all.
    #[arg(long, value_name = "SEVERITY", default_value = "info", value_parser = parse_severity)]
    pub min_severity: Severity,

    /// Exit 0 even when findings reach --fail-on (load and usage errors still exit 2 or 3).
    #[arg(long)]
    pub no_exit_codes: bool,

    /// JUnit: also list every resource each rule evaluated and found fine.
    #[arg(long)]
    pub show_passed: bool,

    /// Repository root that file names in SARIF, GitHub, JUnit, Markdown and CSV output are
    /// relative to.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub sarif_root: PathBuf,

    /// Markdown/GitHub summary: link locations to `<URL>/<file>#L<line>` (default: from the
    /// GitHub Actions or GitLab CI environment, when set).
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,

    /// GitHub format: append the job summary (Markdown) to this file.
    #[arg(
        long,
        value_name = "FILE",
        env = "GITHUB_STEP_SUMMARY",
        hide_env_values = true
    )]
    pub github_step_summary: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Files or directories to report on. Directories are walked for .json, .yml and .yaml
    /// files; a live-mode `snapshot.json` among them dates the report.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,

    /// Write the report to this file (replaced atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave paths matching this glob out of directory walks (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    // SARIF 2.1.0 for GitHub code scanning. (Plain comments, not doc comments, on these
    // variants: doc comments would switch `--help` to its long layout.)
    Sarif,
    // GitHub Actions annotations, plus the job summary.
    Github,
    // JUnit XML for GitLab and Jenkins.
    Junit,
    // A pull-request comment.
    Markdown,
    // One row per finding.
    Csv,
    // The compliance report, as `iamlint report --format html`.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What the terminal looks like, decided by `main.rs` (the only place that knows).
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub stdout_is_tty: bool,
    pub no_color: bool,
    pub width: usize,
}

/// What to print and how to exit.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Runs a parsed command line.
pub fn run(cli: Cli, terminal: Terminal) -> Outcome {
    match cli.command {
        Command::Check(args) => check(&args, terminal),
        Command::Report(args) => outputs::report(&args),
        Command::Completions(args) => extras::completions(&args),
        Command::Man(args) => extras::man(&args),
    }
}

/// The result of checking inputs: what was loaded and what the rules found.
#[derive(Debug)]
pub struct Checked {
    pub loaded: sources::Loaded,
    /// Ordered by file, line, column, then rule.
    pub findings: Vec<rules::Finding>,
    /// What each rule evaluated (see `RuleContext::evaluated`).
    pub evaluated: Vec<rules::Evaluated>,
}

/// Loads the inputs and runs the rules: the whole pipeline short of rendering.
pub fn check_paths(
    paths: &[PathBuf],
    options: &LoadOptions,
    settings: &Settings,
) -> Result<Checked, String> {
    let loaded = sources::load(paths, options)?;
    let rules::Evaluation {
        mut findings,
        evaluated,
    } = rules::evaluate(&loaded.inventory, settings);
    report::order(&mut findings, &loaded.documents);
    Ok(Checked {
        loaded,
        findings,
        evaluated,
    })
}

fn check(args: &CheckArgs, terminal: Terminal) -> Outcome {
    let options = LoadOptions {
        exclude: args.exclude.clone(),
    };
    let Checked {
        loaded,
        findings,
        evaluated,
    } = match check_paths(&args.paths, &options, &Settings::default()) {
        Ok(checked) => checked,
        Err(usage) => return usage_error(&usage),
    };
    // --fail-on sees every finding; --min-severity only decides what is shown.
    let failing = findings
        .iter()
        .any(|finding| finding.severity >= args.fail_on && finding.severity > Severity::Info);
    let (shown, hidden): (Vec<rules::Finding>, Vec<rules::Finding>) = findings
        .into_iter()
        .partition(|finding| finding.severity >= args.min_severity);
    // A subject whose findings are hidden is neither shown failing nor listed as a pass.
    let hidden_subjects: std::collections::HashSet<_> = hidden
        .iter()
        .map(|finding| {
            (
                finding.rule,
                finding.subject.kind,
                finding.subject.id.as_str(),
            )
        })
        .collect();
    let evaluated: Vec<rules::Evaluated> = evaluated
        .into_iter()
        .filter(|item| {
            !hidden_subjects.contains(&(item.rule, item.subject.kind, item.subject.id.as_str()))
        })
        .collect();
    let report = RunReport {
        loaded: &loaded,
        findings: &shown,
    };
    let rendered = match args.format {
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    args.output.is_none() && terminal.stdout_is_tty && !terminal.no_color
                }
            };
            outputs::Rendered::text(human::render(
                &report,
                human::Style {
                    color,
                    width: terminal.width,
                    verbose: args.verbose,
                },
            ))
        }
        OutputFormat::Json => outputs::Rendered::text(report::json::render(&report)),
        _ => match outputs::render_check(args, &report, &evaluated) {
            Ok(rendered) => rendered,
            Err(usage) => return usage_error(&usage),
        },
    };
    let recognised = loaded.files - loaded.skipped.len();
    let code = if !loaded.errors.is_empty() {
        exit::ERROR
    } else if recognised == 0 {
        exit::NO_INPUT
    } else if failing && !args.no_exit_codes {
        exit::FINDINGS
    } else {
        exit::CLEAN
    };
    let mut stderr = if code == exit::NO_INPUT {
        "error: no input files found: expected .json, .yml or .yaml IAM exports under the given paths\n"
            .to_owned()
    } else {
        String::new()
    };
    if !hidden.is_empty() {
        stderr.push_str(&format!(
            "note: {} finding{} below --min-severity {} not shown\n",
            hidden.len(),
            if hidden.len() == 1 { "" } else { "s" },
            args.min_severity
        ));
    }
    let mut outcome = Outcome {
        stdout: String::new(),
        stderr,
        code,
    };
    outputs::deliver(
        rendered,
        args.output.as_deref(),
        args.github_step_summary.as_deref(),
        &mut outcome,
    );
    outcome
}

fn usage_error(message: &str) -> Outcome {
    Outcome {
        stderr: format!("error: {message}\n"),
        code: exit::ERROR,
        ..Outcome::default()
    }
}
