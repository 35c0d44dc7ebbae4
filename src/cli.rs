//! Command-line interface: clap arguments -> a validated run -> the text to print and the
//! exit code. Nothing here prints; `main.rs` writes what `run` returns. Files named by the
//! user (`--output`, the GitHub job summary, man pages) are written here, in `cli::write`.

mod baseline;
mod extras;
mod facts;
mod outputs;
mod verdict;
mod write;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{self, Config, Selection};
mod compare;

pub use crate::pipeline::exit;

use crate::pipeline::{self, Checked, Request, Triaging};
use crate::report::{self, RunReport, human};
use crate::rules::{self, Settings, Severity, lookup};
use crate::sources::LoadOptions;
use crate::sources::api::{self, ClientOptions, CollectOptions, Collected, Endpoints, Secret};

/// Audit IBM Cloud IAM: service keys, the service IDs behind them, and their access policies.
#[derive(Debug, Parser)]
#[command(name = "iamlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// The command line is parsed once per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
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
    /// Collect a snapshot of an IBM Cloud account over its APIs into a directory, for
    /// `iamlint check DIR`.
    Collect(CollectArgs),
    /// Report the findings of NEW that OLD does not have (two snapshots, exports, states or
    /// plans), compared by fingerprint.
    Diff(DiffArgs),
    /// Write a compliance report (HTML or Markdown) of exported inventories.
    Report(ReportArgs),
    /// Record the current findings in a baseline file, for `check --baseline`.
    Baseline(baseline::BaselineArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    Completions(extras::CompletionsArgs),
    /// Print the man page, or write one per command into a directory.
    Man(extras::ManArgs),
}

/// The help headings of `check` (and of the options `diff` shares with it). Every option
/// names its heading: a flattened group's `next_help_heading` would otherwise run on into
/// the options declared after it.
mod heading {
    pub(super) const INPUTS: &str = "Inputs";
    pub(super) const RULES: &str = "Rules";
    pub(super) const OUTPUT: &str = "Output";
    pub(super) const GATE: &str = "Exit code and triage";
    pub(super) const LIVE: &str = "Live mode";
}

/// The end of `check --help`: examples, and what the exit codes mean.
const CHECK_AFTER_HELP: &str = "\
Examples:
  iamlint check exports/                           check a directory of exports
  iamlint check --format concise exports/          one line per finding
  iamlint check --fail-on high --min-severity medium exports/
  iamlint check --format sarif --no-exit-codes -o iamlint.sarif exports/
  iamlint check --baseline iamlint-baseline.json exports/
  iamlint check --new-only tfplan.json exports/    only what a Terraform plan adds
  iamlint check --live --out snapshot/             collect the account first (IBMCLOUD_API_KEY)

Exit codes:
  0  no finding at or above --fail-on (or --no-exit-codes)
  1  findings at or above --fail-on (waived and baselined ones never count)
  2  a usage or config error, or an input that could not be loaded (fully)
  3  no input files found
The last line of the human and concise output says which one applies, and why.";

#[derive(Debug, clap::Args)]
#[command(after_help = CHECK_AFTER_HELP)]
pub struct CheckArgs {
    /// Files or directories to check. Directories are walked for .json, .yml and .yaml files.
    #[arg(required_unless_present = "live", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Leave paths matching this glob out of directory walks (repeatable).
    #[arg(long, value_name = "GLOB", help_heading = heading::INPUTS)]
    pub exclude: Vec<String>,

    /// Read this config file instead of the nearest iamlint.yaml in the current directory
    /// or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config", help_heading = heading::RULES)]
    pub config: Option<PathBuf>,

    /// Read no config file: every rule runs with its defaults.
    #[arg(long, help_heading = heading::RULES)]
    pub no_config: bool,

    /// Run only this rule (repeatable or comma-separated); overrides the config file.
    #[arg(long, value_name = "RULE", value_delimiter = ',', help_heading = heading::RULES)]
    pub select: Vec<String>,

