//! Config-file mistakes as miette diagnostics, each labelling the offending key or value in
//! the config file (through the same pointer -> span index as findings).

use miette::{NamedSource, SourceSpan};

use super::human::Style;
use super::safe::escape_lines;
use super::snippet::{Snippet, of_range};
use crate::config::{ConfigError, ConfigErrors, Target};
use crate::sources::{Document, span::offset_of};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code("config-error"))]
struct ConfigDiagnostic {
    message: String,
    #[source_code]
    snippet: Option<NamedSource<Snippet>>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

fn span_of(document: &Document, error: &ConfigError) -> Option<std::ops::Range<usize>> {
    let range = match (&error.pointer, error.at) {
        (Some(pointer), _) => match error.target {
            Target::Key => document.display_key_span(pointer),
            Target::Value => document.display_span(pointer),
        },
        (None, Some(at)) => {
            let offset = offset_of(&document.display().text, at.line, at.column);
            Some(offset..offset)
        }
        (None, None) => None,
    }?;
    Some(range)
}

fn diagnostic(errors: &ConfigErrors, error: &ConfigError) -> ConfigDiagnostic {
    let located = errors
        .document
        .as_ref()
        .and_then(|document| of_range(document, span_of(document, error)?));
    let (snippet, span) = located.unzip();
    // With a snippet, miette's header names the file; without one, the message must.
    let message = if snippet.is_some() || error.message.contains(&errors.file) {
        format!("invalid config: {}", error.message)
    } else {
        format!("invalid config {}: {}", errors.file, error.message)
    };
    ConfigDiagnostic {
        message: escape_lines(&message).into_owned(),
        snippet,
        span,
        label: escape_lines(&error.label).into_owned(),
        help: error
            .help
            .as_deref()
            .map(|help| escape_lines(help).into_owned()),
    }
}

/// Renders every mistake of a config file, one diagnostic each.
pub fn render(errors: &ConfigErrors, style: Style) -> String {
    let handler = style.handler();
    // In the order of the file, as a reader fixes them.
    let mut ordered: Vec<&ConfigError> = errors.errors.iter().collect();
    if let Some(document) = &errors.document {
        ordered.sort_by_cached_key(|error| {
            let at = error
                .pointer
                .as_ref()
                .and_then(|pointer| document.locate(pointer))
                .or(error.at);
            at.map(|at| (at.line, at.column))
        });
    }
    let mut out = String::new();
    for error in ordered {
        let diagnostic = diagnostic(errors, error);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            out.push_str(&diagnostic.message);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
