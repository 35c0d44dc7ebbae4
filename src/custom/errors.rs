//! Mistakes in custom rules: a rule file that does not load (Rego syntax or type error,
//! YAML metadata mistake, a bad id) or a rule whose output is wrong or that runs too long.
//! Each names the rule and its file and line, and becomes an input error of the run
//! (`sources::LoadError`), so every output format lists it and the run exits 2 while the
//! other rules' findings are still reported.

use crate::sources::{LineColumn, LoadError, LoadErrorKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The rule's id, when the mistake is in a rule (not a missing directory).
    pub rule: Option<String>,
    /// The file, as found.
    pub file: String,
    pub at: Option<LineColumn>,
    pub message: String,
}

impl RuleError {
    pub fn new(rule: Option<&str>, file: String, message: String) -> Self {
        Self {
            rule: rule.map(str::to_owned),
            file,
            at: None,
            message,
        }
    }

    #[must_use]
    pub fn line(mut self, line: usize) -> Self {
        self.at = Some(LineColumn { line, column: 1 });
        self
    }

    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.at = Some(LineColumn { line, column });
        self
    }

    /// As an input error of the run.
    pub fn to_load_error(&self) -> LoadError {
        let message = match &self.rule {
            Some(rule) => format!("custom rule `{rule}`: {}", self.message),
            None => self.message.clone(),
        };
        let error = LoadError::new(LoadErrorKind::Rule, self.file.clone(), message);
        match self.at {
            Some(at) => error.at(at),
            None => error,
        }
    }
}

/// A YAML (serde) error with its `at line L column C` turned into a place; without one
/// (a value a custom deserializer refused), the line of the first `quoted` word of the
/// message found in `text`.
pub(super) fn located(rule: Option<&str>, file: &str, message: &str, text: &str) -> RuleError {
    let error = RuleError::new(rule, file.to_owned(), message.to_owned());
    let quoted = message.split('`').nth(1).filter(|word| !word.is_empty());
    let by_word = quoted.and_then(|word| {
        text.lines()
            .position(|line| !line.trim_start().starts_with('#') && line.contains(word))
            .map(|at| (at + 1, 1))
    });
    match line_column_after(message, "line ").or(by_word) {
        Some((line, column)) => RuleError {
            message: message
                .split(" at line ")
                .next()
                .unwrap_or(message)
                .to_owned(),
            ..error
        }
        .at(line, column),
        None => error,
    }
}

/// `line 3 column 7` (serde) after `marker`.
fn line_column_after(message: &str, marker: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let line: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let column = rest
        .find("column ")
        .map(|at| &rest[at + "column ".len()..])
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        });
    Some((
        line.parse().ok()?,
        column.and_then(|column| column.parse().ok()).unwrap_or(1),
    ))
}

/// The first `<file>:<line>:<column>` in a regorus error message, as regorus locates
/// parse and compile errors.
pub(super) fn regorus_place(message: &str, file: &str) -> Option<(usize, usize)> {
    let at = message.find(&format!("{file}:"))?;
    let rest = &message[at + file.len() + 1..];
    let mut parts = rest.split(|c: char| !c.is_ascii_digit());
    let line = parts.next()?.parse().ok()?;
    let column = parts
        .next()
        .and_then(|column| column.parse().ok())
        .unwrap_or(1);
    Some((line, column))
}

/// The first line of `text` that defines `name` (`deny contains ...`, `deny[...]`), for
/// errors about what a rule outputs; line 1 if none does.
pub(super) fn line_of_rule(text: &str, name: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with([' ', '[', '{', ':', '=']))
        })
        .map_or(1, |at| at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_serde_places() {
        assert_eq!(
            line_column_after("missing field `title` at line 3 column 1", "line "),
            Some((3, 1))
        );
        assert_eq!(
            regorus_place("error: --> r/x.rego:4:9\n", "r/x.rego"),
            Some((4, 9))
        );
        assert_eq!(line_of_rule("package p\n\ndeny contains x if {", "deny"), 3);
    }
}