    /// Do not run this rule (repeatable or comma-separated); overrides the config file.
    #[arg(long, value_name = "RULE", value_delimiter = ',', help_heading = heading::RULES)]
    pub ignore: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, help_heading = heading::OUTPUT)]
    pub format: OutputFormat,

    /// Name the files that were skipped because their shape is not an IAM export, and list
    /// every item error of a partly loaded file.
    #[arg(long, short, help_heading = heading::OUTPUT)]
    pub verbose: bool,

    /// When to use colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = heading::OUTPUT)]
    pub color: ColorChoice,

    /// Exit with 1 when a finding has this severity or higher (info never fails).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity, help_heading = heading::GATE)]
    pub fail_on: Severity,

    #[command(flatten)]
    pub output: OutputOptions,

    /// Report only the findings a Terraform plan introduces: present after apply and absent
    /// from the plan's prior state (exports checked with it count on both sides).
    #[arg(long, help_heading = heading::GATE)]
    pub new_only: bool,

    /// Report only the findings not in this baseline (`iamlint baseline write`), count the
    /// others, and name the baseline entries that no longer occur.
    #[arg(long, value_name = "FILE", conflicts_with = "new_only", help_heading = heading::GATE)]
    pub baseline: Option<PathBuf>,

    /// Apply no waiver (from iamlint.yaml or inline comments): report every finding, for
    /// audits.
    #[arg(long, help_heading = heading::GATE)]
    pub no_waivers: bool,

    /// Collect the account over the IBM Cloud APIs first (as `iamlint collect`) and check
    /// the snapshot, with any PATHs.
    #[arg(long, help_heading = heading::LIVE)]
    pub live: bool,

    /// With --live: the snapshot directory (default: a new temporary directory, kept so
    /// that findings point at real files).
    #[arg(
        long,
        value_name = "DIR",
        requires = "live",
        help_heading = heading::LIVE
    )]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// Where and how findings are written, beyond the format (`check` and `diff`).
#[derive(Debug, clap::Args)]
pub struct OutputOptions {
    /// Write the output to this file (replaced atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE", help_heading = heading::OUTPUT)]
    pub output: Option<PathBuf>,

    /// Show only findings of this severity or higher; --fail-on still sees them all.
    #[arg(long, value_name = "SEVERITY", default_value = "info", value_parser = parse_severity, help_heading = heading::OUTPUT)]
    pub min_severity: Severity,

    /// Exit 0 even when findings reach --fail-on (load and usage errors still exit 2 or 3).
    #[arg(long, help_heading = heading::GATE)]
    pub no_exit_codes: bool,

    /// JUnit: also list every resource each rule evaluated and found fine.
    #[arg(long, help_heading = heading::OUTPUT)]
    pub show_passed: bool,

    /// Repository root that file names in SARIF, GitHub, JUnit, Markdown and CSV output are
    /// relative to.
    #[arg(long, value_name = "DIR", default_value = ".", help_heading = heading::OUTPUT)]
    pub sarif_root: PathBuf,

    /// Markdown/GitHub summary: link locations to `<URL>/<file>#L<line>` (default: from the
    /// GitHub Actions or GitLab CI environment, when set).
    #[arg(long, value_name = "URL", help_heading = heading::OUTPUT)]
    pub link_base: Option<String>,

    /// GitHub format: append the job summary (Markdown) to this file.
    #[arg(
        long,
        value_name = "FILE",
        env = "GITHUB_STEP_SUMMARY",
        hide_env_values = true,
        help_heading = heading::OUTPUT
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

    /// Read this config file instead of the nearest iamlint.yaml in the current directory
    /// or above (its rule settings and waivers apply).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no config file: every rule runs with its defaults, nothing is waived.
    #[arg(long)]
    pub no_config: bool,

    /// Apply no waiver: list every finding as failing, for audits.
    #[arg(long)]
    pub no_waivers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier snapshot: a file or a directory.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later snapshot: a file or a directory.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Leave paths matching this glob out of directory walks (repeatable).
    #[arg(long, value_name = "GLOB", help_heading = heading::INPUTS)]
    pub exclude: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, help_heading = heading::OUTPUT)]
    pub format: OutputFormat,

    /// Exit with 1 when a new finding has this severity or higher (info never fails).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity, help_heading = heading::GATE)]
    pub fail_on: Severity,

    /// Name the files that were skipped because their shape is not an IAM export.
    #[arg(long, short, help_heading = heading::OUTPUT)]
    pub verbose: bool,

    /// When to use colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = heading::OUTPUT)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub output: OutputOptions,
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

