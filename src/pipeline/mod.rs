//! The library's entry point: inputs in, findings out. [`run`] loads the inputs, runs the
//! rules, resolves the places the findings point at, orders them and sets the waived and
//! baselined ones apart; [`exit_code`] says how a run of them ends. Every command of the
//! CLI, the tests, the fuzz targets and the benchmarks go through here; nothing here renders
//! or prints.

pub mod compare;
pub mod triage;

use std::path::PathBuf;

use crate::config::Config;
use crate::custom::CustomRules;
use crate::report::{self, Comparison};
use crate::rules::{self, Finding, Settings, Severity};
use crate::sources::{self, LoadOptions, Loaded};
use crate::triage::{Baseline, Exemptions, Triage};

pub use compare::{check_new_only, diff};

/// Exit codes. A CI gate can rely on them.
pub mod exit {
    /// No finding at or above `--fail-on`.
    pub const CLEAN: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// A usage error, or an input that could not be loaded.
    pub const ERROR: u8 = 2;
    /// No input files were found.
    pub const NO_INPUT: u8 = 3;
}

/// What to check, and how.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Files or directories.
    pub paths: &'a [PathBuf],
    pub options: &'a LoadOptions,
    pub settings: &'a Settings,
    /// The waivers and the baseline that set findings apart; `None`: every finding is
    /// reported and nothing is waived.
    pub triage: Option<Triaging<'a>>,
    /// Report only the findings Terraform plans introduce (`check --new-only`).
    pub new_only: bool,
    /// The custom Rego rules of the run (`iamlint.yaml` `rules.paths`, `--rules`), when any
    /// were asked for; evaluated after the built-in rules. Here rather than in the rules'
    /// `Settings`, which sit below `custom` (it builds on them).
    pub custom: Option<&'a CustomRules>,
}

impl<'a> Request<'a> {
    /// Checks `paths`: no triage, every finding.
    pub fn new(paths: &'a [PathBuf], options: &'a LoadOptions, settings: &'a Settings) -> Self {
        Self {
            paths,
            options,
            settings,
            triage: None,
            new_only: false,
            custom: None,
        }
    }

    /// What the triage step sets apart (waivers, baseline), at the request's settings.
    fn exemptions(&self) -> Option<Exemptions<'a>> {
        self.triage.map(|triaging| Exemptions {
            config: triaging.config,
            waivers: triaging.waivers,
            baseline: triaging.baseline,
            settings: self.settings,
        })
    }
}

/// The triage step of a request (see [`crate::triage::Exemptions`]).
#[derive(Debug, Clone, Copy)]
pub struct Triaging<'a> {
    /// The config file (its waivers).
    pub config: &'a Config,
    /// `false` for `--no-waivers`: neither config nor inline waivers apply.
    pub waivers: bool,
    /// The baseline file's name and content.
    pub baseline: Option<(&'a str, &'a Baseline)>,
}

impl<'a> Triaging<'a> {
    /// Waivers only (`report`, `baseline write`): no baseline file is compared.
    pub fn waivers(config: &'a Config, waivers: bool) -> Self {
        Self {
            config,
            waivers,
            baseline: None,
        }
    }
}

/// The result of checking inputs: what was loaded and what the rules found.
#[derive(Debug)]
pub struct Checked {
    pub loaded: sources::Loaded,
    /// The reported findings (neither waived nor baselined), ordered by file, line, column,
    /// then rule.
    pub findings: Vec<rules::Finding>,
    /// What each rule evaluated (see `RuleContext::evaluated`).
    pub evaluated: Vec<rules::Evaluated>,
    /// What the triage step set apart (nothing without [`Request::triage`]).
    pub triage: Triage,
    /// For `--new-only` and `diff`: what the findings were compared with.
    pub comparison: Option<Comparison>,
    /// The custom rules' input document, when they ran: nothing reads it after them, and
    /// the binary frees it with the rest of the run at exit (see `custom::Input`).
    pub custom_input: Option<crate::custom::Input>,
}

