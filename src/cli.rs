//! Command-line interface: clap arguments -> a validated run -> the text to print and the
//! exit code. Nothing here prints; `main.rs` writes what `run` returns.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod compare;

pub use compare::check_new_only;

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
    /// Report the findings of NEW that OLD does not have (two snapshots, exports, states or
    /// plans), compared by fingerprint.
    Diff(DiffArgs),
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

    /// Report only the findings a Terraform plan introduces: present after apply and absent
    /// from the plan's prior state (exports checked with it count on both sides).
    #[arg(long)]
    pub new_only: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier snapshot: a file or a directory.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later snapshot: a file or a directory.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Exit with 1 when a new finding has this severity or higher (info never fails).
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
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
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
        Command::Diff(args) => compare::diff(&args, terminal),
    }
}

/// The result of checking inputs: what was loaded and what the rules found.
#[derive(Debug)]
pub struct Checked {
    pub loaded: sources::Loaded,
    /// Ordered by file, line, column, then rule.
    pub findings: Vec<rules::Finding>,
}

/// Loads the inputs and runs the rules: the whole pipeline short of rendering.
pub fn check_paths(
    paths: &[PathBuf],
    options: &LoadOptions,
    settings: &Settings,
) -> Result<Checked, String> {
    let loaded = sources::load(paths, options)?;
    let mut findings = rules::run(&loaded.inventory, settings);
    report::order(&mut findings, &loaded.documents);
    Ok(Checked { loaded, findings })
}

fn check(args: &CheckArgs, terminal: Terminal) -> Outcome {
    let options = LoadOptions {
        exclude: args.exclude.clone(),
        ..LoadOptions::default()
    };
    let checked = if args.new_only {
        compare::check_new_only(&args.paths, &options, &Settings::default())
    } else {
        check_paths(&args.paths, &options, &Settings::default()).map(|checked| (checked, None))
    };
    let (checked, comparison) = match checked {
        Ok(checked) => checked,
        Err(usage) => {
            return Outcome {
                stderr: format!("error: {usage}\n"),
                code: exit::ERROR,
                ..Outcome::default()
            };
        }
    };
    let mut outcome = finish(
        &checked,
        comparison.as_ref(),
        &Output {
            format: args.format,
            fail_on: args.fail_on,
            color: args.color,
            verbose: args.verbose,
        },
        terminal,
    );
    if args.new_only && checked.loaded.terraform_plans == 0 {
        outcome.stderr.push_str(
            "warning: --new-only compares Terraform plans with their prior state, and no plan \
             was among the inputs: no finding is new\n",
        );
    }
    outcome
}

/// How to print a run and when it fails.
struct Output {
    format: OutputFormat,
    fail_on: Severity,
    color: ColorChoice,
    verbose: bool,
}

/// Renders a run and decides the exit code.
fn finish(
    checked: &Checked,
    comparison: Option<&report::Comparison>,
    output: &Output,
    terminal: Terminal,
) -> Outcome {
    let Checked { loaded, findings } = checked;
    let report = RunReport { loaded, findings };
    let stdout = match output.format {
        OutputFormat::Human => {
            let color = match output.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal.stdout_is_tty && !terminal.no_color,
            };
            human::render_compared(
                &report,
                human::Style {
                    color,
                    width: terminal.width,
                    verbose: output.verbose,
                },
                comparison,
            )
        }
        OutputFormat::Json => report::json::render_compared(&report, comparison),
    };
    let recognised = loaded.files - loaded.skipped.len();
    let code = if !loaded.errors.is_empty() {
        exit::ERROR
    } else if recognised == 0 {
        exit::NO_INPUT
    } else if findings
        .iter()
        .any(|finding| finding.severity >= output.fail_on && finding.severity > Severity::Info)
    {
        exit::FINDINGS
    } else {
        exit::CLEAN
    };
    let stderr = if code == exit::NO_INPUT && output.format == OutputFormat::Human {
        "error: no input files found: expected .json, .yml or .yaml IAM exports under the given paths\n"
            .to_owned()
    } else {
        String::new()
    };
    Outcome {
        stdout,
        stderr,
        code,
    }
}
