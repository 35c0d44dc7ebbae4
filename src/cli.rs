//! Command-line interface: clap arguments -> a validated run -> the text to print and the
//! exit code. Nothing here prints; `main.rs` writes what `run` returns.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, Selection};
use crate::report::{self, RunReport, human};
use crate::rules::{self, Settings, Severity, lookup};
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
    /// List every rule: id, severity, category and title.
    Rules(RulesArgs),
    /// Print a rule's documentation: rationale, fix, parameters and examples.
    Explain(ExplainArgs),
    /// Print a JSON Schema (`config`: the schema of iamlint.yaml, for editors and CI).
    Schema(SchemaArgs),
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

    /// Read this config file instead of the nearest iamlint.yaml in the current directory
    /// or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no config file: every rule runs with its defaults.
    #[arg(long)]
    pub no_config: bool,

    /// Run only this rule (repeatable or comma-separated); overrides the config file.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run this rule (repeatable or comma-separated); overrides the config file.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format: an aligned table, or a JSON array of the rules.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule id (`iamlint rules` lists them).
    #[arg(value_name = "RULE")]
    pub id: String,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum, value_name = "WHAT")]
    pub what: SchemaKind,
}

/// The formats of listings (`iamlint rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The config file, iamlint.yaml.
    Config,
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
        Command::Rules(args) => Outcome {
            stdout: match args.format {
                ListFormat::Human => report::catalog::render_table(),
                ListFormat::Json => report::catalog::render_json(),
            },
            ..Outcome::default()
        },
        Command::Explain(args) => explain(&args, terminal),
        Command::Schema(args) => match args.what {
            SchemaKind::Config => Outcome {
                stdout: format!(
                    "{}\n",
                    serde_json::to_string_pretty(&config::schema::config_schema())
                        .unwrap_or_default()
                ),
                ..Outcome::default()
            },
        },
    }
}

fn explain(args: &ExplainArgs, terminal: Terminal) -> Outcome {
    match lookup::find(&args.id) {
        Ok(meta) => Outcome {
            stdout: report::explain::render(meta, terminal.width),
            ..Outcome::default()
        },
        Err(suggestion) => Outcome {
            stderr: format!(
                "error: unknown rule `{}`{}\n  help: `iamlint rules` lists every rule\n",
                args.id,
                lookup::did_you_mean(suggestion)
            ),
            code: exit::ERROR,
            ..Outcome::default()
        },
    }
}

/// The engine settings for a check: the config file (named, found, or none), then
/// `--select`/`--ignore` over it. `Err` is the outcome to exit with (code 2).
fn settings_for(args: &CheckArgs, style: human::Style) -> Result<(Settings, String), Outcome> {
    let usage_error = |stderr: String| Outcome {
        stderr,
        code: exit::ERROR,
        ..Outcome::default()
    };
    let file = if args.no_config {
        None
    } else if let Some(path) = &args.config {
        Some((path.clone(), path.display().to_string()))
    } else {
        std::env::current_dir().ok().and_then(|current| {
            config::discover(&current).map(|found| {
                // Name a file found below the current directory relative to it.
                let name = found
                    .strip_prefix(&current)
                    .unwrap_or(&found)
                    .display()
                    .to_string();
                (found, name)
            })
        })
    };
    let mut note = String::new();
    let config = match &file {
        Some((path, name)) => {
            if args.verbose {
                note = format!("using config file {name}\n");
            }
            config::load(path, name)
                .map_err(|errors| usage_error(report::config::render(&errors, style)))?
        }
        None => Config::default(),
    };
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let settings = config.settings(&selection).map_err(|messages| {
        usage_error(
            messages
                .iter()
                .map(|message| format!("error: {message}\n"))
                .collect(),
        )
    })?;
    Ok((settings, note))
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

/// `settings` measuring ages against the current time. The clock is read here, and only
/// here: rules stay pure.
fn clocked(settings: Settings) -> Settings {
    Settings {
        now: Some(crate::model::Timestamp::now()),
        ..settings
    }
}

fn check(args: &CheckArgs, terminal: Terminal) -> Outcome {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal.stdout_is_tty && !terminal.no_color,
    };
    let style = human::Style {
        color,
        width: terminal.width,
        verbose: args.verbose,
    };
    let (settings, config_note) = match settings_for(args, style) {
        Ok(resolved) => resolved,
        Err(outcome) => return outcome,
    };
    let options = LoadOptions {
        exclude: args.exclude.clone(),
    };
    let Checked { loaded, findings } = match check_paths(&args.paths, &options, &clocked(settings))
    {
        Ok(checked) => checked,
        Err(usage) => {
            return Outcome {
                stderr: format!("error: {usage}\n"),
                code: exit::ERROR,
                ..Outcome::default()
            };
        }
    };
    let report = RunReport {
        loaded: &loaded,
        findings: &findings,
    };
    let stdout = match args.format {
        OutputFormat::Human => human::render(&report, style),
        OutputFormat::Json => report::json::render(&report),
    };
    let recognised = loaded.files - loaded.skipped.len();
    let code = if !loaded.errors.is_empty() {
        exit::ERROR
    } else if recognised == 0 {
        exit::NO_INPUT
    } else if findings
        .iter()
        .any(|finding| finding.severity >= args.fail_on && finding.severity > Severity::Info)
    {
        exit::FINDINGS
    } else {
        exit::CLEAN
    };
    let mut stderr = config_note;
    if code == exit::NO_INPUT && args.format == OutputFormat::Human {
        stderr.push_str(
            "error: no input files found: expected .json, .yml or .yaml IAM exports under the given paths\n",
        );
    }
    Outcome {
        stdout,
        stderr,
        code,
    }
}
