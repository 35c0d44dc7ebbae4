//! The CIS IBM Cloud Foundations Benchmark IAM controls (1.1-1.19) and how iamlint covers
//! each, read from `rules/benchmarks/cis.yaml` (compiled in) for the compliance report's matrix.

use std::sync::OnceLock;

use serde::Deserialize;

/// What a control needs when no iamlint rule checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Otherwise {
    /// Data only the live IAM APIs return (account settings, MFA, users, activity).
    Live,
    /// A person's review.
    Manual,
}

/// How iamlint covers a control in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// At least one registered rule checks it.
    Automated,
    Live,
    Manual,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automated => "automated",
            Self::Live => "needs live data",
            Self::Manual => "manual",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// Rules that check it (some may not be registered in this build).
    pub rules: Vec<String>,
    pub otherwise: Otherwise,
    pub note: String,
}

impl Control {
    /// The control's rules that this build has.
    pub fn registered_rules(&self) -> Vec<&'static str> {
        crate::rules::REGISTRY
            .iter()
            .map(|entry| entry.id)
            .filter(|id| self.rules.iter().any(|rule| rule == id))
            .collect()
    }

    pub fn coverage(&self) -> Coverage {
        if !self.registered_rules().is_empty() {
            Coverage::Automated
        } else {
            match self.otherwise {
                Otherwise::Live => Coverage::Live,
                Otherwise::Manual => Coverage::Manual,
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    pub benchmark: String,
    pub version: String,
    pub section: String,
    pub controls: Vec<Control>,
}

/// The text of `rules/benchmarks/cis.yaml`.
pub const YAML: &str = include_str!("../../../rules/benchmarks/cis.yaml");

/// The parsed benchmark; `Err` when the compiled-in YAML is broken (a test catches it).
pub fn benchmark() -> Result<&'static Benchmark, &'static str> {
    static BENCHMARK: OnceLock<Result<Benchmark, String>> = OnceLock::new();
    BENCHMARK
        .get_or_init(|| serde_yaml::from_str(YAML).map_err(|error| error.to_string()))
        .as_ref()
        .map_err(String::as_str)
}