#[derive(Debug, clap::Args)]
pub struct CollectArgs {
    /// The snapshot directory: created if missing; it must be empty or hold an earlier
    /// snapshot, which is replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// How to reach the account. The API key comes from `IBMCLOUD_API_KEY` or `--apikey-file`,
/// never from a plain argument (it would show in shell history and process lists).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Live mode")]
pub struct ApiArgs {
    /// The account to collect (default: the account of the API key).
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    /// Read the API key from this file (the key alone, or the JSON file the IBM Cloud
    /// console downloads) instead of the IBMCLOUD_API_KEY environment variable.
    #[arg(long, value_name = "FILE")]
    pub apikey_file: Option<PathBuf>,

    /// IAM endpoint (token, IAM Identity, IAM Policy Management, IAM Access Groups).
    #[arg(long, value_name = "URL", env = "IAMLINT_IAM_ENDPOINT", default_value = api::DEFAULT_IAM_ENDPOINT)]
    pub iam_endpoint: String,

    /// Resource Controller endpoint.
    #[arg(long, value_name = "URL", env = "IAMLINT_RESOURCE_CONTROLLER_ENDPOINT", default_value = api::DEFAULT_RESOURCE_CONTROLLER_ENDPOINT)]
    pub resource_controller_endpoint: String,

    /// Seconds allowed for one request, connecting and reading included.
    #[arg(long, value_name = "SECONDS", env = "IAMLINT_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// Attempts per request on rate limiting (429), server errors (5xx but 501) and broken
    /// connections.
    #[arg(long, value_name = "N", env = "IAMLINT_MAX_ATTEMPTS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,

    /// The first retry delay in milliseconds; it doubles per attempt, with jitter.
    #[arg(
        long,
        value_name = "MS",
        env = "IAMLINT_RETRY_DELAY_MS",
        default_value_t = 500,
        hide = true
    )]
    pub retry_delay_ms: u64,

    /// Write resource key credentials as the API returns them (nothing in iamlint needs
    /// them; by default every secret is replaced by `<redacted:...>`).
    #[arg(long)]
    pub keep_secrets: bool,

    /// No progress display on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The environment variable that holds the API key.
pub const API_KEY_VARIABLE: &str = "IBMCLOUD_API_KEY";

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    // One line per finding: `file:line:col: severity rule message`.
    Concise,
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

/// What a run leaves behind besides its outcome: the loaded inputs, the findings and what
/// the rules evaluated. Dropping them frees millions of small allocations on a large
/// account, so the binary forgets them instead and lets the operating system reclaim the
/// memory at exit (see `main.rs`). Library callers simply drop them.
#[derive(Debug, Default)]
pub struct Leftovers {
    held: Vec<Box<dyn std::any::Any>>,
}

impl Leftovers {
    fn keep(&mut self, item: impl std::any::Any) {
        self.held.push(Box::new(item));
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli, terminal: Terminal) -> Outcome {
    run_keeping(cli, terminal).0
}

/// [`run`], also handing back what the run leaves behind, for the binary to exit without
/// freeing it.
pub fn run_keeping(cli: Cli, terminal: Terminal) -> (Outcome, Leftovers) {
    let mut leftovers = Leftovers::default();
    let outcome = match cli.command {
        Command::Check(args) => check(&args, terminal, &mut leftovers),
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
        Command::Collect(args) => collect(&args),
        Command::Diff(args) => compare::diff(&args, terminal),
        Command::Report(args) => outputs::report(&args, terminal),
        Command::Baseline(args) => baseline::run(&args, terminal),
        Command::Completions(args) => extras::completions(&args),
        Command::Man(args) => extras::man(&args),
    };
    (outcome, leftovers)
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

/// How a command picks its config file and rules (`check`, `report`, `baseline write`).
#[derive(Debug, Clone, Copy)]
struct RuleChoice<'a> {
    config: Option<&'a Path>,
    no_config: bool,
    select: &'a [String],
    ignore: &'a [String],
    verbose: bool,
}

impl CheckArgs {
    fn rule_choice(&self) -> RuleChoice<'_> {
        RuleChoice {
            config: self.config.as_deref(),
            no_config: self.no_config,
            select: &self.select,
            ignore: &self.ignore,
            verbose: self.verbose,
        }
    }
}

