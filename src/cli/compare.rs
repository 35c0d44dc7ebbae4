//! `check --new-only` and `iamlint diff`: two runs of the pipeline, and only the findings the
//! later one adds.

use std::path::PathBuf;

use super::{Checked, DiffArgs, Outcome, Output, Terminal, check_paths, exit, finish};
use crate::report::Comparison;
use crate::rules::{Settings, compare::new_findings};
use crate::sources::{LoadOptions, TerraformView};

/// Checks the inputs as after apply and as before it (the plans' `prior_state`), and keeps
/// the findings the plans introduce; `Err` only for a usage problem.
pub fn check_new_only(
    paths: &[PathBuf],
    options: &LoadOptions,
    settings: &Settings,
) -> Result<(Checked, Option<Comparison>), String> {
    let after = check_paths(paths, options, settings)?;
    let before = check_paths(
        paths,
        &LoadOptions {
            terraform: TerraformView::Prior,
            ..options.clone()
        },
        settings,
    )?;
    // The same files load with the same errors both times: report the after-apply ones.
    let compared = new_findings(&before.findings, after.findings);
    Ok((
        Checked {
            loaded: after.loaded,
            findings: compared.findings,
            evaluated: after.evaluated,
        },
        Some(Comparison {
            against: "the plans' prior state".to_owned(),
            unchanged: compared.unchanged,
            fixed: compared.fixed,
        }),
    ))
}

/// `iamlint diff OLD NEW`.
pub(super) fn diff(args: &DiffArgs, terminal: Terminal) -> Outcome {
    let options = LoadOptions {
        exclude: args.exclude.clone(),
        ..LoadOptions::default()
    };
    let settings = super::clocked(Settings::default());
    let (old, new) = match (
        check_paths(std::slice::from_ref(&args.old), &options, &settings),
        check_paths(std::slice::from_ref(&args.new), &options, &settings),
    ) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(usage), _) | (_, Err(usage)) => {
            return Outcome {
                stderr: format!("error: {usage}\n"),
                code: exit::ERROR,
                ..Outcome::default()
            };
        }
    };
    let compared = new_findings(&old.findings, new.findings);
    let mut loaded = new.loaded;
    // OLD's errors point into OLD's documents: keep their file, line and column only.
    loaded
        .errors
        .extend(old.loaded.errors.into_iter().map(|mut error| {
            error.document = None;
            error.pointer = None;
            error
        }));
    let checked = Checked {
        loaded,
        findings: compared.findings,
        evaluated: new.evaluated,
    };
    finish(
        checked,
        Some(&Comparison {
            against: args.old.display().to_string(),
            unchanged: compared.unchanged,
            fixed: compared.fixed,
        }),
        &Output {
            format: args.format,
            fail_on: args.fail_on,
            color: args.color,
            verbose: args.verbose,
            paths: std::slice::from_ref(&args.new),
            options: &args.output,
        },
        terminal,
    )
}
