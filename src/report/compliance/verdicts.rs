//! Per-rule verdicts: for every subject a rule evaluated, did it pass, fail, or could it
//! not be judged? JUnit (`--show-passed`) and the compliance report are built on these.

use std::sync::LazyLock;

use crate::model::{EntityKind, EntityRef, EntityView, Inventory};
use crate::rules::{Evaluated, EvaluatedSubject, Finding, Severity, Status};

/// The verdict of one rule on one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Pass,
    Fail,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }
}

/// One rule applied to one subject. A run at scale 100 makes a million and a half: the
/// subject is read when asked for ([`Check::subject`]), not held as a view.
#[derive(Debug, Clone)]
pub struct Check<'a> {
    pub rule: &'static str,
    subject: Of<'a>,
    pub verdict: Verdict,
    /// The severity that counts: the highest of its findings, else the rule's own.
    pub severity: Severity,
    /// The findings of this rule on this subject (empty for a pass).
    pub findings: Vec<&'a Finding>,
}

/// Where a check's subject is read.
#[derive(Debug, Clone, Copy)]
enum Of<'a> {
    /// What the rule recorded, in the inventory the rules ran on.
    Evaluated(&'a EvaluatedSubject, &'a Inventory),
    /// A finding's subject the rule did not record.
    Finding(&'a EntityRef),
}

impl<'a> Check<'a> {
    /// The subject the rule judged.
    pub fn subject(&self) -> EntityView<'a> {
        match self.subject {
            Of::Evaluated(subject, inventory) => subject.view(inventory),
            Of::Finding(subject) => Some(subject.view()),
        }
        // `checks` makes a check only of a subject it can read.
        .unwrap_or_else(|| UNREAD.view())
    }
}

static UNREAD: LazyLock<EntityRef> = LazyLock::new(|| EntityRef {
    kind: EntityKind::Account,
    id: String::new(),
    name: None,
    origin: crate::model::Origin::new(crate::model::DocId(0), crate::model::Pointer::root()),
    address: None,
    account: None,
});

/// Pass, fail and unknown counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
}

impl Tally {
    pub fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Unknown => self.unknown += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.pass + self.fail + self.unknown
    }
}

/// Joins what the rules evaluated with what they found, in the order of `evaluated`, whose
/// subjects are read through `inventory` (the one the rules ran on). `passes`: whether
/// passes are wanted (JUnit lists them only with `--show-passed`); the other checks keep
/// their order either way.
///
/// A subject with a `fail` finding fails; one with only `unknown` findings is unknown; one
/// with none passes. Findings whose subject was not recorded (which the engine prevents)
/// are still reported, after the others.
pub fn checks<'a>(
    evaluated: &'a [Evaluated],
    findings: &'a [Finding],
    inventory: &'a Inventory,
    passes: bool,
) -> Vec<Check<'a>> {
    // Looked up once per pass (a million at scale 100): FxHash, not SipHash. The orphans
    // are sorted below, so the hasher decides no order.
    let mut by_subject: rustc_hash::FxHashMap<(&str, EntityKind, &str), Vec<&'a Finding>> =
        rustc_hash::FxHashMap::default();
    for finding in findings {
        by_subject
            .entry((
                finding.rule,
                finding.subject.kind,
                finding.subject.id.as_str(),
            ))
            .or_default()
            .push(finding);
    }
    let mut checks = Vec::with_capacity(if passes {
        evaluated.len()
    } else {
        findings.len()
    });
    for item in evaluated {
        let Some(subject) = item.subject.view(inventory) else {
            continue;
        };
        let key = (item.rule, subject.kind, subject.id);
        let findings = by_subject.remove(&key).unwrap_or_default();
        if passes || !findings.is_empty() {
            checks.push(check(
                item.rule,
                Of::Evaluated(&item.subject, inventory),
                findings,
            ));
        }
    }
    let mut orphans: Vec<_> = by_subject.into_values().collect();
    orphans.sort_by_key(|findings| findings.first().map(|finding| finding.fingerprint()));
    for findings in orphans {
        if let Some(first) = findings.first() {
            checks.push(check(first.rule, Of::Finding(&first.subject), findings));
        }
    }
    checks
}

fn check<'a>(rule: &'static str, subject: Of<'a>, findings: Vec<&'a Finding>) -> Check<'a> {
    let verdict = if findings.is_empty() {
        Verdict::Pass
    } else if findings
        .iter()
        .any(|finding| finding.status == Status::Fail)
    {
        Verdict::Fail
    } else {
        Verdict::Unknown
    };
    let severity = findings
        .iter()
        .map(|finding| finding.severity)
        .max()
        .or_else(|| crate::rules::meta(rule).map(|meta| meta.severity))
        .unwrap_or(Severity::Info);
    Check {
        rule,
        subject,
        verdict,
        severity,
        findings,
    }
}