/// The settings of a run and the config file they came from.
struct Resolved {
    settings: Settings,
    /// Its waivers apply after the rules run.
    config: Config,
    /// `using config file ...` with `--verbose`.
    note: String,
}

/// The engine settings for a check: the config file (named, found, or none), then
/// `--select`/`--ignore` over it. `Err` is the outcome to exit with (code 2).
fn settings_for(args: &RuleChoice<'_>, style: human::Style) -> Result<Resolved, Outcome> {
    let usage_error = |stderr: String| Outcome {
        stderr,
        code: exit::ERROR,
        ..Outcome::default()
    };
    let file = if args.no_config {
        None
    } else if let Some(path) = args.config {
        Some((path.to_path_buf(), path.display().to_string()))
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
        select: args.select.to_vec(),
        ignore: args.ignore.to_vec(),
    };
    let settings = config.settings(&selection).map_err(|messages| {
        usage_error(
            messages
                .iter()
                .map(|message| format!("error: {message}\n"))
                .collect(),
        )
    })?;
    Ok(Resolved {
        settings,
        config,
        note,
    })
}

/// `settings` measuring ages against the current time. The clock is read here, and only
/// here: rules stay pure.
pub(crate) fn clocked(settings: Settings) -> Settings {
    Settings {
        now: Some(crate::model::Timestamp::now()),
        ..settings
    }
}

fn check(args: &CheckArgs, terminal: Terminal, leftovers: &mut Leftovers) -> Outcome {
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
    let Resolved {
        settings,
        config,
        note: config_note,
    } = match settings_for(&args.rule_choice(), style) {
        Ok(resolved) => resolved,
        Err(outcome) => return outcome,
    };
    let settings = Settings {
        // Only JUnit (--show-passed) and the HTML report show what passed.
        skip_evaluated: !matches!(args.format, OutputFormat::Junit | OutputFormat::Html),
        ..clocked(settings)
    };
    let baseline = match &args.baseline {
        Some(path) => match pipeline::triage::read_baseline(path) {
            Ok(baseline) => Some((path.display().to_string(), baseline)),
            Err(message) => return usage_error(&message),
        },
        None => None,
    };
    let triaging = Triaging {
        config: &config,
        waivers: !args.no_waivers,
        baseline: baseline
            .as_ref()
            .map(|(file, baseline)| (file.as_str(), baseline)),
    };
    let options = LoadOptions {
        exclude: args.exclude.clone(),
        ..LoadOptions::default()
    };
    let mut paths = args.paths.clone();
    let mut notes = String::new();
    if args.live {
        match collect_live(args) {
            Ok(collected) => {
                notes = format!(
                    "collected account {} into {}\n",
                    collected.account_id,
                    collected.dir.display()
                );
                paths.push(collected.dir);
            }
            Err(outcome) => return outcome,
        }
    } else if let Some(misplaced) = args.api.live_only_option() {
        return usage_error(&format!("{misplaced} needs --live"));
    }
    let checked = pipeline::run(&Request {
        triage: Some(triaging),
        new_only: args.new_only,
        ..Request::new(&paths, &options, &settings)
    });
    let checked = match checked {
        Ok(checked) => checked,
        Err(usage) => return usage_error(&usage),
    };
    let plans = checked.loaded.terraform_plans;
    let mut outcome = finish_keeping(
        checked,
        &Output {
            format: args.format,
            fail_on: args.fail_on,
            color: args.color,
            verbose: args.verbose,
            paths: &paths,
            options: &args.output,
        },
        terminal,
        leftovers,
    );
    if args.new_only && plans == 0 {
        outcome.stderr.push_str(
            "warning: --new-only compares Terraform plans with their prior state, and no plan \
             was among the inputs: no finding is new\n",
        );
    }
    outcome.stderr.insert_str(0, &config_note);
    if !args.api.quiet {
        outcome.stderr.insert_str(0, &notes);
    }
    outcome
}

