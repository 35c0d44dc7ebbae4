//! `iamlint diff OLD NEW`: the pipeline's comparison of two snapshots, rendered as `check`
//! renders a run.

use super::check::{Output, finish};
use super::{DiffArgs, Outcome, Terminal, exit};
use crate::pipeline::{self, Request};
use crate::rules::Settings;

/// `iamlint diff OLD NEW`.
pub(super) fn diff(args: &DiffArgs, terminal: Terminal) -> Outcome {
    let options = args.inputs.load_options();
    let settings = super::clocked(Settings::default());
    let checked = match pipeline::diff(
        &Request::new(std::slice::from_ref(&args.old), &options, &settings),
        &Request::new(std::slice::from_ref(&args.new), &options, &settings),
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
    finish(
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
    )
}
