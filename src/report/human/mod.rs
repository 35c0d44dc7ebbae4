//! `--format human`: one miette diagnostic per finding and per load error, then a summary.
//! `diagnostic.rs` turns findings and load errors into miette diagnostics, `help.rs` lays
//! out a remediation's steps, `summary.rs` writes the closing summary.

mod diagnostic;
mod help;
mod summary;

use miette::{GraphicalReportHandler, GraphicalTheme};
use rayon::prelude::*;

use super::{Comparison, RunReport};
use crate::rules::Finding;
use crate::sources::Loaded;

use diagnostic::{ReadyDiagnostic, error_diagnostic, finding_diagnostic};
use help::{command_as_one_word, hyphens_outside_commands};
pub(crate) use summary::{Listed, listed_errors, summary_text};

/// Findings drawn by one task: enough to outweigh a handler's setup, few enough to keep
/// both cores busy to the end.
const FINDINGS_PER_TASK: usize = 32;

/// How to draw diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width in columns.
    pub width: usize,
    /// Name skipped files in the summary.
    pub verbose: bool,
}

impl Style {
    /// The miette handler every human diagnostic (findings, load and config errors,
    /// waiver warnings) is drawn with.
    pub(crate) fn handler(&self) -> GraphicalReportHandler {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
            // A command line of a help text is one word, never broken (see `help_text`).
            .with_word_separator(textwrap::WordSeparator::Custom(command_as_one_word))
            .with_word_splitter(textwrap::WordSplitter::Custom(hyphens_outside_commands))
            .with_break_words(false)
    }
}

impl Default for Style {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
            verbose: false,
        }
    }
}

/// Renders only the load errors of a run (for commands that print no findings).
pub fn render_load_errors(loaded: &Loaded, style: Style) -> String {
    let mut out = String::new();
    render_errors(&style.handler(), &mut out, loaded, style);
    out
}

/// The load errors of [`listed_errors`], each a diagnostic.
fn render_errors(
    handler: &GraphicalReportHandler,
    out: &mut String,
    loaded: &Loaded,
    style: Style,
) {
    for listed in listed_errors(loaded, style) {
        match listed {
            Listed::Error(error) => {
                render_diagnostic(handler, out, &error_diagnostic(&loaded.documents, error));
            }
            Listed::More(line) => {
                out.push_str(&line);
                out.push_str("\n\n");
            }
        }
    }
}

/// Renders the whole run: findings, then load errors, then the summary.
pub fn render(report: &RunReport<'_>, style: Style) -> String {
    render_compared(report, style, None)
}

/// [`render`] for a run that reports only new findings, with what was compared in the
/// summary.
pub fn render_compared(
    report: &RunReport<'_>,
    style: Style,
    comparison: Option<&Comparison>,
) -> String {
    let handler = style.handler();
    let documents = &report.loaded.documents;
    // Most severe first: a person triages from the top. Each diagnostic reads, masks and
    // lays out its snippet: they are drawn on every core, a run of findings at a time, and
    // joined in order.
    let findings: Vec<&Finding> = super::severity_first(report.findings);
    // The findings of documents whose layout is still to be worked out last (see
    // `excerpts`), one part per finding.
    let plan = super::excerpts::Plan::new(documents, findings.iter().copied());
    let drawn: Vec<String> = plan.draw(|| {
        plan.order
            .par_chunks(FINDINGS_PER_TASK)
            .flat_map_iter(|chunk| {
                let handler = style.handler();
                chunk
                    .iter()
                    .filter_map(|&at| findings.get(at))
                    .map(|finding| {
                        let mut out = String::new();
                        render_diagnostic(
                            &handler,
                            &mut out,
                            &finding_diagnostic(documents, finding, report.account_of(finding)),
                        );
                        out
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    let parts = plan.in_findings_order(drawn);
    // Each part is freed once copied: the output is not held twice.
    let mut out = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 4096);
    for part in parts {
        out.push_str(&part);
    }
    render_errors(&handler, &mut out, report.loaded, style);
    out.push_str(&summary_text(report, style, comparison));
    out
}

fn render_diagnostic(
    handler: &GraphicalReportHandler,
    out: &mut String,
    diagnostic: &ReadyDiagnostic,
) {
    if handler.render_report(out, diagnostic).is_err() {
        out.push_str(&diagnostic.message);
        out.push('\n');
    }
    out.push('\n');
}
