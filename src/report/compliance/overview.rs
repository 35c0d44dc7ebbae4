//! The report's first screen and its findings table: whether the inputs are complete, the
//! failing findings by severity, the top risks, one row per finding sorted by severity then
//! rule (with the anchors that link each row to its detail), and the per-account roll-up.
//!
//! Counts here are of findings and controls, never of passing subjects: a pass count only
//! means something next to what was counted, which the rule sections say.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::verdicts::Check;
use super::{AccountSection, CisRow, CisTotals, Filters, FindingRow, Input, Item, SeverityCount};
use crate::model::{CollectionStatus, DocId};
use crate::report::RunReport;
use crate::rules::{Finding, Severity, Status};

/// Where a finding's detail is: its row's anchor, by the finding's address in the run's
/// findings (the rule sections hold references into the same slice).
pub(super) type Anchors = HashMap<*const Finding, String>;

fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Critical => 4,
        Severity::High => 3,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// The findings table: every reported finding, most severe first, then by rule, failures
/// before unknowns, then account, resource and place; each row gets the anchor `f<n>`.
pub(super) fn table(
    report: &RunReport<'_>,
    item: impl Fn(&Finding, String) -> Item,
) -> (Vec<FindingRow>, Anchors) {
    let mut rows: Vec<(&Finding, FindingRow)> = report
        .findings
        .iter()
        .map(|finding| (finding, row(finding, &item(finding, String::new()))))
        .collect();
    rows.sort_by(|(_, a), (_, b)| {
        (
            Reverse(a.rank),
            a.rule,
            a.status,
            &a.account,
            &a.subject,
            &a.location,
        )
            .cmp(&(
                Reverse(b.rank),
                b.rule,
                b.status,
                &b.account,
                &b.subject,
                &b.location,
            ))
    });
    let mut anchors = Anchors::new();
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(at, (finding, mut row))| {
            row.anchor = format!("f{}", at + 1);
            anchors.insert(std::ptr::from_ref(finding), row.anchor.clone());
            row
        })
        .collect();
    (rows, anchors)
}

fn row(finding: &Finding, item: &Item) -> FindingRow {
    FindingRow {
        anchor: String::new(),
        severity: finding.severity.as_str(),
        rank: rank(finding.severity),
        // `fail` sorts before `unknown`.
        status: finding.status.as_str(),
        rule: finding.rule,
        kind: finding.subject.kind.label(),
        subject: item.subject.clone(),
        account: finding.subject.account.as_deref().map(str::to_owned),
        location: item.location.clone(),
        message: item.message.clone(),
        // A chain of the resource alone says nothing the row does not.
        chain: match item.chain.as_slice() {
            [] | [_] => String::new(),
            links => links
                .iter()
                .map(|link| link.entity.as_str())
                .collect::<Vec<_>>()
                .join(" → "),
        },
    }
}

/// The most severe failing findings (info-level ones are not risks), at most `limit`, in
/// table order: see [`pick_top`].
pub(super) fn top_risks<'a>(
    rows: impl IntoIterator<Item = &'a FindingRow>,
    limit: usize,
) -> Vec<FindingRow> {
    let risks: Vec<&FindingRow> = rows
        .into_iter()
        .filter(|row| row.status == Status::Fail.as_str() && row.rank > 0)
        .collect();
    pick_top(&risks, |row| row.rule, limit)
        .into_iter()
        .map(|at| risks[at].clone())
        .collect()
}

