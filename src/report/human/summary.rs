//! The closing summary of `--format human` (and `concise`): counts, what was loaded and
//! skipped, triage, the live snapshot, and which load errors are listed.

use super::Style;
use crate::model::{CollectionStatus, EntityKind, SnapshotInfo};
use crate::report::safe::escape_lines;
use crate::report::{Comparison, RunReport};
use crate::sources::{LoadError, LoadErrorKind, Loaded};

/// How many item errors of one file are listed without `--verbose`.
const ITEM_ERRORS_LISTED: usize = 20;

/// A load error to show, or the line that stands for the item errors of a file past
/// [`ITEM_ERRORS_LISTED`].
pub(crate) enum Listed<'a> {
    Error(&'a LoadError),
    More(String),
}

/// The load errors to show, in order: every error, but at most [`ITEM_ERRORS_LISTED`]
/// item errors per file (all of them with `--verbose`), then how many more there are.
pub(crate) fn listed_errors(loaded: &Loaded, style: Style) -> Vec<Listed<'_>> {
    let mut listed = Vec::new();
    // Item errors of the file being listed: (file, shown, left out).
    let mut run: Option<(&str, usize, usize)> = None;
    let close = |run: Option<(&str, usize, usize)>, listed: &mut Vec<Listed<'_>>| {
        if let Some((file, _, left_out)) = run
            && left_out > 0
        {
            listed.push(Listed::More(format!(
                "... and {left_out} more item error{} in {file} (-v lists them all)",
                if left_out == 1 { "" } else { "s" }
            )));
        }
    };
    for error in &loaded.errors {
        if error.kind != LoadErrorKind::Item {
            close(run.take(), &mut listed);
            listed.push(Listed::Error(error));
            continue;
        }
        match &mut run {
            Some((file, shown, left_out)) if *file == error.file => {
                if style.verbose || *shown < ITEM_ERRORS_LISTED {
                    *shown += 1;
                    listed.push(Listed::Error(error));
                } else {
                    *left_out += 1;
                }
            }
            _ => {
                close(run.take(), &mut listed);
                run = Some((&error.file, 1, 0));
                listed.push(Listed::Error(error));
            }
        }
    }
    close(run, &mut listed);
    listed
}

/// The summary lines of a run (what `human` and `concise` end with).
pub(crate) fn summary_text(
    report: &RunReport<'_>,
    style: Style,
    comparison: Option<&Comparison>,
) -> String {
    // The summary names files, waiver reasons and accounts from inputs.
    let mut out = escape_lines(&summary(report, style)).into_owned();
    if let Some(comparison) = comparison {
        out.push_str(&format!(
            "only new findings shown (compared with {}): {} already present, {} fixed\n",
            comparison.against,
            plural(comparison.unchanged, "finding"),
            comparison.fixed
        ));
    }
    out
}

fn summary(report: &RunReport<'_>, style: Style) -> String {
    let loaded = report.loaded;
    let mut files = plural(loaded.files, "file");
    if report.several_accounts() {
        files.push_str(&format!(
            " of {}",
            plural(loaded.inventory.accounts.known(), "account")
        ));
    }
    let mut notes = Vec::new();
    if !loaded.skipped.is_empty() {
        let counts = loaded.skip_counts();
        let reasons: Vec<String> = counts
            .iter()
            .map(|(reason, count)| match counts.len() {
                1 => (*reason).to_owned(),
                _ => format!("{count} {reason}"),
            })
            .collect();
        notes.push(format!(
            "{} skipped: {}",
            loaded.skipped.len(),
            reasons.join(", ")
        ));
    }
    // Custom rule errors are counted apart: they are about the rules, not the inputs.
    let rule_errors = loaded
        .errors
        .iter()
        .filter(|error| error.kind == crate::sources::LoadErrorKind::Rule)
        .count();
    let input_errors = loaded.errors.len() - rule_errors;
    if input_errors > 0 {
        notes.push(plural(input_errors, "load error"));
    }
    if rule_errors > 0 {
        notes.push(plural(rule_errors, "custom rule error"));
    }
    if !notes.is_empty() {
        files.push_str(&format!(" ({})", notes.join(", ")));
    }
    let collections = loaded.inventory.collections;
    let resources: Vec<String> = report
        .resources()
        .into_iter()
        // Access groups are an optional export: named only when one was loaded.
        .filter(|(kind, _)| {
            *kind != EntityKind::AccessGroup
                || collections.access_groups
                || collections.access_group_members
        })
        .map(|(kind, count)| kind.count(count))
        .collect();
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let total = report.findings.len();
    // A file partly loaded says how much of it the findings are about.
    let partial: String = loaded
        .partial
        .iter()
        .map(|partial| format!("  {}: {}\n", partial.file, partial.summary()))
        .collect();
    let mut text = format!(
        "checked {files}: {}\n{partial}{}: {}",
        resources.join(", "),
        plural(total, "finding"),
        counts.join(", ")
    );
    let unknown = report.unknown_count();
    if unknown > 0 {
        text.push_str(&format!(" ({unknown} could not be evaluated)"));
    }
    text.push('\n');
    text.push_str(&triage_summary(report, style));
    for snapshot in &report.loaded.inventory.snapshots {
        text.push_str(&snapshot_summary(snapshot));
    }
    if style.verbose {
        for skipped in &loaded.skipped {
            text.push_str(&format!(
                "skipped {skipped}: {}\n",
                loaded.skip_reason(skipped)
            ));
        }
    }
    text
}

