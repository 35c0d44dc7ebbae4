//! Command-line interface: clap arguments -> a validated run -> the text to print and the
//! exit code. Nothing here prints; `main.rs` writes what `run` returns. Files named by the
//! user (`--output`, the GitHub job summary, man pages) are written here, in `cli::write`.
//!
//! `args` holds the clap arguments; each command is args -> `pipeline` -> renderer ->
//! `Outcome` (`check`, `compare` for `diff`, `outputs` for `report`, `baseline`, `live` for
//! `collect`).

mod args;
mod baseline;
mod check;
mod compare;
mod extras;
mod facts;
mod live;
mod outputs;
mod print;
mod verdict;
mod write;

pub use print::printed;

use std::path::Path;

pub use crate::pipeline::exit;
pub use args::{
    ApiArgs, BaselineArgs, BaselineCommand, CheckArgs, Cli, CollectArgs, ColorChoice, Command,
    DiffArgs, ExplainArgs, ListFormat, OutputFormat, OutputOptions, ReportArgs, ReportFormat,
    RulesArgs, SchemaArgs, SchemaKind, TestArgs, WriteArgs,
};
pub use live::API_KEY_VARIABLE;

use crate::config::{self, Config, Selection};
use crate::report::{self, human};
use crate::rules::{Settings, lookup};

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
    /// Output to write after `stdout`, rendered as it is written (see [`Stream`]).
    pub stream: Option<Stream>,
    pub stderr: String,
    pub code: u8,
    /// What the run leaves behind, for the binary to exit without freeing it.
    pub leftovers: Leftovers,
}

/// Output rendered straight into standard output instead of into a string first: a large
/// account's JSON report is tens of megabytes, which held whole beside the model were the
/// run's highest memory. It owns what it renders (the loaded inputs, the findings).
pub struct Stream(Box<WriteOutput>);

/// Renders an output into a writer.
type WriteOutput = dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>;

impl Stream {
    pub(crate) fn new(
        write: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()> + 'static,
    ) -> Self {
        Self(Box::new(write))
    }

    /// Renders the output into `out`.
    pub fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        (self.0)(out)
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Stream")
    }
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
    match cli.command {
        Command::Check(args) => check::check(&args, terminal),
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
            SchemaKind::Model => Outcome {
                stdout: format!(
                    "{}\n",
                    serde_json::to_string_pretty(&crate::custom::schema()).unwrap_or_default()
                ),
                ..Outcome::default()
            },
        },
        Command::Collect(args) => live::collect(&args),
        Command::Diff(args) => compare::diff(&args, terminal),
        Command::Report(args) => outputs::report(&args, terminal),
        Command::Baseline(args) => baseline::run(&args, terminal),
        Command::Test(args) => test_rules(&args),
        Command::Completions(args) => extras::completions(&args),
        Command::Man(args) => extras::man(&args),
    }
}

/// `iamlint test`: exit 2 when a rule does not load, 1 when a test fails, else 0.
fn test_rules(args: &TestArgs) -> Outcome {
    let dirs = if args.dirs.is_empty() {
        vec![std::path::PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    let mut rules = crate::custom::load(&dirs);
    if rules.is_empty() {
        // Nothing to test is a mistake (a wrong directory), not a pass.
        rules.errors.push(crate::custom::RuleError::new(
            None,
            dirs.iter()
                .map(|dir| dir.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "no custom rule found (`<namespace>/<name>.rego` with its `.yaml`)".to_owned(),
        ));
    }
    let run = crate::custom::testing::run(&rules);
    let code = if !run.errors.is_empty() {
        exit::ERROR
    } else if run.failed() > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    };
    Outcome {
        stdout: run.render(),
        code,
        ..Outcome::default()
    }
}

fn explain(args: &ExplainArgs, terminal: Terminal) -> Outcome {
    if !args.rules.is_empty() {
        // Registers their metadata; mistakes in them are `check`'s to report.
        let _ = crate::custom::load(&args.rules);
    }
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
    /// `--rules DIR`: custom rule directories besides the config file's.
    rules: &'a [std::path::PathBuf],
    verbose: bool,
}

impl args::ConfigArgs {
    /// The rule choice of these options, with `--select`/`--ignore` where the command has
    /// them.
    fn rule_choice<'a>(
        &'a self,
        selection: Option<&'a args::SelectionArgs>,
        verbose: bool,
    ) -> RuleChoice<'a> {
        RuleChoice {
            config: self.config.as_deref(),
            no_config: self.no_config,
            select: selection.map_or(&[], |selection| &selection.select),
            ignore: selection.map_or(&[], |selection| &selection.ignore),
            rules: &self.rules,
            verbose,
        }
    }
}

/// The settings of a run and the config file they came from.
struct RunSettings {
    settings: Settings,
    /// Its waivers apply after the rules run.
    config: Config,
    /// `using config file ...` with `--verbose`.
    note: String,
    /// The custom Rego rules the config and `--rules` name.
    custom: Option<std::sync::Arc<crate::custom::CustomRules>>,
}

/// The engine settings for a check: the config file (named, found, or none), then
/// `--select`/`--ignore` over it. `Err` is the outcome to exit with (code 2).
fn settings_for(args: &RuleChoice<'_>, style: human::Style) -> Result<RunSettings, Outcome> {
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
                .map_err(|errors| usage_error(report::config_errors::render(&errors, style)))?
        }
        None => Config::default(),
    };
    // Custom rules load before the selection is checked: `--select org/rule` names one.
    let dirs: Vec<std::path::PathBuf> = config
        .rule_paths
        .iter()
        .chain(args.rules)
        .cloned()
        .collect();
    let custom = (!dirs.is_empty()).then(|| std::sync::Arc::new(crate::custom::load(&dirs)));
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
    Ok(RunSettings {
        settings,
        config,
        note,
        custom,
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

fn usage_error(message: &str) -> Outcome {
    Outcome {
        stderr: format!("error: {message}\n"),
        code: exit::ERROR,
        ..Outcome::default()
    }
}
