//! Comparing two runs by finding fingerprints: what `--new-only` (a plan against its prior
//! state) and `iamlint diff OLD NEW` (two snapshots) report.

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
    let mut remaining: HashMap<String, usize> = HashMap::new();
    for finding in before {
        *remaining.entry(finding.fingerprint()).or_default() += 1;
    }
    let mut out = NewFindings::default();
    for finding in after {
        match remaining.get_mut(&finding.fingerprint()) {
            Some(count) if *count > 0 => {
                *count -= 1;
                out.unchanged += 1;
            }
            _ => out.findings.push(finding),
        }
    }
    out.fixed = remaining.values().sum();
    out
}
