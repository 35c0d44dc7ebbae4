//! Running custom rules over a run's inventory: the input document is built once, each
//! enabled rule evaluates its `deny` in its own engine, and each denial becomes a `Finding`
//! located at its entity's origin (so every output format points into the user's file).

use std::time::Duration;

use regorus::Value;

use super::document;
use super::engine::{self, TIME_LIMIT, one_line};
use super::errors::{RuleError, line_of_rule};
use super::load::{CustomRule, CustomRules};
use super::needs::Needs;
use super::refs::Refs;
use crate::model::{Inventory, Pointer};
use crate::rules::{Finding, Label, Settings, Severity, Status};

/// What the custom rules of a run gave: their findings, the rules that failed (their
/// findings are left out; the other rules' are kept), and the input document they read.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub errors: Vec<RuleError>,
    pub input: Input,
}

/// The input document a run built, handed back so that whoever ends the run decides when
/// it is freed: the binary forgets it at exit with the rest of the run (freeing its
/// hundreds of thousands of values took half as long as evaluating a rule over them, on a
/// core the run's last steps share); dropped, it is freed on a thread of its own.
#[derive(Debug, Default)]
pub struct Input(Option<Value>);

impl Drop for Input {
    fn drop(&mut self) {
        if let Some(input) = self.0.take() {
            drop_aside(input);
        }
    }
}

/// The findings of the enabled custom rules over `inventory` (see `Evaluation`).
pub fn evaluate(rules: &CustomRules, inventory: &Inventory, settings: &Settings) -> Evaluation {
    ready(rules, inventory, settings)
        .map_or_else(Evaluation::default, |ready| ready.evaluate(settings))
}

/// A run's custom rules made ready to evaluate: each enabled rule prepared, and the input
/// document built. A run builds the document on every core first, then evaluates the
/// rules on one core while the built-in rules take the other: the evaluation is one
/// thread's work, which cannot be split.
pub struct Ready<'a> {
    enabled: Vec<&'a CustomRule>,
    prepared: Vec<Result<engine::Prepared, RuleError>>,
    refs: Refs<'a>,
    input: Value,
}

/// The enabled custom rules of `rules` made ready over `inventory` (see `Ready`); `None`
/// when none is enabled.
pub fn ready<'a>(
    rules: &'a CustomRules,
    inventory: &'a Inventory,
    settings: &Settings,
) -> Option<Ready<'a>> {
    let enabled: Vec<&CustomRule> = rules
        .rules
        .iter()
        .filter(|rule| settings.enabled(rule.id))
        .collect();
    if enabled.is_empty() {
        return None;
    }
    // Only the members the enabled rules read are converted (see `needs`).
    let needs = Needs::of_rules(enabled.iter().map(|rule| rule.rego.as_str()));
    // The rules are prepared (parsed, analysed, compiled for the RVM) and the ref index of
    // the members they read is built on a thread of their own while the document is built
    // here: neither needs the input, and both were on the critical path after it.
    let (prepared, refs, input) = std::thread::scope(|scope| {
        let preparing = std::thread::Builder::new()
            .name("iamlint-prepare".to_owned())
            .spawn_scoped(scope, || prepare(&enabled, inventory, &needs));
        let input = document::value_of(inventory, &needs);
        // Should the thread not start or not finish, the rules are prepared here.
        let (prepared, refs) = match preparing.map(|thread| thread.join()) {
            Ok(Ok(prepared)) => prepared,
            _ => prepare(&enabled, inventory, &needs),
        };
        (prepared, refs, input)
    });
    Some(Ready {
        enabled,
        prepared,
        refs,
        input,
    })
}

impl Ready<'_> {
    /// Each rule's `deny` over the input, its denials turned into findings.
    pub fn evaluate(self, settings: &Settings) -> Evaluation {
        let Self {
            enabled,
            prepared,
            refs,
            input,
        } = self;
        let mut findings = Vec::new();
        let mut errors = Vec::new();
        for (rule, prepared) in enabled.iter().zip(prepared) {
            let found = prepared.and_then(|prepared| {
                run_prepared(rule, prepared, input.clone(), &refs, settings, TIME_LIMIT)
            });
            match found {
                Ok(found) => findings.extend(found),
                Err(error) => errors.push(error),
            }
        }
        Evaluation {
            findings,
            errors,
            input: Input(Some(input)),
        }
    }
}

/// Each rule prepared (`engine::prepare`), and the refs of `inventory` with the kinds of the
/// members `needs` names indexed (a rule's denials name the entities it reads).
fn prepare<'a>(
    rules: &[&CustomRule],
    inventory: &'a Inventory,
    needs: &Needs,
) -> (Vec<Result<engine::Prepared, RuleError>>, Refs<'a>) {
    let prepared = rules
        .iter()
        .map(|rule| {
            let file = rule.rego_path.display().to_string();
            engine::prepare(rule.id, &file, &rule.rego, &rule.package, TIME_LIMIT)
        })
        .collect();
    let refs = Refs::of(inventory);
    refs.index_members(needs);
    (prepared, refs)
}

