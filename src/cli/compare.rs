//! `iamlint diff OLD NEW`: the pipeline's comparison of two snapshots, rendered as `check`
//! renders a run. Both sides run the same rules: the config file's settings and custom
//! rules, and `--rules` (waivers do not apply: a diff reports what is new).

use super::check::{Output, finish};
use super::{DiffArgs, Outcome, RunSettings, Terminal, exit, settings_for};
use crate::pipeline::{self, Request};
use crate::report::human;

/// `iamlint diff OLD NEW`.
pub(super) fn diff(args: &DiffArgs, terminal: Terminal) -> Outcome {
    let style = human::Style {
        color: args.color.resolve(terminal),
        width: terminal.width,
        verbose: args.verbose,
    };
    let choice = args.config.rule_choice(None, args.verbose);
    let RunSettings {
        settings,
        note,
        custom,
        ..
    } = match settings_for(&choice, style) {
        Ok(resolved) => resolved,
        Err(outcome) => return outcome,
    };
    let options = args.inputs.load_options();
    let settings = super::clocked(settings);
    let checked = match pipeline::diff(
        &Request {
            custom: custom.as_deref(),
            ..Request::new(std::slice::from_ref(&args.old), &options, &settings)
        },
        &Request {
            custom: custom.as_deref(),
            ..Request::new(std::slice::from_ref(&args.new), &options, &settings)
        },
    ) {
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
        checked,
        &Output {
            format: args.format,
            fail_on: args.fail_on,
            color: args.color.choice,
            verbose: args.verbose,
            paths: std::slice::from_ref(&args.new),
            options: &args.output,
        },
        terminal,
    );
    outcome.stderr.insert_str(0, &note);
    outcome
}