/// How to print a run and when it fails (`check` and `diff`).
struct Output<'a> {
    format: OutputFormat,
    fail_on: Severity,
    color: ColorChoice,
    verbose: bool,
    /// The paths checked (the HTML report names them).
    paths: &'a [PathBuf],
    options: &'a OutputOptions,
}

/// Renders a run and decides the exit code (from the reported findings only: waived and
/// baselined ones never fail a run).
fn finish(checked: Checked, output: &Output<'_>, terminal: Terminal) -> Outcome {
    finish_keeping(checked, output, terminal, &mut Leftovers::default())
}

/// [`finish`], handing the loaded inputs and the findings to `leftovers` instead of
/// dropping them.
fn finish_keeping(
    checked: Checked,
    output: &Output<'_>,
    terminal: Terminal,
    leftovers: &mut Leftovers,
) -> Outcome {
    let Checked {
        loaded,
        findings,
        evaluated,
        triage,
        comparison,
    } = checked;
    let (triage, comparison) = (&triage, comparison.as_ref());
    let options = output.options;
    // --fail-on sees every finding; --min-severity only decides what is shown.
    let failing = findings
        .iter()
        .any(|finding| pipeline::fails(finding, output.fail_on));
    let code = pipeline::exit_code(&loaded, failing && !options.no_exit_codes);
    // Said before --min-severity takes the hidden findings away.
    let verdict = verdict::Verdict {
        code,
        fail_on: output.fail_on,
        min_severity: options.min_severity,
        no_exit_codes: options.no_exit_codes,
        compared: comparison.is_some(),
        findings: &findings,
        loaded: &loaded,
    }
    .line();
    let (shown, hidden): (Vec<rules::Finding>, Vec<rules::Finding>) = findings
        .into_iter()
        .partition(|finding| finding.severity >= options.min_severity);
    // A subject whose findings are hidden, waived or baselined is neither shown failing nor
    // listed as a pass.
    let evaluated = pipeline::triage::evaluated_without(
        evaluated,
        hidden.iter().chain(pipeline::triage::set_aside(triage)),
        &shown,
    );
    let report = RunReport::new(&loaded, &shown).with_triage(triage);
    let style = |color| human::Style {
        color,
        width: terminal.width,
        verbose: output.verbose,
    };
    let rendered = match output.format {
        OutputFormat::Human => {
            let color = match output.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    options.output.is_none() && terminal.stdout_is_tty && !terminal.no_color
                }
            };
            outputs::Rendered::text(
                human::render_compared(&report, style(color), comparison) + &verdict,
            )
        }
        OutputFormat::Concise => outputs::Rendered::text(
            report::concise::render(&report, style(false), comparison) + &verdict,
        ),
        OutputFormat::Json => {
            outputs::Rendered::text(report::json::render_compared(&report, comparison))
        }
        format => match outputs::render_check(format, output.paths, options, &report, &evaluated) {
            Ok(rendered) => rendered,
            Err(usage) => return usage_error(&usage),
        },
    };
    let mut stderr = if code == exit::NO_INPUT {
        format!("error: {}\n", loaded.no_input_reason())
    } else {
        String::new()
    };
    stderr.push_str(&report::warnings::render(
        triage,
        &loaded.documents,
        human::Style {
            color: match output.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal.stdout_is_tty && !terminal.no_color,
            },
            width: terminal.width,
            verbose: output.verbose,
        },
    ));
    if !hidden.is_empty() {
        stderr.push_str(&format!(
            "note: {} finding{} below --min-severity {} not shown\n",
            hidden.len(),
            if hidden.len() == 1 { "" } else { "s" },
            options.min_severity
        ));
    }
    let mut outcome = Outcome {
        stdout: String::new(),
        stderr,
        code,
    };
    outputs::deliver(
        rendered,
        options.output.as_deref(),
        options.github_step_summary.as_deref(),
        &mut outcome,
    );
    leftovers.keep(loaded);
    leftovers.keep(shown);
    leftovers.keep(hidden);
    leftovers.keep(evaluated);
    outcome
}