/// Drops the input document on a thread of its own: nothing that follows waits for it.
/// Should no thread start, `spawn` drops the closure, and the value with it, here.
fn drop_aside(input: Value) {
    let detached = std::thread::Builder::new()
        .name("iamlint-drop".to_owned())
        .spawn(move || drop(input));
    drop(detached);
}

/// One rule's findings over `inventory`, evaluated under `limit` instead of
/// [`TIME_LIMIT`] (for tests of the limit).
pub fn evaluate_one(
    rule: &CustomRule,
    inventory: &Inventory,
    limit: Duration,
) -> Result<Vec<Finding>, RuleError> {
    let input = document::value_of(inventory, &Needs::whole());
    run_rule(
        rule,
        input,
        &Refs::of(inventory),
        &Settings::default(),
        limit,
    )
}

/// One rule's findings over `input`.
pub(super) fn run_rule(
    rule: &CustomRule,
    input: Value,
    refs: &Refs,
    settings: &Settings,
    limit: Duration,
) -> Result<Vec<Finding>, RuleError> {
    let file = rule.rego_path.display().to_string();
    let prepared = engine::prepare(rule.id, &file, &rule.rego, &rule.package, limit)?;
    run_prepared(rule, prepared, input, refs, settings, limit)
}

/// One prepared rule's findings over `input`.
fn run_prepared(
    rule: &CustomRule,
    prepared: engine::Prepared,
    input: Value,
    refs: &Refs,
    settings: &Settings,
    limit: Duration,
) -> Result<Vec<Finding>, RuleError> {
    let file = rule.rego_path.display().to_string();
    let denials = engine::deny(prepared, rule.id, &file, &rule.rego, input, limit)?;
    let mut findings = Vec::with_capacity(denials.len());
    for denial in &denials {
        let mut finding = finding(rule, denial, refs).map_err(|message| {
            RuleError::new(Some(rule.id), file.clone(), message)
                .line(line_of_rule(&rule.rego, "deny"))
        })?;
        if let Some(&severity) = settings.severity.get(rule.id) {
            finding.severity = severity;
        }
        findings.push(finding);
    }
    Ok(findings)
}

/// A member of a denial that must be a string, if present.
fn text(denial: &Value, name: &str) -> Result<Option<String>, String> {
    match &denial[name] {
        Value::Null | Value::Undefined => Ok(None),
        Value::String(text) => Ok(Some(text.to_string())),
        other => Err(format!(
            "`{name}` must be a string, not `{}`",
            one_line(other)
        )),
    }
}

/// One denial as a finding; `Err` says what is wrong with it.
fn finding(rule: &CustomRule, denial: &Value, refs: &Refs) -> Result<Finding, String> {
    let Value::Object(_) = denial else {
        return Err(format!(
            "each denial must be an object `{{\"ref\": ..., \"message\": ...}}`, not `{}`",
            one_line(denial)
        ));
    };
    let reference = text(denial, "ref")?.ok_or_else(|| {
        format!(
            "a denial has no `ref` (the `ref` of the entity it is about, such as \
             `input.service_ids[_].ref`): `{}`",
            one_line(denial)
        )
    })?;
    let resolved = refs.resolve(&reference).ok_or_else(|| {
        format!("a denial names `ref` `{reference}`, which is no entity of the input")
    })?;
    let subject = resolved.entity().clone();
    let message = text(denial, "message")?
        .filter(|message| !message.trim().is_empty())
        .ok_or_else(|| format!("the denial about `{reference}` has no `message`"))?;
    let severity = match text(denial, "severity")? {
        Some(name) => name
            .parse::<Severity>()
            .map_err(|why| format!("the denial about `{reference}`: {why}"))?,
        None => rule.meta.severity,
    };
    let origin = match text(denial, "pointer")? {
        Some(pointer) => {
            let relative = Pointer::parse(&pointer).ok_or_else(|| {
                format!("`pointer` `{pointer}` is not a JSON pointer (`/name`, `/roles`)")
            })?;
            resolved.place(&relative)
        }
        None => subject.origin.clone(),
    };
    Ok(Finding {
        rule: rule.id,
        severity,
        status: Status::Fail,
        message,
        primary: Label {
            origin,
            text: rule.meta.title.trim().to_owned(),
        },
        subject,
        related: Vec::new(),
        remediation: text(denial, "remediation")?,
        detail: resolved.detail().map(str::to_owned),
    })
}
