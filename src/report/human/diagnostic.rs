//! Findings and load errors as miette diagnostics: message, labels in one masked source
//! excerpt, the access chain as related diagnostics, the remediation as help.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource};

use super::help::help_text;
use crate::model::{Origin, Pointer};
use crate::report::safe::{escape, escape_lines};
use crate::report::snippet::{Snippet, named};
use crate::rules::{Finding, Severity, Status};
use crate::sources::{Documents, LoadError, span::offset_of};

/// A diagnostic ready for miette: message, labels in one source, related diagnostics.
pub(super) struct ReadyDiagnostic {
    pub(super) message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: Option<NamedSource<Snippet>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<ReadyDiagnostic>,
}

impl fmt::Debug for ReadyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for ReadyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadyDiagnostic {}

impl Diagnostic for ReadyDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related
                    .iter()
                    .map(|related| related as &dyn Diagnostic),
            ))
        }
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium | Severity::Low => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The snippet of `labels` (text, is primary) at the `origins` of one document, with the
/// labels as spans in it.
fn snippet_of(
    documents: &Documents,
    labels: Vec<(&Origin, String, bool)>,
) -> Option<(NamedSource<Snippet>, Vec<LabeledSpan>)> {
    let document = documents.get(labels.first()?.0.document)?;
    // One list item's window when the labels lie in one (a large export is not masked
    // whole for a few findings).
    let pointers: Vec<&Pointer> = labels
        .iter()
        .map(|(origin, _, _)| &origin.pointer)
        .collect();
    let shown = document.shown(&pointers);
    let display = shown.display();
    let mut ranges = Vec::new();
    let mut texts = Vec::new();
    for (origin, text, primary) in labels {
        if let Some(range) = shown.span(&origin.pointer) {
            ranges.push(range);
            texts.push((text, primary));
        }
    }
    if ranges.is_empty() {
        return None;
    }
    let (snippet, spans) = Snippet::new(display, &ranges);
    let labels = spans
        .into_iter()
        .zip(texts)
        .map(|(span, (text, primary))| {
            let text = Some(escape(&text).into_owned());
            if primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })
        .collect();
    Some((named(document, display.pretty_printed, snippet), labels))
}

/// `account` is the finding's account, shown in a run over several accounts.
pub(super) fn finding_diagnostic(
    documents: &Documents,
    finding: &Finding,
    account: Option<&str>,
) -> ReadyDiagnostic {
    let primary = &finding.primary.origin;
    let mut labels = vec![(primary, finding.primary.text.clone(), true)];
    let mut related = Vec::new();
    for item in &finding.related {
        let origin = &item.label.origin;
        // The address is shown unless the label already sits on the resource (its `address`
        // line) or the finding is about the same resource.
        let text = match &item.entity.address {
            Some(address)
                if Some(address) != finding.subject.address.as_ref()
                    && *origin != item.entity.origin =>
            {
                format!("{} ({address})", item.label.text)
            }
            _ => item.label.text.clone(),
        };
        if origin.document == primary.document {
            labels.push((origin, text, false));
        } else {
            let Some((source, labels)) = snippet_of(documents, vec![(origin, text, true)]) else {
                continue;
            };
            let name = item.entity.name.as_deref().unwrap_or(&item.entity.id);
            related.push(ReadyDiagnostic {
                message: format!("related {} `{}`", item.entity.kind.label(), escape(name)),
                code: None,
                severity: miette::Severity::Advice,
                source: Some(source),
                labels,
                help: None,
                related: Vec::new(),
            });
        }
    }
    let (source, labels) = snippet_of(documents, labels).unzip();
    let status = match finding.status {
        Status::Fail => "",
        Status::Unknown => ", unknown",
    };
    // In a run over several accounts, the account comes first: `[high] account <id>: ...`.
    let account = account
        .map(|account| format!(" account {account}:"))
        .unwrap_or_default();
    let message = match finding_address(finding) {
        Some(address) => format!(
            "[{}{status}]{account} {address}: {}",
            finding.severity, finding.message
        ),
        None => format!(
            "[{}{status}]{account} {}",
            finding.severity, finding.message
        ),
    };
    ReadyDiagnostic {
        message: escape(&message).into_owned(),
        code: Some(finding.rule.to_owned()),
        severity: miette_severity(finding.severity),
        source,
        labels: labels.unwrap_or_default(),
        help: finding.remediation.as_deref().map(help_text),
        related,
    }
}

/// The Terraform address a finding is about: its subject's, else that of the declared
/// resource its location points into (a policy that grants a service ID, say).
fn finding_address(finding: &Finding) -> Option<&str> {
    if let Some(address) = &finding.subject.address {
        return Some(address);
    }
    let primary = &finding.primary.origin;
    finding.related.iter().find_map(|related| {
        let entity = &related.entity;
        let inside = entity.origin.document == primary.document
            && primary
                .pointer
                .as_str()
                .strip_prefix(entity.origin.pointer.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        entity.address.as_deref().filter(|_| inside)
    })
}

pub(super) fn error_diagnostic(documents: &Documents, error: &LoadError) -> ReadyDiagnostic {
    let document = error.document.and_then(|id| documents.get(id));
    let mut labels = Vec::new();
    let mut source = None;
    if let Some(document) = document {
        let display = document.display();
        let range = match (&error.pointer, error.at) {
            (Some(pointer), _) => document.display_span(pointer),
            (None, Some(at)) => {
                let offset = offset_of(&display.text, at.line, at.column);
                Some(offset..offset)
            }
            (None, None) => None,
        };
        if let Some(range) = range {
            let (mut snippet, spans) = Snippet::new(display, &[range]);
            if let Some(&span) = spans.first() {
                // The header names the place in the file, which masking may have moved.
                if let (None, Some(at)) = (&error.pointer, error.at) {
                    snippet = snippet.with_place(span, at);
                }
                labels.push(LabeledSpan::new_primary_with_span(
                    Some("here".to_owned()),
                    span,
                ));
                source = Some(named(document, display.pretty_printed, snippet));
            }
        }
    }
    // With a snippet, miette's header shows the place; without one, the message must.
    let place = match (error.at, source.is_some()) {
        (Some(at), false) => format!("{}:{}:{}", error.file, at.line, at.column),
        _ => error.file.clone(),
    };
    ReadyDiagnostic {
        message: escape_lines(&format!("cannot load {place}: {}", error.message)).into_owned(),
        code: Some("load-error".to_owned()),
        severity: miette::Severity::Error,
        source,
        labels,
        help: error.help.as_deref().map(help_text),
        related: Vec::new(),
    }
}