/// How many fixed baseline entries are named without `--verbose`.
const FIXED_LISTED: usize = 20;

/// The waived findings (listed with `--verbose`) and the baseline: how many known findings
/// it kept out, and which of its entries are fixed.
fn triage_summary(report: &RunReport<'_>, style: Style) -> String {
    let triage = report.triage;
    let mut text = String::new();
    if triage.waivers_ignored {
        text.push_str("waivers not applied (--no-waivers)\n");
    }
    if !triage.waived.is_empty() {
        let inline = triage
            .waived
            .iter()
            .filter(|waived| waived.waiver.source.kind() == "inline")
            .count();
        let by = match (triage.waived.len() - inline, inline) {
            (_, 0) => "by the config file".to_owned(),
            (0, _) => "by inline comments".to_owned(),
            (config, inline) => format!("{config} by the config file, {inline} inline"),
        };
        text.push_str(&format!(
            "{} waived ({by}){}\n",
            plural(triage.waived.len(), "finding"),
            if style.verbose {
                ":"
            } else {
                "; -v lists them"
            }
        ));
        if style.verbose {
            for waived in &triage.waived {
                let finding = &waived.finding;
                let until = waived
                    .waiver
                    .expires
                    .map(|date| format!("until {date}, "))
                    .unwrap_or_default();
                text.push_str(&format!(
                    "  {} on {}: {} ({until}{})\n",
                    finding.rule,
                    crate::report::subject_label(&finding.subject),
                    waived.waiver.reason,
                    waived.waiver.source.place()
                ));
            }
        }
    }
    if let Some(baseline) = &triage.baseline {
        text.push_str(&format!(
            "baseline {}: {} not shown, {} fixed\n",
            baseline.file,
            plural(baseline.baselined.len(), "known finding"),
            baseline.fixed.len()
        ));
        let listed = if style.verbose {
            baseline.fixed.len()
        } else {
            FIXED_LISTED
        };
        for entry in baseline.fixed.iter().take(listed) {
            text.push_str(&format!(
                "  fixed: {} on {} ({})\n",
                entry.rule,
                entry.resource_label(),
                entry.fingerprint
            ));
        }
        if baseline.fixed.len() > listed {
            text.push_str(&format!(
                "  and {} more fixed (-v lists them)\n",
                baseline.fixed.len() - listed
            ));
        }
        if !baseline.fixed.is_empty() {
            text.push_str(&format!(
                "  (`iamlint baseline write {} PATH...` prunes them)\n",
                baseline.file
            ));
        }
    }
    text
}

/// One line per live snapshot, then one per collection the snapshot lacks for want of
/// roles (failed and partial collections are load errors, shown above).
fn snapshot_summary(snapshot: &SnapshotInfo) -> String {
    let counts: Vec<String> = CollectionStatus::ALL
        .iter()
        .filter_map(|&status| {
            let count = snapshot.with_status(status).count();
            (count > 0).then(|| format!("{count} {}", status.as_str()))
        })
        .collect();
    let mut text = format!(
        "snapshot of account {} collected {}: {}\n",
        snapshot.account_id.as_deref().unwrap_or("<unknown>"),
        snapshot.collected_at.as_deref().unwrap_or("<unknown>"),
        counts.join(", ")
    );
    for status in [CollectionStatus::Forbidden, CollectionStatus::Skipped] {
        for collection in snapshot.with_status(status) {
            text.push_str(&format!(
                "  {} {}: {}\n",
                collection.name,
                status.as_str(),
                collection.reason.as_deref().unwrap_or("no reason recorded")
            ));
        }
    }
    text
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
