//! Findings: what a rule reports, with symbolic locations (pointers, not bytes).

use std::fmt;
use std::str::FromStr;

use crate::model::{EntityRef, Origin};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Highest first, the order outputs list counts in.
    pub const DESCENDING: [Self; 5] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "info" => Ok(Self::Info),
            "low" => Ok(Self::Low),
            "medium" => Ok(Self::Medium),
            "high" => Ok(Self::High),
            "critical" => Ok(Self::Critical),
            other => Err(format!(
                "unknown severity `{other}`: expected info, low, medium, high or critical"
            )),
        }
    }
}

/// `Fail` for a violation; `Unknown` when the inputs lack what the rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Fail,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }
}

/// A place in an input, with the text of its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub origin: Origin,
    pub text: String,
}

/// Another entity in the access chain (the key's service ID, the policy, the instance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub entity: EntityRef,
    pub label: Label,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    /// The entity the finding is about.
    pub subject: EntityRef,
    /// Exactly one primary location: the offending value.
    pub primary: Label,
    pub related: Vec<Related>,
    /// The fix, with real ids filled in.
    pub remediation: Option<String>,
    /// What tells this finding apart from another of the same rule on the same resource
    /// (a missing role, a member name), for [`Finding::fingerprint`]. Never a line number.
    pub detail: Option<String>,
}

impl Finding {
    /// The text the fingerprint is computed from: rule id, the identity of the resource
    /// (its Terraform address when declared in a plan or state, else its CRN or id), the
    /// identities of the related resources in the access chain, and the detail. Nothing in
    /// it depends on where the finding sits in a file.
    pub fn fingerprint_input(&self) -> String {
        let mut related: Vec<String> = self
            .related
            .iter()
            .map(|related| related.entity.identity())
            .filter(|identity| *identity != self.subject.identity())
            .collect();
        related.sort();
        related.dedup();
        format!(
            "{}\n{}\n{}\n{}",
            self.rule,
            self.subject.identity(),
            related.join("\n"),
            self.detail.as_deref().unwrap_or("")
        )
    }

    /// A stable fingerprint of the finding: the first 128 bits of the SHA-256 of
    /// [`Finding::fingerprint_input`], in lower-case hex. The same violation on the same
    /// resources keeps its fingerprint across runs, file edits and reordering; `--new-only`,
    /// `iamlint diff` (and baselines) compare findings by it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.fingerprint_input().as_bytes());
        digest
            .iter()
            .take(16)
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}
