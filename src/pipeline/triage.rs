//! The waivers and baseline step of the pipeline (`check`, `report` and `baseline write`):
//! reading the baseline file, running the pure `triage` step over a check, and keeping the
//! subjects of set-aside findings out of the pass lists.

use std::collections::HashSet;
use std::path::Path;

use super::Checked;
use crate::model::EntityKind;
use crate::rules::{Evaluated, Finding};
use crate::triage::{self, Baseline, Exemptions, Triage};

/// Reads a baseline file; `Err` is the message for a usage error (exit 2).
pub fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        format!(
            "cannot read baseline {}: {error}\n  help: write one with `iamlint baseline write {} PATH...`",
            path.display(),
            path.display()
        )
    })?;
    Baseline::parse(&text).map_err(|why| format!("baseline {}: {why}", path.display()))
}

/// Applies the waivers and the baseline to a check: the findings left are the ones to
/// report, and `Checked::triage` says what was set apart.
pub(super) fn apply(checked: Checked, exemptions: &Exemptions<'_>) -> Checked {
    let (findings, triage) = triage::apply(checked.findings, &checked.loaded, exemptions);
    Checked {
        findings,
        triage,
        ..checked
    }
}

/// `evaluated` without the subjects whose findings were all set aside (hidden by
/// `--min-severity`, waived, baselined): such a subject is neither a failure nor a pass.
/// The subjects are read through `inventory`, the one the rules ran on.
pub fn evaluated_without<'a>(
    evaluated: Vec<Evaluated>,
    set_aside: impl Iterator<Item = &'a Finding>,
    shown: &[Finding],
    inventory: &crate::model::Inventory,
) -> Vec<Evaluated> {
    let shown: HashSet<Key<'_>> = shown.iter().map(key).collect();
    let aside: HashSet<Key<'_>> = set_aside
        .map(key)
        .filter(|item| !shown.contains(item))
        .collect();
    if aside.is_empty() {
        return evaluated;
    }
    evaluated
        .into_iter()
        .filter(|item| {
            item.subject
                .view(inventory)
                .is_none_or(|subject| !aside.contains(&(item.rule, subject.kind, subject.id)))
        })
        .collect()
}

/// A rule's verdict on one subject is keyed by these.
type Key<'a> = (&'static str, EntityKind, &'a str);

fn key(finding: &Finding) -> Key<'_> {
    (finding.rule, finding.subject.kind, &finding.subject.id)
}

/// Everything `triage` set aside, for [`evaluated_without`].
pub fn set_aside(triage: &Triage) -> impl Iterator<Item = &Finding> {
    triage.waived.iter().map(|waived| &waived.finding).chain(
        triage
            .baseline
            .iter()
            .flat_map(|baseline| baseline.baselined.iter()),
    )
}
