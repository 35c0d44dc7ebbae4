//! `check --new-only` and `iamlint diff`: two runs of the pipeline, and only the findings the
//! later one adds.

use std::path::PathBuf;

use super::{Checked, DiffArgs, Outcome, Output, Terminal, check_paths, exit, finish};
use crate::config::Config;
use crate::report::Comparison;
use crate::rules::{Settings, compare::new_findings};
use crate::sources::{LoadOptions, TerraformView};
use crate::triage::{self, Plan, Triage};

/// Checks the inputs as after apply and as before it (the plans' `prior_state`), and keeps
/// the findings the plans introduce; `Err` only for a usage problem. No waiver applies.
pub fn check_new_only(
    paths: &[PathBuf],
    options: &LoadOptions,
    settings: &Settings,
) -> Result<(Checked, Option<Comparison>), String> {
    let config = Config::default();
    let plan = Plan {
        config: &config,
        waivers: false,
        baseline: None,
        settings,
    };
    new_only_triaged(paths, options, &plan)
        .map(|(checked, comparison, _)| (checked, Some(comparison)))
}

/// [`check_new_only`] with waivers: they apply on both sides before the comparison, so a
/// waived finding is neither new nor fixed; the warnings about them come from the
/// after-apply side. (`--baseline` and `--new-only` do not combine.)
pub(super) fn new_only_triaged(
    paths: &[PathBuf],
    options: &LoadOptions,
    plan: &Plan<'_>,
) -> Result<(Checked, Comparison, Triage), String> {
    let after = check_paths(paths, options, plan.settings)?;
    let before = check_paths(
        paths,
        &LoadOptions {
            terraform: TerraformView::Prior,
            ..options.clone()
        },
        plan.settings,
    )?;
    let (after, triage) = super::triage::apply(after, plan);
    let before_findings = triage::unwaived(before.findings, &before.loaded, plan);
    // The same files load with the same errors both times: report the after-apply ones.
    let compared = new_findings(&before_findings, after.findings);
    Ok((
        Checked {
            loaded: after.loaded,
            findings: compared.findings,
            evaluated: after.evaluated,
        },
        Comparison {
            against: "the plans' prior state".to_owned(),
            unchanged: compared.unchanged,
            fixed: compared.fixed,
        },
        triage,
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
        &Triage::default(),
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
