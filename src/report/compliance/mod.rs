//! The compliance report's content (`iamlint report`), independent of its format. It leads
//! with triage: whether the inputs are complete, failing findings counted by severity, the
//! CIS automated controls' verdicts, the top risks, and one table of every finding sorted by
//! severity then rule; then one section per rule (every failing resource with its access
//! chain), per CIS control and, for several accounts, per account. `build.rs` makes it from
//! a run (`overview.rs`: the first screen, the findings table and the accounts;
//! `verdicts.rs`: pass/fail/unknown per rule per subject; `cis.rs`: the CIS controls);
//! `html` and `markdown` render it with templates.
//!
//! Everything here is plain data built from the run; the facts only `cli` can gather (file
//! times, the clock, a live-mode snapshot) come in as [`Facts`].

mod build;
pub mod cis;
pub mod html;
pub mod markdown;
pub(crate) mod overview;
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
    /// The HTML id of its detail (`f12`), which its row in the findings table links to;
    /// empty for a waived finding (not in the table).
    pub anchor: String,
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
    /// What the pass/fail/unknown counts count: `1854 service IDs`, `1 account`.
    pub checked: String,
    /// Most severe first.
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

/// How many of the reported findings the top risks list at most.
pub const TOP_RISKS: usize = 5;

/// Failing findings of one severity.
#[derive(Debug, Clone)]
pub struct SeverityCount {
    pub severity: &'static str,
    pub count: usize,
}

/// Rules by outcome.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleCounts {
    pub failing: usize,
    pub unknown: usize,
    pub passing: usize,
    pub nothing: usize,
}

/// The verdicts of the automated CIS controls (those an iamlint rule checks).
#[derive(Debug, Clone, Copy, Default)]
pub struct CisTotals {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    /// Automated controls with nothing in the inputs to check.
    pub nothing: usize,
}

impl CisTotals {
    pub fn automated(&self) -> usize {
        self.pass + self.fail + self.unknown + self.nothing
    }
}

/// One row of the findings table (also a top risk).
#[derive(Debug, Clone)]
pub struct FindingRow {
    /// The id of the finding's detail in its rule's section.
    pub anchor: String,
    pub severity: &'static str,
    /// 4 for critical down to 0 for info: the table's sort key, for the page's script.
    pub rank: u8,
    /// `fail` or `unknown`.
    pub status: &'static str,
    pub rule: &'static str,
    /// The resource's kind (`service ID`).
    pub kind: &'static str,
    pub subject: String,
    pub account: Option<String>,
    pub location: Option<String>,
    pub message: String,
    /// The access chain on one line: `resource key `a` → service ID `b` → policy `c``.
    pub chain: String,
}

/// The distinct values of the findings table's columns, in table order, for its filters.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub severities: Vec<&'static str>,
    pub rules: Vec<&'static str>,
    pub accounts: Vec<String>,
    pub kinds: Vec<&'static str>,
    pub statuses: Vec<&'static str>,
}

/// One account of a run over several.
#[derive(Debug, Clone)]
pub struct AccountSection {
    /// The account id, or `no account named` for entities of no known account.
    pub id: String,
    pub anchor: String,
    pub findings: usize,
    pub failing: Vec<SeverityCount>,
    pub unknown: usize,
    pub cis_totals: CisTotals,
    /// Its rules with failures, most failures first.
    pub failing_rules: Vec<(&'static str, usize)>,
    pub top_risks: Vec<FindingRow>,
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
    /// How the inputs fared, in one line (`31 inputs: 29 loaded, 1 skipped, 1 not loaded`).
    pub inputs_line: String,
    /// Why the report does not cover everything the inputs meant to hold; empty when
    /// every input loaded whole.
    pub incomplete: Vec<String>,
    pub findings: usize,
    /// Failing findings (not unknown ones) per severity, most severe first.
    pub failing: Vec<SeverityCount>,
    /// Findings that could not be evaluated (status `unknown`).
    pub unknown: usize,
    /// How many rules have failures, only unknowns, only passes, or nothing to check.
    pub rule_counts: RuleCounts,
    /// The most severe failing findings (at most [`TOP_RISKS`]), in table order.
    pub top_risks: Vec<FindingRow>,
    /// Every reported finding, sorted by severity (most severe first), then rule, status,
    /// account, resource and location.
    pub table: Vec<FindingRow>,
    /// The table's distinct values, for its filters.
    pub filters: Filters,
    /// One section per account, when the run holds several (else empty).
    pub account_sections: Vec<AccountSection>,
    pub rules: Vec<RuleSection>,
    pub cis_benchmark: String,
    pub cis_rows: Vec<CisRow>,
    pub cis_counts: Vec<(&'static str, usize)>,
    /// The verdicts of the automated CIS controls.
    pub cis_totals: CisTotals,
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
