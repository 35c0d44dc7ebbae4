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
    /// What tells this finding apart from other findings of the same rule on the same
    /// subject (say, the id of the offending policy), when there can be several. Part of
    /// [`Finding::fingerprint`]; never a line number or a count.
    pub detail: Option<String>,
}

impl Finding {
    /// The parts the fingerprint is computed from, in order: a version tag, the rule id, the
    /// subject's identity (its Terraform address when declared in a plan or state, else its
    /// kind and CRN or id), the identities of the related resources in the access chain
    /// (sorted), and [`Finding::detail`]. Nothing in it depends on where the finding sits in
    /// a file, on the message's wording or on counts.
    pub fn fingerprint_parts(&self) -> Vec<String> {
        let subject = self.subject.identity();
        let mut related: Vec<String> = self
            .related
            .iter()
            .map(|related| related.entity.identity())
            .filter(|identity| *identity != subject)
            .collect();
        related.sort();
        related.dedup();
        vec![
            "iamlint-finding-v1".to_owned(),
            self.rule.to_owned(),
            subject,
            related.join(","),
            self.detail.clone().unwrap_or_default(),
        ]
    }

    /// A stable identity of this finding across runs, for `--new-only`, `iamlint diff`,
    /// baselines and SARIF `partialFingerprints`: the first 128 bits, in lower-case hex, of
    /// the SHA-256 of [`Finding::fingerprint_parts`], each followed by a NUL byte. Editing an
    /// unrelated line, moving an entity to another export, rewording a message or a count
    /// that changes (`21 keys` -> `22 keys`) never turns a known finding into a new one.
    pub fn fingerprint(&self) -> String {
        let parts = self.fingerprint_parts();
        digest(parts.iter().map(String::as_str))
    }
}

/// The hex SHA-256 of `parts` (each ended by a NUL), cut to 32 digits: a finding's
/// fingerprint, and any other stable id made the same way (GitLab's load-error issues).
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
