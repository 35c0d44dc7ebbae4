//! regorus, the Rego interpreter (Microsoft's, in Rust): one engine per rule and run, so
//! that rules cannot see or break each other, each bounded by regorus' execution timer.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
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
    engine.set_execution_timer_config(timer(limit));
    add(&mut engine, id, file, rego)?;
    Ok(engine)
}

fn timer(limit: Duration) -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(CHECK_INTERVAL).unwrap_or(NonZeroU32::MIN),
    }
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

/// A rule made ready before its input exists: its engine holding the Rego, and its `deny`
/// compiled for regorus' virtual machine (`None` when the RVM cannot compile it). Neither
/// needs the input, so a run prepares its rules while the input document is built.
pub(super) struct Prepared {
    engine: Engine,
    /// `data.<package>.deny`.
    rule: String,
    machine: Option<RegoVM>,
}

/// `rego`'s engine and its compiled `deny` (see `Prepared`).
pub(super) fn prepare(
    id: &str,
    file: &str,
    rego: &str,
    package: &str,
    limit: Duration,
) -> Result<Prepared, RuleError> {
    let mut engine = engine(id, file, rego, limit)?;
    let rule = format!("data.{package}.deny");
    let machine = compile(&mut engine, &rule);
    Ok(Prepared {
        engine,
        rule,
        machine,
    })
}

/// Evaluates `data.<package>.deny` over `input`: the set (or partial object) of what the
/// rule denies, empty when it denies nothing.
pub(super) fn deny(
    prepared: Prepared,
    id: &str,
    file: &str,
    rego: &str,
    input: Value,
    limit: Duration,
) -> Result<Vec<Value>, RuleError> {
    let Prepared {
        mut engine,
        rule,
        machine,
    } = prepared;
    let result = match machine.and_then(|machine| run(machine, &rule, &input, limit)) {
        Some(result) => result,
        None => {
            engine.set_input(input);
            engine
                .eval_rule(rule)
                .map_err(|error| regorus_error(id, file, &format!("{error:#}"), rego, "deny"))?
        }
    };
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

/// `rule` compiled for regorus' compiled mode (the RVM: the rule compiled to instructions
/// for a virtual machine), which took half the interpreter's time over the bench rule's
/// 26,220 policies (23 against 45 ms) with the same result. `None` when the RVM cannot
/// compile the rule: the interpreter then evaluates it.
fn compile(engine: &mut Engine, rule: &str) -> Option<RegoVM> {
    let entry: regorus::Rc<str> = rule.into();
    let policy = engine.compile_with_entrypoint(&entry).ok()?;
    let program = Compiler::compile_from_policy(&policy, &[rule]).ok()?;
    let mut machine = RegoVM::new();
    machine.load_program(program);
    Some(machine)
}

/// `rule` run by the compiled `machine` over `input`. `None` when the RVM stops on an
/// error: the interpreter then evaluates the rule, so that a rule's result and its located
/// errors are the interpreter's (a rule that runs past the time limit is stopped twice,
/// once in each).
fn run(mut machine: RegoVM, rule: &str, input: &Value, limit: Duration) -> Option<Value> {
    // The interpreter counts no instructions; the time limit bounds both.
    machine.set_max_instructions(usize::MAX);
    machine.set_execution_timer_config(Some(timer(limit)));
    machine.set_input(input.clone());
    machine.execute_entry_point_by_name(rule).ok()
}

/// `rule` evaluated by the compiled mode alone (`compile`, then `run`).
#[cfg(test)]
fn compiled_deny(engine: &mut Engine, rule: &str, input: &Value, limit: Duration) -> Option<Value> {
    run(compile(engine, rule)?, rule, input, limit)
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::custom::{document, load};
    use crate::sources::{self, LoadOptions};

    /// The compiled mode gives the interpreter's result for the examples' rules and the
    /// bench rule, over the demo account and over the rules' own test inputs.
    #[test]
    fn the_compiled_mode_agrees_with_the_interpreter() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = load::load(&[
            root.join("examples/rules"),
            root.join("benches/custom_rules"),
        ]);
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);
        assert!(rules.rules.len() >= 5);
        let mut inputs: Vec<PathBuf> = vec![root.join("fixtures/demo")];
        for rule in &rules.rules {
            if let Some(dir) = &rule.tests_dir {
                for case in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                    inputs.push(case.path());
                }
            }
        }
        let mut denied = 0;
        for input in &inputs {
            let loaded = sources::load(std::slice::from_ref(input), &LoadOptions::default())
                .expect("valid options");
            let value = document::to_value(&document::build(&loaded.inventory));
            for rule in &rules.rules {
                let file = rule.rego_path.display().to_string();
                let name = format!("data.{}.deny", rule.package);
                let mut compiled = engine(rule.id, &file, &rule.rego, TIME_LIMIT).expect("rule");
                let by_rvm = compiled_deny(&mut compiled, &name, &value, TIME_LIMIT)
                    .expect("the RVM runs the rule");
                let mut interpreted = engine(rule.id, &file, &rule.rego, TIME_LIMIT).expect("rule");
                interpreted.set_input(value.clone());
                let by_interpreter = interpreted.eval_rule(name).expect("evaluates");
                assert_eq!(
                    by_rvm,
                    by_interpreter,
                    "{} over {}",
                    rule.id,
                    input.display()
                );
                denied += by_rvm.as_set().map_or(0, |set| set.len());
            }
        }
        assert!(denied > 0);
    }
}
