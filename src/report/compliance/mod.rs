//! The compliance report's content (`iamlint report`), independent of its format: account
//! summary, pass/fail/unknown per rule and per severity, one section per rule with every
//! failing resource and its access chain, and the CIS coverage matrix. `build.rs` makes it
//! from a run (`verdicts.rs`: pass/fail/unknown per rule per subject; `cis.rs`: the CIS
//! controls); `html` and `markdown` render it with templates.
//!
//! Everything here is plain data built from the run; the facts only `cli` can gather (file
//! times, the clock, a live-mode snapshot) come in as [`Facts`].

mod build;
pub mod cis;
pub mod html;
pub mod markdown;
pub mod verdicts;

pub use build::build;

use super::place::FileNames;
use verdicts::Tally;

/// How many passing resources a rule section names; the rest are counted. An account of
/// thousands of keys would otherwise bury the failures.
pub const PASSED_LISTED: usize = 100;

/// What the caller knows about the run beyond the inputs' content.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// When the report was made (RFC 3339), if it should say.
    pub generated: Option<String>,
    /// Each input's modification time (RFC 3339), by document name.
    pub modified: Vec<(String, String)>,
    /// A live-mode `snapshot.json` found among the inputs.
    pub snapshot: Option<Snapshot>,
    pub names: FileNames,
}

/// What a live-mode snapshot says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub file: String,
    pub taken: Option<String>,
    pub account: Option<String>,
}

/// A stacked pass/fail/unknown bar, in percent of its width.
#[derive(Debug, Clone, Default)]
pub struct Bar {
    pub pass: String,
    pub fail: String,
    pub fail_x: String,
    pub unknown: String,
    pub unknown_x: String,
}

impl Bar {
    pub(super) fn of(tally: Tally) -> Self {
        let total = tally.total().max(1) as f64;
        let percent = |count: usize| 100.0 * count as f64 / total;
        let (pass, fail, unknown) = (
            percent(tally.pass),
            percent(tally.fail),
            percent(tally.unknown),
        );
        let text = |value: f64| format!("{value:.2}");
        Self {
            pass: text(pass),
            fail: text(fail),
            fail_x: text(pass),
            unknown: text(unknown),
            unknown_x: text(pass + fail),
        }
    }
}

/// One bar of a chart.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub tally: Tally,
    pub bar: Bar,
}

impl Row {
    pub(super) fn new(label: impl Into<String>, tally: Tally) -> Self {
        Self {
            label: label.into(),
            tally,
            bar: Bar::of(tally),
        }
    }
}

/// A link in an access chain.
#[derive(Debug, Clone)]
pub struct Link {
    /// What it is to the finding ("the key's service ID").
    pub role: String,
    /// `service ID `at-siem-reader``.
    pub entity: String,
    pub id: String,
    pub location: Option<String>,
}

/// One failing (or unknown) resource of a rule.
#[derive(Debug, Clone)]
pub struct Item {
    pub subject: String,
    pub id: String,
    pub severity: String,
    pub message: String,
    /// Where the finding points, and what is wrong there.
    pub location: Option<String>,
    pub label: String,
    /// The resource, then the entities behind it (service ID, policy, instance).
    pub chain: Vec<Link>,
    pub remediation: Option<String>,
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// Everything about one rule.
#[derive(Debug, Clone)]
pub struct RuleSection {
    pub id: &'static str,
    pub title: String,
    pub severity: String,
    pub category: String,
    pub summary: String,
    pub rationale: String,
    pub remediation: String,
    pub fix: String,
    pub references: Vec<Reference>,
    pub tally: Tally,
    pub failures: Vec<Item>,
    pub unknowns: Vec<Item>,
    /// Labels of the first [`PASSED_LISTED`] resources that passed.
    pub passed: Vec<String>,
    /// How many more passed than are listed.
    pub passed_more: usize,
    /// The CIS controls it helps check.
    pub controls: Vec<String>,
}

/// One row of the CIS matrix.
#[derive(Debug, Clone)]
pub struct CisRow {
    pub id: String,
    pub title: String,
    pub coverage: &'static str,
    /// `automated`, `live` or `manual`, for styling.
    pub coverage_class: &'static str,
    pub rules: Vec<&'static str>,
    /// For automated controls: the verdict over their rules' checks.
    pub result: Option<&'static str>,
    /// `pass`, `fail`, `unknown` or `none`, for styling.
    pub result_class: &'static str,
    /// For automated controls with checks: what the verdict rests on (how many subjects
    /// failed or could not be judged, and the first such finding's message; or how many
    /// passed).
    pub evidence: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Count {
    /// Singular or plural, to go with the count (`1 policy`, `8 policies`).
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub status: &'static str,
    pub modified: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub file: String,
    pub message: String,
}

/// A finding a waiver accepted.
#[derive(Debug, Clone)]
pub struct WaivedItem {
    pub rule: &'static str,
    pub item: Item,
    pub reason: String,
    /// The day the waiver stops applying (YYYY-MM-DD), if it expires.
    pub expires: Option<String>,
    /// Where the waiver is written: `iamlint.yaml:7`, or the input line of its comment.
    pub source: String,
}

/// A baseline entry that no longer occurs.
#[derive(Debug, Clone)]
pub struct FixedItem {
    pub rule: String,
    pub resource: String,
    /// The finding's message when the baseline was written.
    pub message: String,
    pub fingerprint: String,
}

/// The whole report. Waived findings are not counted in the tallies (neither failing nor
/// passing): they are listed in their own section with their reasons and expiry.
#[derive(Debug, Clone)]
pub struct Compliance {
    pub tool_version: &'static str,
    pub generated: Option<String>,
    pub accounts: Vec<String>,
    pub snapshot: Option<Snapshot>,
    pub resources: Vec<Count>,
    pub inputs: Vec<Input>,
    pub totals: Tally,
    pub findings: usize,
    pub by_rule: Vec<Row>,
    pub by_severity: Vec<Row>,
    pub rules: Vec<RuleSection>,
    pub cis_benchmark: String,
    pub cis_rows: Vec<CisRow>,
    pub cis_counts: Vec<(&'static str, usize)>,
    pub problems: Vec<Problem>,
    pub waived: Vec<WaivedItem>,
    /// `--no-waivers`: waivers were not applied.
    pub waivers_ignored: bool,
    /// With a baseline (`check --format html --baseline FILE`): its file.
    pub baseline_file: Option<String>,
    /// Findings in the baseline, not listed.
    pub baselined: usize,
    pub fixed: Vec<FixedItem>,
}
