//! Comparing two runs by finding fingerprints: what `--new-only` (a plan against its prior
//! state) and `iamlint diff OLD NEW` (two snapshots) report, and the counted matching of
//! fingerprints that `triage::baseline` uses too.
//!
//! `FingerprintCounts` lives here, one layer below `triage`, so that both `new_findings`
//! and the baseline (`triage` may use `rules`, not the other way round) match with it.

use std::collections::HashMap;

use super::Finding;

/// The findings of the newer run that the older one did not have.
#[derive(Debug, Default)]
pub struct NewFindings {
    /// In the newer run's order.
    pub findings: Vec<Finding>,
    /// Findings of the newer run already present in the older one (not reported).
    pub unchanged: usize,
    /// Findings of the older run gone from the newer one.
    pub fixed: usize,
}

/// Keeps the findings of `after` whose fingerprint `before` lacks. Equal fingerprints are
/// matched one to one, so a second identical finding still counts as new.
pub fn new_findings(before: &[Finding], after: Vec<Finding>) -> NewFindings {
    let mut remaining = FingerprintCounts::of(before.iter().map(Finding::fingerprint));
    let mut out = NewFindings::default();
    for finding in after {
        if remaining.take(&finding.fingerprint()) {
            out.unchanged += 1;
        } else {
            out.findings.push(finding);
        }
    }
    out.fixed = remaining.left();
    out
}

/// A multiset of fingerprints, for matching findings one to one: each occurrence matches
/// once, so a second identical finding is not covered by the first one's match.
#[derive(Debug, Default)]
pub struct FingerprintCounts(HashMap<String, usize>);

impl FingerprintCounts {
    pub fn of<S: Into<String>>(fingerprints: impl IntoIterator<Item = S>) -> Self {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for fingerprint in fingerprints {
            *counts.entry(fingerprint.into()).or_default() += 1;
        }
        Self(counts)
    }

    /// Uses up one occurrence of `fingerprint`; `false` when none is left.
    pub fn take(&mut self, fingerprint: &str) -> bool {
        match self.0.get_mut(fingerprint) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    }

    /// How many occurrences are not used up.
    pub fn left(&self) -> usize {
        self.0.values().sum()
    }
}
