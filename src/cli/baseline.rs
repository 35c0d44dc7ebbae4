//! `iamlint baseline write FILE PATH...`: records the current findings in a baseline file
//! for `check --baseline FILE`. Written onto an existing baseline, it keeps the entries that
//! still occur as they were, adds the new findings and prunes the entries that no longer
//! occur, and says how many of each.

use std::path::PathBuf;

use clap::Subcommand;

use super::{
    ColorChoice, Outcome, RuleChoice, RunSettings, Terminal, exit, settings_for, usage_error, write,
};
use crate::pipeline::{self, Request, Triaging};
use crate::report::{human, warnings};
use crate::sources::LoadOptions;
use crate::triage::Baseline;

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    #[command(subcommand)]
    pub command: BaselineCommand,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Record the findings of PATHs in FILE (replaced atomically); on an existing baseline,
    /// prune the entries that no longer occur.
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

    /// Leave paths matching this glob out of directory walks (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Say which config file is used.
    #[arg(long, short)]
    pub verbose: bool,

    /// When to use colours in diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Read this config file instead of the nearest iamlint.yaml in the current directory
    /// or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no config file: every rule runs with its defaults.
    #[arg(long)]
    pub no_config: bool,

    /// Also run the custom Rego rules in this directory (repeatable; besides the config
    /// file's `rules.paths`).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Run only this rule (repeatable or comma-separated); overrides the config file.
    /// Entries of the other rules are kept.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run this rule (repeatable or comma-separated); its entries are kept.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Record waived findings too (by default a waived finding is left out: its waiver
    /// accepts it).
    #[arg(long)]
    pub no_waivers: bool,
}

pub(super) fn run(args: &BaselineArgs, terminal: Terminal) -> Outcome {
    match &args.command {
        BaselineCommand::Write(write_args) => write_baseline(write_args, terminal),
    }
}

fn write_baseline(args: &WriteArgs, terminal: Terminal) -> Outcome {
    let style = human::Style {
        color: args.color.resolve(terminal),
        width: terminal.width,
        verbose: args.verbose,
    };
    let choice = RuleChoice {
        config: args.config.as_deref(),
        no_config: args.no_config,
        select: &args.select,
        ignore: &args.ignore,
        rules: &args.rules,
        verbose: args.verbose,
    };
    let RunSettings {
        settings,
        config,
        note,
        custom,
    } = match settings_for(&choice, style) {
        Ok(resolved) => resolved,
        Err(outcome) => return outcome,
    };
    let settings = super::clocked(settings);
    let file = args.file.display().to_string();
    // An existing file must be a baseline: writing over anything else (an export named by
    // mistake) would destroy it.
    let previous = if args.file.exists() {
        match pipeline::triage::read_baseline(&args.file) {
            Ok(previous) => Some(previous),
            Err(message) => {
                return usage_error(&format!(
                    "{message}\n  help: {file} is not overwritten; name a new file or remove it"
                ));
            }
        }
    } else {
        None
    };
    let options = LoadOptions {
        exclude: args.exclude.clone(),
        ..LoadOptions::default()
    };
    let request = Request {
        triage: Some(Triaging::waivers(&config, !args.no_waivers)),
        custom: custom.as_deref(),
        ..Request::new(&args.paths, &options, &settings)
    };
    let checked = match pipeline::run(&request) {
        Ok(checked) => checked,
        Err(usage) => return usage_error(&usage),
    };
    let mut outcome = Outcome {
        stderr: note,
        ..Outcome::default()
    };
    let loaded = &checked.loaded;
    // A baseline of inputs that did not all load would prune the findings of the broken
    // ones: write nothing.
    let code = pipeline::exit_code(loaded, false);
    if code == exit::ERROR {
        outcome
            .stderr
            .push_str(&human::render_load_errors(loaded, style));
        outcome.stderr.push_str(&format!(
            "error: baseline {file} not written: {}\n",
            super::verdict::not_loaded(&loaded.errors, super::verdict::Counted::Inputs)
        ));
        outcome.code = exit::ERROR;
        return outcome;
    }
    if code == exit::NO_INPUT {
        outcome.stderr.push_str(&format!(
            "error: baseline {file} not written: {}\n",
            loaded.no_input_reason()
        ));
        outcome.code = exit::NO_INPUT;
        return outcome;
    }
    let triage = &checked.triage;
    outcome
        .stderr
        .push_str(&warnings::render(triage, &checked.loaded.documents, style));
    let (baseline, recorded) = Baseline::record(previous.as_ref(), &checked.findings, &settings);
    if let Err(error) = write::atomic(&args.file, &baseline.to_json()) {
        outcome.stderr.push_str(&format!("error: {error}\n"));
        outcome.code = exit::ERROR;
        return outcome;
    }
    let entries = baseline.findings.len();
    let mut summary = format!(
        "wrote baseline {file}: {entries} finding{}",
        if entries == 1 { "" } else { "s" }
    );
    if previous.is_some() {
        summary.push_str(&format!(
            " ({} kept, {} added, {} pruned: no longer occur)",
            recorded.kept, recorded.added, recorded.pruned
        ));
    }
    if !triage.waived.is_empty() {
        summary.push_str(&format!(
            "; {} waived finding{} not recorded",
            triage.waived.len(),
            if triage.waived.len() == 1 { "" } else { "s" }
        ));
    }
    outcome.stdout = summary + "\n";
    outcome
}
