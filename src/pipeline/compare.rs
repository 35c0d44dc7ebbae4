//! `check --new-only` and `iamlint diff`: two runs of the pipeline, and only the findings the
//! later one adds.

use std::path::PathBuf;

use super::{Checked, Request, evaluate};
use crate::report::Comparison;
use crate::rules::{Settings, compare::new_findings};
use crate::sources::{LoadOptions, TerraformView};
use crate::triage;

/// Checks the inputs as after apply and as before it (the plans' `prior_state`), and keeps
/// the findings the plans introduce; `Err` only for a usage problem. No waiver applies.
pub fn check_new_only(
    paths: &[PathBuf],
    options: &LoadOptions,
    settings: &Settings,
) -> Result<Checked, String> {
    super::run(&Request {
        new_only: true,
        ..Request::new(paths, options, settings)
    })
}

/// `Request::new_only`. Waivers apply on both sides before the comparison, so a waived
/// finding is neither new nor fixed; the warnings about them come from the after-apply side.
/// (`--baseline` and `--new-only` do not combine.)
pub(super) fn new_only(request: &Request<'_>) -> Result<Checked, String> {
    let after = evaluate(request)?;
    let prior = LoadOptions {
        terraform: TerraformView::Prior,
        ..request.options.clone()
    };
    let before = evaluate(&Request {
        options: &prior,
        ..*request
    })?;
    let (after, before_findings) = match request.exemptions() {
        Some(exemptions) => (
            super::triage::apply(after, &exemptions),
            triage::unwaived(before.findings, &before.loaded, &exemptions),
        ),
        None => (after, before.findings),
    };
    // The same files load with the same errors both times: report the after-apply ones.
    let compared = new_findings(&before_findings, after.findings);
    Ok(Checked {
        findings: compared.findings,
        comparison: Some(Comparison {
            against: "the plans' prior state".to_owned(),
            unchanged: compared.unchanged,
            fixed: compared.fixed,
        }),
        ..after
    })
}

/// `iamlint diff OLD NEW`: the findings of `new` that `old` does not have, compared by
/// fingerprint. No waiver applies. `Err` is a usage problem (`old`'s first).
pub fn diff(old: &Request<'_>, new: &Request<'_>) -> Result<Checked, String> {
    let old_checked = super::run(old);
    let new_checked = super::run(new);
    let (old_checked, new_checked) = (old_checked?, new_checked?);
    let compared = new_findings(&old_checked.findings, new_checked.findings);
    let mut loaded = new_checked.loaded;
    // Both sides load the same custom rules: a rule error OLD shares with NEW is one error.
    let shared = |error: &crate::sources::LoadError| {
        error.kind == crate::sources::LoadErrorKind::Rule
            && loaded.errors.iter().any(|new| {
                new.kind == error.kind
                    && new.file == error.file
                    && new.at == error.at
                    && new.message == error.message
            })
    };
    let old_errors: Vec<_> = old_checked
        .loaded
        .errors
        .into_iter()
        .filter(|error| !shared(error))
        .collect();
    // OLD's errors point into OLD's documents: keep their file, line and column only.
    loaded
        .errors
        .extend(old_errors.into_iter().map(|mut error| {
            error.document = None;
            error.pointer = None;
            error
        }));
    let against: Vec<String> = old
        .paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    Ok(Checked {
        loaded,
        findings: compared.findings,
        evaluated: new_checked.evaluated,
        custom_input: new_checked.custom_input,
        triage: triage::Triage::default(),
        comparison: Some(Comparison {
            against: against.join(", "),
            unchanged: compared.unchanged,
            fixed: compared.fixed,
        }),
    })
}
