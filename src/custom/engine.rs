//! regorus, the Rego interpreter (Microsoft's, in Rust): one engine per rule and run, so
//! that rules cannot see or break each other, each bounded by regorus' execution timer.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};

use super::errors::{RuleError, line_of_rule, regorus_place};

/// How long one rule may evaluate over one input document before it is stopped (a located
/// error; the other rules' findings are still reported). Generous: a rule over a large
/// account's joins takes milliseconds.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// How many units of work regorus does between two looks at the clock.
const CHECK_INTERVAL: u32 = 256;

/// An engine holding `rego` (Rego v1), bounded by `limit`.
pub(super) fn engine(
    id: &str,
    file: &str,
    rego: &str,
    limit: Duration,
) -> Result<Engine, RuleError> {
    let mut engine = Engine::new();
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(CHECK_INTERVAL).unwrap_or(NonZeroU32::MIN),
    });
    add(&mut engine, id, file, rego)?;
    Ok(engine)
}

/// Adds one more Rego file to `engine` (a rule's unit tests).
pub(super) fn add(engine: &mut Engine, id: &str, file: &str, rego: &str) -> Result<(), RuleError> {
    engine
        .add_policy(file.to_owned(), rego.to_owned())
        .map(|_| ())
        .map_err(|error| regorus_error(id, file, &format!("{error:#}"), rego, "package"))
}

/// A regorus error as a located rule error: at the place regorus names, else at the line
/// that defines `near`.
pub(super) fn regorus_error(
    id: &str,
    file: &str,
    message: &str,
    rego: &str,
    near: &str,
) -> RuleError {
    let (line, column) =
        regorus_place(message, file).unwrap_or_else(|| (line_of_rule(rego, near), 1));
    // regorus draws the place (`--> file:line:col` and a caret diagram) and then says
    // `error: ...`; the place is ours to show, the words are what the user needs.
    let words = message
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("error: "))
        .or_else(|| {
            message
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty() && !line.starts_with("-->") && !line.contains('|'))
        })
        .unwrap_or("invalid Rego");
    RuleError::new(Some(id), file.to_owned(), words.to_owned()).at(line, column)
}

/// Checks that the rule parses and declares the package its id gives. What regorus
/// reports only when it evaluates (an unknown function, a type mismatch in a built-in
/// call) is reported by the evaluation, located the same way.
pub(super) fn check_policy(
    id: &str,
    file: &str,
    rego: &str,
    package: &str,
) -> Result<(), RuleError> {
    let engine = engine(id, file, rego, TIME_LIMIT)?;
    let declared = engine.get_packages().unwrap_or_default();
    if !declared
        .iter()
        .any(|name| *name == format!("data.{package}"))
    {
        let found = declared
            .first()
            .map(|name| name.trim_start_matches("data.").to_owned())
            .unwrap_or_default();
        return Err(RuleError::new(
            Some(id),
            file.to_owned(),
            format!("declares `package {found}`; the package of rule `{id}` is `{package}`"),
        )
        .line(line_of_rule(rego, "package")));
    }
    Ok(())
}

/// Evaluates `data.<package>.deny` over `input`: the set (or partial object) of what the
/// rule denies, empty when it denies nothing.
pub(super) fn deny(
    engine: &mut Engine,
    id: &str,
    file: &str,
    rego: &str,
    package: &str,
    input: Value,
) -> Result<Vec<Value>, RuleError> {
    engine.set_input(input);
    let result = engine
        .eval_rule(format!("data.{package}.deny"))
        .map_err(|error| regorus_error(id, file, &format!("{error:#}"), rego, "deny"))?;
    match result {
        Value::Undefined => Ok(Vec::new()),
        Value::Set(items) => Ok(items.iter().cloned().collect()),
        Value::Array(items) => Ok(items.iter().cloned().collect()),
        // A partial object (`deny[key] := {...}`): its values are the denials.
        Value::Object(fields) => Ok(fields.values().cloned().collect()),
        other => Err(RuleError::new(
            Some(id),
            file.to_owned(),
            format!(
                "`deny` must be a set (`deny contains {{...}} if ...`) or a partial object of \
                 denials, not `{}`",
                one_line(&other)
            ),
        )
        .line(line_of_rule(rego, "deny"))),
    }
}

/// A value in one line, for messages.
pub(super) fn one_line(value: &Value) -> String {
    let text = value.to_json_str().unwrap_or_default();
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
}
