//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it.
//!
//! Hand-written DTOs with only the members iamlint fills (as zizmor and cargo-deny do):
//! one run, the rule catalogue in `tool.driver.rules`, one result per finding with a
//! physical location relative to `--repo-root`, the access chain as `relatedLocations`,
//! the stable [`Finding::fingerprint`](crate::rules::Finding::fingerprint) in `partialFingerprints`, and load errors as
//! tool execution notifications.

mod map;
mod model;

pub use map::{level, render, write};

use super::place::FileNames;

/// The key of iamlint's fingerprint in `partialFingerprints` (versioned with its recipe).
pub const FINGERPRINT_KEY: &str = "iamlintFinding/v1";

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// File names relative to the repository root.
    pub names: FileNames,
}
