//! `--format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=...,line=...::message`; `warning` for medium and low, `notice` for info),
//! plus a job-summary table in Markdown.
//!
//! Rendering stays pure: [`render`] returns the summary text and `cli` appends it to
//! `$GITHUB_STEP_SUMMARY`.

use super::place::{FileNames, file_of, place};
use super::{RunReport, markdown};
use crate::rules::{Finding, Severity, Status};
use crate::sources::LoadError;
use crate::triage::{Warning, WarningPlace};

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Style {
    pub names: FileNames,
    /// For the job summary's links.
    pub link_base: Option<String>,
}

/// The annotations (for stdout, where the runner reads them) and the job summary.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub annotations: String,
    pub summary: String,
}

/// Escapes a workflow command's message, as the Actions toolkit does.
fn escape_data(text: &str) -> String {
    // Controls and bidi characters from inputs first (see `super::safe`); line breaks are
    // the toolkit's `%0A`.
    super::safe::escape_lines(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`, which delimit them).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(report: &RunReport<'_>, style: &Style, finding: &Finding) -> String {
    let documents = &report.loaded.documents;
    let origin = &finding.primary.origin;
    let mut properties = Vec::new();
    match place(documents, &style.names, origin) {
        Some(place) => {
            properties.push(format!("file={}", escape_property(&place.file)));
            properties.push(format!("line={}", place.start.line));
            properties.push(format!("col={}", place.start.column));
            // GitHub accepts column ranges only on one line.
            if place.end.line == place.start.line {
                properties.push(format!("endColumn={}", place.end.column));
            } else {
                properties.push(format!("endLine={}", place.end.line));
            }
        }
        None => properties.push(format!(
            "file={}",
            escape_property(&file_of(documents, &style.names, origin))
        )),
    }
    let status = match finding.status {
        Status::Fail => "",
        Status::Unknown => ", unknown",
    };
    properties.push(format!(
        "title={}",
        escape_property(&format!(
            "iamlint {} ({}{status})",
            finding.rule, finding.severity
        ))
    ));
    let mut message = finding.message.clone();
    if let Some(remediation) = &finding.remediation {
        message.push_str("\nFix: ");
        message.push_str(remediation);
    }
    format!(
        "::{} {}::{}\n",
        command(finding.severity),
        properties.join(","),
        escape_data(&message)
    )
}

fn error_annotation(report: &RunReport<'_>, style: &Style, error: &LoadError) -> String {
    let file = error
        .document
        .map(|document| style.names.name(&report.loaded.documents, document))
        .unwrap_or_else(|| error.file.clone());
    let mut properties = vec![format!("file={}", escape_property(&file))];
    if let Some(at) = error.at {
        properties.push(format!("line={}", at.line));
        properties.push(format!("col={}", at.column));
    }
    properties.push("title=iamlint: cannot load this input".to_owned());
    let mut message = error.message.clone();
    if let Some(help) = &error.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::error {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// A warning about a waiver, on its config line or comment.
fn warning_annotation(report: &RunReport<'_>, style: &Style, warning: &Warning) -> String {
    let file = match &warning.place {
        WarningPlace::Input { document, .. } => {
            style.names.name(&report.loaded.documents, *document)
        }
        WarningPlace::Config { .. } => warning.file.clone(),
    };
    let mut properties = vec![format!("file={}", escape_property(&file))];
    if let Some(line) = warning.line {
        properties.push(format!("line={line}"));
    }
    properties.push(format!(
        "title={}",
        escape_property(&format!("iamlint {}", warning.code.as_str()))
    ));
    let mut message = warning.message.clone();
    if let Some(help) = &warning.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::warning {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// Renders the annotations and the job summary.
pub fn render(report: &RunReport<'_>, style: &Style) -> Rendered {
    let mut annotations = String::new();
    for finding in report.findings {
        annotations.push_str(&annotation(report, style, finding));
    }
    for error in &report.loaded.errors {
        annotations.push_str(&error_annotation(report, style, error));
    }
    for warning in &report.triage.warnings {
        annotations.push_str(&warning_annotation(report, style, warning));
    }
    // A plain line for people reading the log; the runner ignores it.
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    let mut line = format!(
        "iamlint: {} finding{}: {}",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        counts.join(", ")
    );
    // Waived and baselined findings get no annotation; the log says how many there are.
    let triage = report.triage;
    if !triage.waived.is_empty() {
        line.push_str(&format!("; {} waived", triage.waived.len()));
    }
    if let Some(baseline) = &triage.baseline {
        line.push_str(&format!(
            "; {} in the baseline, {} fixed",
            baseline.baselined.len(),
            baseline.fixed.len()
        ));
    }
    annotations.push_str(&line);
    annotations.push('\n');
    let summary = markdown::render(
        report,
        &markdown::Style {
            names: style.names.clone(),
            link_base: style.link_base.clone(),
            limit: markdown::DEFAULT_LIMIT,
        },
    );
    Rendered {
        annotations,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        // `::` inside a message cannot end the command: only the first `::` counts.
        assert_eq!(escape_data("x::y"), "x::y");
    }
}