fn usage_error(message: &str) -> Outcome {
    Outcome {
        stderr: format!("error: {message}\n"),
        code: exit::ERROR,
        ..Outcome::default()
    }
}

impl ApiArgs {
    /// The first option given that only means something with --live.
    fn live_only_option(&self) -> Option<&'static str> {
        if self.account.is_some() {
            Some("--account")
        } else if self.apikey_file.is_some() {
            Some("--apikey-file")
        } else if self.keep_secrets {
            Some("--keep-secrets")
        } else {
            None
        }
    }

    /// The API key: from `--apikey-file`, else from `IBMCLOUD_API_KEY`.
    fn api_key(&self) -> Result<Secret, String> {
        let key = match &self.apikey_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|error| {
                    format!("cannot read the API key file {}: {error}", path.display())
                })?;
                api_key_in(&text)
            }
            None => Secret::new(std::env::var(API_KEY_VARIABLE).unwrap_or_default().trim()),
        };
        if key.is_empty() {
            return Err(format!(
                "no API key: set {API_KEY_VARIABLE} or pass --apikey-file FILE (an API key is \
                 never accepted as a plain argument)"
            ));
        }
        Ok(key)
    }

    fn collect_options(&self, out: PathBuf) -> Result<CollectOptions, String> {
        let defaults = ClientOptions::default();
        Ok(CollectOptions {
            out,
            account: self.account.clone(),
            endpoints: Endpoints::parse(&self.iam_endpoint, &self.resource_controller_endpoint)?,
            client: ClientOptions {
                timeout: std::time::Duration::from_secs(self.timeout),
                connect_timeout: defaults
                    .connect_timeout
                    .min(std::time::Duration::from_secs(self.timeout)),
                max_attempts: self.max_attempts,
                backoff_base: std::time::Duration::from_millis(self.retry_delay_ms),
                ..defaults
            },
            keep_secrets: self.keep_secrets,
            now: None,
        })
    }
}

/// The key in an API key file: the file's text, or the `apikey` member of the JSON file the
/// IBM Cloud console downloads.
fn api_key_in(text: &str) -> Secret {
    let from_json = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| {
            value
                .get("apikey")
                .and_then(|key| key.as_str())
                .map(str::to_owned)
        });
    Secret::new(from_json.unwrap_or_else(|| text.trim().to_owned()))
}

/// Runs a collect with a progress display; the outcome of a failure.
fn run_collect(api_args: &ApiArgs, out: PathBuf) -> Result<Collected, Outcome> {
    let apikey = api_args
        .api_key()
        .map_err(|message| usage_error(&message))?;
    let options = api_args
        .collect_options(out)
        .map_err(|message| usage_error(&message))?;
    let mut progress = report::progress::Progress::new(api_args.quiet);
    let result = api::collect(apikey, &options, &mut progress);
    drop(progress);
    result.map_err(|error| Outcome {
        stderr: format!("error: {error}\n"),
        code: exit::ERROR,
        ..Outcome::default()
    })
}

fn collect(args: &CollectArgs) -> Outcome {
    match run_collect(&args.api, args.out.clone()) {
        Ok(collected) => Outcome {
            stdout: report::collect::render(&collected),
            stderr: String::new(),
            code: if collected.is_complete() {
                exit::CLEAN
            } else {
                exit::ERROR
            },
        },
        Err(outcome) => outcome,
    }
}

/// `check --live`: collects into `--out` or a new temporary directory that is kept, since
/// the findings point into its files.
fn collect_live(args: &CheckArgs) -> Result<Collected, Outcome> {
    let out = match &args.out {
        Some(out) => out.clone(),
        None => tempfile::Builder::new()
            .prefix("iamlint-live-")
            .tempdir()
            .map(tempfile::TempDir::keep)
            .map_err(|error| {
                usage_error(&format!(
                    "cannot create a temporary snapshot directory: {error}"
                ))
            })?,
    };
    run_collect(&args.api, out)
}
