//! Warnings about waivers (expired, matched nothing, malformed inline comments) as miette
//! diagnostics that point at the config line or the comment. Printed on stderr in every
//! format; JSON and SARIF also carry them.

use std::fmt;
use std::ops::Range;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

use super::human::Style;
use super::safe::escape_lines;
use super::snippet::{Snippet, of_range};
use crate::config::Target;
use crate::sources::{Document, Documents};
use crate::triage::{Triage, Warning, WarningCode, WarningPlace};

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct WarningDiagnostic {
    message: String,
    code: &'static str,
    snippet: Option<NamedSource<Snippet>>,
    span: Option<SourceSpan>,
    label: String,
    help: Option<String>,
}

// By hand rather than derived: the code differs per warning.
impl Diagnostic for WarningDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Warning)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), span),
        )))
    }
}

/// The comment on 1-based `line` of the masked text: from its `#` to the end of the line.
fn comment_span(document: &Document, line: usize) -> Option<Range<usize>> {
    let text = &document.display().text;
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_text = text.get(start..)?.split('\n').next()?;
    let hash = line_text
        .match_indices('#')
        .map(|(at, _)| at)
        .find(|&at| line_text[at + 1..].trim_start().starts_with("iamlint:"))?;
    let end = line_text.trim_end().len();
    Some(start + hash..start + end.max(hash + 1))
}

fn diagnostic(triage: &Triage, documents: &Documents, warning: &Warning) -> WarningDiagnostic {
    let label = match warning.code {
        WarningCode::WaiverExpired => "expired",
        WarningCode::WaiverUnused => "matches no finding",
        WarningCode::InlineWaiverInvalid => "ignored",
    };
    let (document, span) = match &warning.place {
        WarningPlace::Config { pointer, target } => {
            let document = triage.config.as_ref().map(|source| &*source.document);
            let span = document.and_then(|document| match target {
                Target::Key => document.display_key_span(pointer),
                Target::Value => document.display_span(pointer),
            });
            (document, span)
        }
        WarningPlace::Input { document, line } => {
            let document = documents.get(*document);
            let span = document.and_then(|document| comment_span(document, *line));
            (document, span)
        }
    };
    let located = document.and_then(|document| of_range(document, span?));
    let (snippet, span) = located.unzip();
    // Without a snippet, the message must say where.
    let message = if snippet.is_some() {
        warning.message.clone()
    } else {
        match warning.line {
            Some(line) => format!("{}:{line}: {}", warning.file, warning.message),
            None => format!("{}: {}", warning.file, warning.message),
        }
    };
    WarningDiagnostic {
        message: escape_lines(&message).into_owned(),
        code: warning.code.as_str(),
        snippet,
        span,
        label: label.to_owned(),
        help: warning
            .help
            .as_deref()
            .map(|help| escape_lines(help).into_owned()),
    }
}

/// Renders every warning of the run, one diagnostic each (empty when there is none).
pub fn render(triage: &Triage, documents: &Documents, style: Style) -> String {
    let handler = style.handler();
    let mut out = String::new();
    for warning in &triage.warnings {
        let diagnostic = diagnostic(triage, documents, warning);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            out.push_str(&format!("warning: {}\n", diagnostic.message));
        }
        out.push('\n');
    }
    out
}
