//! `--format concise`: one line per finding, `file:line:col: severity rule message` (as
//! ruff's concise output and eslint's compact format print them), for terminals, editors'
//! quickfix lists and `grep`. Then one line per load error, then the summary of `human`.
//!
//! A finding whose place cannot be located prints `file: ...`; one that belongs to no
//! document (an account-wide finding) prints `-: ...`.

use std::fmt::Write as _;

use super::{Comparison, RunReport, human};
use crate::rules::{Finding, Status};
use crate::sources::{Documents, LoadError};

/// Renders the run: findings (most severe first), load errors, then the summary.
pub fn render(
    report: &RunReport<'_>,
    style: human::Style,
    comparison: Option<&Comparison>,
) -> String {
    let documents = &report.loaded.documents;
    let mut out = String::new();
    for finding in super::severity_first(report.findings) {
        out.push_str(&finding_line(
            documents,
            finding,
            report.account_of(finding),
        ));
        out.push('\n');
    }
    for error in human::listed_errors(report.loaded, style) {
        match error {
            human::Listed::Error(error) => {
                out.push_str(&error_line(error));
                out.push('\n');
            }
            human::Listed::More(line) => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&human::summary_text(report, style, comparison));
    out
}

/// `file:line:col: severity rule message`; in a run over several accounts the message
/// starts with `account <id>: `, as in the human output.
fn finding_line(documents: &Documents, finding: &Finding, account: Option<&str>) -> String {
    let origin = &finding.primary.origin;
    let place = match documents.get(origin.document) {
        Some(document) => match document.locate(&origin.pointer) {
            Some(at) => format!("{}:{}:{}", document.name, at.line, at.column),
            None => document.name.clone(),
        },
        None => "-".to_owned(),
    };
    let mut line = format!(
        "{}: {} {} ",
        one_line(&place),
        finding.severity,
        finding.rule
    );
    if finding.status == Status::Unknown {
        line.push_str("(unknown) ");
    }
    if let Some(account) = account {
        let _ = write!(line, "account {}: ", one_line(account));
    }
    if let Some(address) = &finding.subject.address {
        let _ = write!(line, "{}: ", one_line(address));
    }
    line.push_str(&one_line(&finding.message));
    line
}

/// `file:line:col: error load-error message`.
fn error_line(error: &LoadError) -> String {
    let place = match error.at {
        Some(at) => format!("{}:{}:{}", error.file, at.line, at.column),
        None => error.file.clone(),
    };
    format!(
        "{}: error load-error {}",
        one_line(&place),
        one_line(&error.message)
    )
}

/// The text on one line: every control character, line break and bidirectional override
/// in its visible escaped form (`\u{a}`, `\u{1b}`), through the one escaping of
/// [`super::safe`]; a line per finding is the contract, and input text must not drive the
/// terminal.
fn one_line(text: &str) -> String {
    super::safe::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn keeps_one_line_and_escapes_controls() {
        assert_eq!(one_line("a\nb"), "a\\u{a}b");
        assert_eq!(
            one_line("evil\u{1b}[2J\u{7}name\u{202e}txt"),
            "evil\\u{1b}[2J\\u{7}name\\u{202e}txt"
        );
        assert_eq!(one_line("plain `text`"), "plain `text`");
    }
}