/// The positions of at most `limit` of `items` (sorted most severe first): the first item
/// of each rule, then, if rules run out, the next ones, so that five findings of one rule
/// do not hide a second rule of the same severity. In the items' order.
pub(crate) fn pick_top<T>(items: &[T], rule: impl Fn(&T) -> &str, limit: usize) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    for (at, item) in items.iter().enumerate() {
        if chosen.len() < limit
            && !chosen
                .iter()
                .any(|&taken| rule(&items[taken]) == rule(item))
        {
            chosen.push(at);
        }
    }
    for at in 0..items.len() {
        if chosen.len() < limit && !chosen.contains(&at) {
            chosen.push(at);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// A finding's access chain on one line (`resource key `a` → service ID `b` → policy
/// `c``), or `None` when the chain is the resource alone.
pub(crate) fn chain_line(finding: &Finding) -> Option<String> {
    let subject = &finding.subject;
    let mut links = vec![crate::report::subject_label(subject)];
    links.extend(
        finding
            .related
            .iter()
            .filter(|related| {
                !(related.entity.kind == subject.kind && related.entity.id == subject.id)
            })
            .map(|related| crate::report::subject_label(&related.entity)),
    );
    (links.len() > 1).then(|| links.join(" → "))
}

/// Failing findings per severity, most severe first, and how many are unknown.
pub(super) fn failing<'a>(
    rows: impl IntoIterator<Item = &'a FindingRow> + Clone,
) -> (Vec<SeverityCount>, usize) {
    let counts = Severity::DESCENDING
        .iter()
        .map(|severity| SeverityCount {
            severity: severity.as_str(),
            count: rows
                .clone()
                .into_iter()
                .filter(|row| row.status == "fail" && row.severity == severity.as_str())
                .count(),
        })
        .collect();
    let unknown = rows
        .into_iter()
        .filter(|row| row.status == "unknown")
        .count();
    (counts, unknown)
}

/// The distinct values of each filtered column, in table order (severities most severe
/// first), rules and kinds sorted.
pub(super) fn filters(rows: &[FindingRow]) -> Filters {
    let mut filters = Filters::default();
    for row in rows {
        if !filters.severities.contains(&row.severity) {
            filters.severities.push(row.severity);
        }
        if !filters.statuses.contains(&row.status) {
            filters.statuses.push(row.status);
        }
    }
    filters.statuses.sort_unstable();
    filters.rules = rows
        .iter()
        .map(|row| row.rule)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    filters.kinds = rows
        .iter()
        .map(|row| row.kind)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    filters.accounts = rows
        .iter()
        .filter_map(|row| row.account.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    filters
}

/// The verdicts of the automated controls among `rows`.
pub(super) fn cis_totals(rows: &[CisRow]) -> CisTotals {
    let mut totals = CisTotals::default();
    for row in rows.iter().filter(|row| row.coverage_class == "automated") {
        match row.result_class {
            "pass" => totals.pass += 1,
            "fail" => totals.fail += 1,
            "unknown" => totals.unknown += 1,
            _ => totals.nothing += 1,
        }
    }
    totals
}

/// What a run's outputs lack: inputs not read, inputs read in part, and live-snapshot
/// collections that are not complete. Each reason is one sentence, file names in code
/// spans. The compliance report, the Markdown summary and the job summary lead with it.
pub(crate) fn incomplete(report: &RunReport<'_>) -> Vec<String> {
    let loaded = report.loaded;
    let mut reasons = Vec::new();
    // The first few unread files by name; the input problems list them all.
    const NAMED: usize = 3;
    let partial = |file: &str| loaded.partial.iter().any(|partial| partial.file == file);
    // A snapshot.json was read: its errors are its incomplete collections, said below.
    let snapshots = snapshot_documents(report);
    let unread: Vec<String> = loaded
        .errors
        .iter()
        .filter(|error| !error.document.is_some_and(|id| snapshots.contains(&id)))
        .map(|error| error.file.as_str())
        .filter(|file| !partial(file))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|file| format!("`{}`", file.replace('`', "'")))
        .collect();
    let named = match unread.len() {
        0 => String::new(),
        count if count > NAMED => format!(
            " ({} and {} more)",
            unread[..NAMED].join(", "),
            count - NAMED
        ),
        _ => format!(" ({})", unread.join(", ")),
    };
    match unread.len() {
        0 => {}
        1 => reasons.push(format!("1 file could not be read{named}")),
        count => reasons.push(format!("{count} files could not be read{named}")),
    }
    for partial in &loaded.partial {
        reasons.push(format!(
            "`{}` was read in part ({})",
            partial.file.replace('`', "'"),
            partial.summary()
        ));
    }
    for snapshot in &loaded.inventory.snapshots {
        for collection in &snapshot.collections {
            if collection.status == CollectionStatus::Complete {
                continue;
            }
            let why = collection
                .reason
                .as_deref()
                .map(|reason| format!(": {}", crate::report::one_line(reason)))
                .unwrap_or_default();
            reasons.push(format!(
                "the live collection `{}` is {}{why}",
                collection.name,
                collection.status.as_str()
            ));
        }
    }
    reasons
}

/// The documents that are live snapshots' `snapshot.json`.
pub(super) fn snapshot_documents(report: &RunReport<'_>) -> Vec<DocId> {
    report
        .loaded
        .inventory
        .snapshots
        .iter()
        .map(|snapshot| snapshot.origin.document)
        .collect()
}

/// The status of an input that failed to load.
pub(super) const NOT_LOADED: &str = "not loaded";

/// `31 inputs: 29 loaded, 1 skipped, 1 not loaded`.
pub(super) fn inputs_line(inputs: &[Input]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for input in inputs {
        // `skipped: why` counts as `skipped`, `loaded in part: ...` as itself.
        let status = input.status.split(':').next().unwrap_or(input.status);
        match counts.iter_mut().find(|(known, _)| *known == status) {
            Some((_, count)) => *count += 1,
            None => counts.push((status, 1)),
        }
    }
    let order = |status: &str| match status {
        "loaded" => 0,
        "loaded in part" => 1,
        "skipped" => 2,
        _ => 3,
    };
    counts.sort_by_key(|(status, _)| order(status));
    let parts: Vec<String> = counts
        .iter()
        .map(|(status, count)| format!("{count} {status}"))
        .collect();
    format!(
        "{} input{}: {}",
        inputs.len(),
        if inputs.len() == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// One section per account, in account order (entities of no known account last), when the
/// run holds several; `cis` judges the CIS controls on one account's checks.
pub(super) fn accounts(
    report: &RunReport<'_>,
    rows: &[FindingRow],
    all: &[Check<'_>],
    cis: impl Fn(&[Check<'_>]) -> Vec<CisRow>,
) -> Vec<AccountSection> {
    if !report.several_accounts() {
        return Vec::new();
    }
    let mut ids: Vec<Option<&str>> = report.loaded.inventory.accounts.ids().collect();
    // `None` sorts first; the accounts people named come first in the report.
    ids.sort_by_key(Option::is_none);
    ids.into_iter()
        .enumerate()
        .map(|(at, id)| {
            let own: Vec<&FindingRow> = rows
                .iter()
                .filter(|row| row.account.as_deref() == id)
                .collect();
            let checks: Vec<Check<'_>> = all
                .iter()
                .filter(|check| check.subject().account == id)
                .cloned()
                .collect();
            let (failing, unknown) = failing(own.iter().copied());
            let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
            for row in own.iter().filter(|row| row.status == "fail") {
                *by_rule.entry(row.rule).or_default() += 1;
            }
            let mut failing_rules: Vec<(&'static str, usize)> = by_rule.into_iter().collect();
            failing_rules.sort_by_key(|(_, count)| Reverse(*count));
            AccountSection {
                id: id.unwrap_or("no account named").to_owned(),
                anchor: format!("account-{}", at + 1),
                findings: own.len(),
                failing,
                unknown,
                cis_totals: cis_totals(&cis(&checks)),
                failing_rules,
                top_risks: top_risks(own.iter().copied(), 3),
            }
        })
        .collect()
}
