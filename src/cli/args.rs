//! The command line: clap's arguments of every command, their help headings and help
//! texts. Parsed here, run in `cli`.
//!
//! Over 400 lines: clap's derive attributes and help texts of every command, kept in one file
//! so that the command line reads as a whole and shared groups are declared once.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::Terminal;
use super::extras::{CompletionsArgs, ManArgs};
use crate::live as api;
use crate::rules::Severity;
use crate::sources::LoadOptions;
use crate::sources::terraform::hcl::VariableOptions;

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
    /// Print a JSON Schema (`config`: the schema of iamlint.yaml, for editors and CI; `model`:
    /// the input document of custom Rego rules).
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
    Baseline(BaselineArgs),
    /// Run the tests of custom Rego rules: their `test_` rules and their `tests/<case>/`
    /// inputs against `expected.json`.
    Test(TestArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    Completions(CompletionsArgs),
    /// Print the man page, or write one per command into a directory.
    Man(ManArgs),
}

/// The help headings of `check` (and of the options other commands share with it). Every option
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
  2  a usage or config error, an input that could not be loaded (fully), or an
     output that could not be written whole
  3  no input files found
The last line of the human and concise output says which one applies, and why.";

#[derive(Debug, clap::Args)]
#[command(after_help = CHECK_AFTER_HELP)]
pub struct CheckArgs {
    /// Files or directories to check. Directories are walked for .json, .yml and .yaml files,
    /// and Terraform's .tf and .tfvars (a directory of .tf files is one module).
    #[arg(required_unless_present = "live", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub inputs: InputArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, help_heading = heading::OUTPUT)]
    pub format: OutputFormat,

    /// Name the files that were skipped because their shape is not an IAM export, and list
    /// every item error of a partly loaded file.
    #[arg(long, short, help_heading = heading::OUTPUT)]
    pub verbose: bool,

    #[command(flatten)]
    pub color: ColorArg,

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

/// What to read besides the paths: shared by every command that loads inputs (`check`,
/// `diff`, `report`, `baseline write`).
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Leave paths matching this glob out of directory walks (repeatable).
    #[arg(long, value_name = "GLOB", help_heading = heading::INPUTS)]
    pub exclude: Vec<String>,

    /// Values of Terraform root variables for `.tf` inputs, like `terraform plan -var-file`
    /// (repeatable; after `terraform.tfvars` and `*.auto.tfvars`, later files win).
    #[arg(long, value_name = "FILE", help_heading = heading::INPUTS)]
    pub var_file: Vec<PathBuf>,

    /// Read Terraform root variables from `TF_VAR_<name>` environment variables too.
    #[arg(long, help_heading = heading::INPUTS)]
    pub tf_var_env: bool,
}

impl InputArgs {
    /// How the sources load these inputs.
    pub(super) fn load_options(&self) -> LoadOptions {
        LoadOptions {
            exclude: self.exclude.clone(),
            variables: VariableOptions {
                var_files: self.var_file.clone(),
                environment: self.tf_var_env,
            },
            ..LoadOptions::default()
        }
    }
}

/// Which config file, and which custom rules besides the built-in ones (`check`, `report`,
/// `baseline write`).
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Read this config file instead of the nearest iamlint.yaml in the current directory
    /// or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config", help_heading = heading::RULES)]
    pub config: Option<PathBuf>,

    /// Read no config file: every rule runs with its defaults.
    #[arg(long, help_heading = heading::RULES)]
    pub no_config: bool,

    /// Also run the custom Rego rules in this directory (repeatable; besides the config
    /// file's `rules.paths`).
    #[arg(long = "rules", value_name = "DIR", help_heading = heading::RULES)]
    pub rules: Vec<PathBuf>,
}

/// `--select` and `--ignore` (`check`, `baseline write`).
#[derive(Debug, clap::Args)]
pub struct SelectionArgs {
    /// Run only this rule (repeatable or comma-separated); overrides the config file.
    #[arg(long, value_name = "RULE", value_delimiter = ',', help_heading = heading::RULES)]
    pub select: Vec<String>,

    /// Do not run this rule (repeatable or comma-separated); overrides the config file.
    #[arg(long, value_name = "RULE", value_delimiter = ',', help_heading = heading::RULES)]
    pub ignore: Vec<String>,
}

/// `--color` (`check`, `diff`, `baseline write`).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ColorArg {
    /// When to use colours in human output and diagnostics.
    #[arg(long = "color", value_name = "COLOR", value_enum, default_value_t = ColorChoice::Auto, help_heading = heading::OUTPUT)]
    pub choice: ColorChoice,
}

