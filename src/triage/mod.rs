//! The step between the rules and the renderers: which findings are waived (config and
//! inline waivers), which are already in a baseline, which baseline entries are fixed, and
//! the warnings about the waivers themselves. Pure: the clock comes in as
//! `Settings::now`, the baseline as a parsed file; `pipeline` reads it and `cli` writes it.
//!
//! The exit code is decided by what is left: waived and baselined findings never fail a
//! run, but every output counts (and most list) them.

pub mod baseline;
pub mod waivers;

pub use baseline::{Baseline, Compared, Entry, Recorded};
pub use waivers::{Split, Waived, WaiverInfo, WaiverSource, Waivers};

use crate::config::{Config, ConfigSource, Target};
use crate::model::{DocId, Pointer};
use crate::rules::{Finding, Settings};
use crate::sources::Loaded;

/// What the step did to a run's findings, for the renderers.
#[derive(Debug, Default)]
pub struct Triage {
    /// The waived findings, in the run's order.
    pub waived: Vec<Waived>,
    /// Present when the run was checked against a baseline.
    pub baseline: Option<BaselineOutcome>,
    pub warnings: Vec<Warning>,
    /// The config file, for warnings that point into it.
    pub config: Option<ConfigSource>,
    /// `--no-waivers`: no waiver was applied.
    pub waivers_ignored: bool,
}

impl Triage {
    /// Nothing waived, no baseline (what a run without this step looks like).
    pub const NONE: Self = Self {
        waived: Vec::new(),
        baseline: None,
        warnings: Vec::new(),
        config: None,
        waivers_ignored: false,
    };
}

/// A run compared with a baseline file.
#[derive(Debug, Default)]
pub struct BaselineOutcome {
    /// The file as named on the command line.
    pub file: String,
    /// Findings in the baseline: counted, not reported.
    pub baselined: Vec<Finding>,
    /// Entries that no longer occur.
    pub fixed: Vec<Entry>,
}

/// The kinds of warning, named like rule ids in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningCode {
    /// A config waiver's `expires` date has passed.
    WaiverExpired,
    /// A waiver of a rule that ran matched no finding.
    WaiverUnused,
    /// An `# iamlint:` comment that waives nothing: malformed, no reason, unknown rule.
    InlineWaiverInvalid,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WaiverExpired => "waiver-expired",
            Self::WaiverUnused => "waiver-unused",
            Self::InlineWaiverInvalid => "inline-waiver-invalid",
        }
    }
}

/// Where a warning points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningPlace {
    /// A member of the config file.
    Config { pointer: Pointer, target: Target },
    /// A comment line of an input.
    Input { document: DocId, line: usize },
}

/// A problem with a waiver: it never fails a run, but is shown in every format that has a
/// place for it (stderr always).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: WarningCode,
    /// Lower case, no trailing period.
    pub message: String,
    pub help: Option<String>,
    /// The file and 1-based line, for outputs without snippets.
    pub file: String,
    pub line: Option<usize>,
    pub place: WarningPlace,
}

/// What sets findings aside: the waivers (unless `--no-waivers`) and the baseline, with
/// the settings that judge them.
#[derive(Debug, Clone, Copy)]
pub struct Exemptions<'a> {
    /// The config file (its waivers).
    pub config: &'a Config,
    /// `false` for `--no-waivers`: neither config nor inline waivers apply.
    pub waivers: bool,
    /// The baseline file's name and content.
    pub baseline: Option<(&'a str, &'a Baseline)>,
    /// Which rules ran (waivers and baseline entries of other rules are not judged) and
    /// the time that decides expiry.
    pub settings: &'a Settings,
}

impl Exemptions<'_> {
    fn waivers(&self, loaded: &Loaded) -> Waivers {
        if !self.waivers {
            return Waivers::default();
        }
        let today = self
            .settings
            .now
            .map(|now| jiff::tz::Offset::UTC.to_datetime(now).date());
        Waivers::new(
            self.config,
            &loaded.inline_waivers,
            &loaded.documents,
            today,
        )
    }
}

/// Applies the waivers, then the baseline, to a run's findings: returns the findings to
/// report (in their order) and what was set aside.
pub fn apply(
    findings: Vec<Finding>,
    loaded: &Loaded,
    exemptions: &Exemptions<'_>,
) -> (Vec<Finding>, Triage) {
    let waivers = exemptions.waivers(loaded);
    let split = waivers.split(findings, &loaded.documents);
    let warnings = waivers.warnings(&split, exemptions.settings);
    let Split { kept, waived, .. } = split;
    let mut triage = Triage {
        waived,
        baseline: None,
        warnings,
        config: exemptions.config.source.clone(),
        waivers_ignored: !exemptions.waivers,
    };
    let reported = match exemptions.baseline {
        Some((file, baseline)) => {
            let compared = baseline.compare(kept, exemptions.settings);
            triage.baseline = Some(BaselineOutcome {
                file: file.to_owned(),
                baselined: compared.baselined,
                fixed: compared.fixed,
            });
            compared.new
        }
        None => kept,
    };
    (reported, triage)
}

/// The findings the waivers leave, without warnings: for the other side of a comparison
/// (`--new-only`'s prior state), so that a waived finding is waived on both sides.
pub fn unwaived(
    findings: Vec<Finding>,
    loaded: &Loaded,
    exemptions: &Exemptions<'_>,
) -> Vec<Finding> {
    exemptions
        .waivers(loaded)
        .split(findings, &loaded.documents)
        .kept
}