/// Runs the pipeline short of rendering: load, evaluate, resolve places, order, triage
/// (and for `new_only`, the comparison with the plans' prior state). `Err` is a usage
/// problem (an invalid option), never a finding or an input that did not load.
pub fn run(request: &Request<'_>) -> Result<Checked, String> {
    if request.new_only {
        return compare::new_only(request);
    }
    let checked = evaluate(request)?;
    Ok(match request.exemptions() {
        Some(exemptions) => triage::apply(checked, &exemptions),
        None => checked,
    })
}

/// Loads the inputs and runs the rules: findings resolved and ordered, not triaged.
fn evaluate(request: &Request<'_>) -> Result<Checked, String> {
    let settings = request.settings;
    // The rules' metadata (YAML, parsed once per process) is read beside the load instead of
    // on one core at the start of the rules.
    let (loaded, _) = rayon::join(
        || sources::load(request.paths, request.options),
        rules::metadata,
    );
    let mut loaded = loaded?;
    // Custom rules see the whole run at once (every entity names its account); a rule that
    // does not load or run is an input error of the run, beside the others' findings. Their
    // input document is built first, on every core; then they run beside the built-in
    // rules: a Rego rule's evaluation is one thread's work, which the built-in rules' share
    // of the cores, and then the places of their findings, fill.
    //
    // Loading dropped the texts; read again only those with findings, one per core at a
    // time, and keep just the places the outputs print (the subject's own too: the
    // compliance report starts a finding's chain there, and an unresolved place reads its
    // whole document again). A place is read from its own list item, so the custom rules'
    // findings, resolved after, read only their own items.
    let inventory = &loaded.inventory;
    let documents = &mut loaded.documents;
    let ready = request
        .custom
        .map(|custom| (custom, crate::custom::ready(custom, inventory, settings)));
    let (
        rules::Evaluation {
            mut findings,
            evaluated,
        },
        custom_run,
    ) = rayon::join(
        || {
            let evaluation = rules::evaluate(inventory, settings);
            documents.resolve(origins(&evaluation.findings));
            evaluation
        },
        || {
            ready.map(|(custom, ready)| {
                let evaluation = ready.map_or_else(crate::custom::Evaluation::default, |ready| {
                    ready.evaluate(settings)
                });
                (custom, evaluation)
            })
        },
    );
    let mut custom_input = None;
    if let Some((custom, evaluation)) = custom_run {
        loaded.documents.resolve(origins(&evaluation.findings));
        findings.extend(evaluation.findings);
        loaded.errors.extend(
            custom
                .errors
                .iter()
                .chain(&evaluation.errors)
                .map(crate::custom::RuleError::to_load_error),
        );
        custom_input = Some(evaluation.input);
    }
    report::order(&mut findings, &loaded.documents);
    Ok(Checked {
        loaded,
        findings,
        evaluated,
        triage: Triage::default(),
        comparison: None,
        custom_input,
    })
}

/// Where `findings` point: each one's primary place, its subject's and its related places.
fn origins(findings: &[Finding]) -> impl Iterator<Item = &crate::model::Origin> {
    findings.iter().flat_map(|finding| {
        [&finding.primary.origin, &finding.subject.origin]
            .into_iter()
            .chain(finding.related.iter().map(|related| &related.label.origin))
    })
}

/// Whether a finding fails a run at `fail_on` (info never does).
pub fn fails(finding: &Finding, fail_on: Severity) -> bool {
    finding.severity >= fail_on && finding.severity > Severity::Info
}

/// How a run over `loaded` exits: an input that did not load wins, then no input, then
/// `failing` (whether a reported finding fails the gate; `false` under `--no-exit-codes`
/// and for commands that never gate).
pub fn exit_code(loaded: &Loaded, failing: bool) -> u8 {
    let recognised = loaded.files - loaded.skipped.len();
    if !loaded.errors.is_empty() {
        exit::ERROR
    } else if recognised == 0 {
        exit::NO_INPUT
    } else if failing {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