impl ColorArg {
    /// Whether to colour: see [`ColorChoice::resolve`].
    pub(super) fn resolve(self, terminal: Terminal) -> bool {
        self.choice.resolve(terminal)
    }
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

    /// Repository root that file names in SARIF, GitHub, GitLab, JUnit, Markdown and CSV
    /// output are relative to.
    // `--sarif-root` was its name when only SARIF used it; kept as an alias so existing CI
    // configurations go on working.
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".",
        alias = "sarif-root",
        help_heading = heading::OUTPUT
    )]
    pub repo_root: PathBuf,

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
    /// Files or directories to report on, as for `check`; a live-mode `snapshot.json` among
    /// them dates the report.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,

    /// Write the report to this file (replaced atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub inputs: InputArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Apply no waiver: list every finding as failing, for audits.
    #[arg(long, help_heading = heading::GATE)]
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

    #[command(flatten)]
    pub inputs: InputArgs,

    // Both sides run the same rules: the config's settings and custom rules, and --rules.
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, help_heading = heading::OUTPUT)]
    pub format: OutputFormat,

    /// Exit with 1 when a new finding has this severity or higher (info never fails).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity, help_heading = heading::GATE)]
    pub fail_on: Severity,

    /// Name the files that were skipped because their shape is not an IAM export.
    #[arg(long, short, help_heading = heading::OUTPUT)]
    pub verbose: bool,

    #[command(flatten)]
    pub color: ColorArg,

    #[command(flatten)]
    pub output: OutputOptions,
}

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    #[command(subcommand)]
    pub command: BaselineCommand,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Record the findings of PATHs in FILE (replaced atomically); on an existing baseline,
    /// prune the entries that no longer occur (with --select or --ignore, the entries of
    /// the rules that did not run are kept).
    Write(WriteArgs),
}

#[derive(Debug, clap::Args)]
pub struct WriteArgs {
    /// The baseline file to write.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Files or directories to check, as for `iamlint check`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub inputs: InputArgs,

    /// Say which config file is used.
    #[arg(long, short)]
    pub verbose: bool,

    #[command(flatten)]
    pub color: ColorArg,

    #[command(flatten)]
    pub config: ConfigArgs,

    // With --select or --ignore, the entries of the rules that did not run are kept.
    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Record waived findings too (by default a waived finding is left out: its waiver
    /// accepts it).
    #[arg(long)]
    pub no_waivers: bool,
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

    /// Also know the custom Rego rules in this directory (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Custom rule directories (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
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
    /// The input document of custom Rego rules (`input`).
    Model,
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

    /// User Management endpoint (the account's users).
    #[arg(long, value_name = "URL", env = "IAMLINT_USER_MANAGEMENT_ENDPOINT", default_value = api::DEFAULT_USER_MANAGEMENT_ENDPOINT)]
    pub user_management_endpoint: String,

    /// Account Management endpoint (the account and its owner).
    #[arg(long, value_name = "URL", env = "IAMLINT_ACCOUNT_ENDPOINT", default_value = api::DEFAULT_ACCOUNT_MANAGEMENT_ENDPOINT)]
    pub account_endpoint: String,

    /// Activity Tracker Event Routing endpoint, with {region} where the region goes.
    #[arg(long, value_name = "URL", env = "IAMLINT_ATRACKER_ENDPOINT", default_value = api::DEFAULT_ATRACKER_ENDPOINT)]
    pub atracker_endpoint: String,

    /// Activity Tracker Event Routing region to read routes and targets from; repeatable or
    /// comma-separated, tried in order (default: us-south, eu-de, us-east).
    #[arg(
        long,
        value_name = "REGION",
        env = "IAMLINT_ATRACKER_REGION",
        value_delimiter = ','
    )]
    pub atracker_region: Vec<String>,

    /// Seconds to wait for each identity report (activity, MFA) before taking the latest
    /// earlier one, or going without.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "IAMLINT_REPORT_WAIT",
        default_value_t = 180
    )]
    pub report_wait: u64,

    /// Milliseconds between two checks of a report that is not ready.
    #[arg(
        long,
        value_name = "MS",
        env = "IAMLINT_REPORT_INTERVAL_MS",
        default_value_t = 5000,
        hide = true
    )]
    pub report_interval_ms: u64,

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
    // GitLab Code Quality JSON (merge request widget).
    Gitlab,
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

impl ColorChoice {
    /// Whether to colour: `auto` colours a terminal, unless `NO_COLOR` is set.
    pub(super) fn resolve(self, terminal: Terminal) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => terminal.stdout_is_tty && !terminal.no_color,
        }
    }
}
