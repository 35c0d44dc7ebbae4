//! `iamlint baseline write FILE PATH...`: records the current findings in a baseline file
//! for `check --baseline FILE`. Written onto an existing baseline, it keeps the entries that
//! still occur as they were, adds the new findings and prunes the entries that no longer
//! occur, and says how many of each.

use super::args::{BaselineArgs, BaselineCommand, WriteArgs};
use super::{Outcome, RunSettings, Terminal, exit, settings_for, usage_error, write};
use crate::pipeline::{self, Request, Triaging};
use crate::report::{human, warnings};
use crate::triage::Baseline;

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
    let choice = args.config.rule_choice(Some(&args.selection), args.verbose);
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
    let options = args.inputs.load_options();
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
