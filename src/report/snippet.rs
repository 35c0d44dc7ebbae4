//! A miette source over a masked document that finds a span's lines in the document's line
//! table. miette reads a plain text from its first byte up to the span for every snippet,
//! which is quadratic in a large export with thousands of findings; here it reads only the
//! lines around the span.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::sources::document::Display;

/// The masked text of a document and where its lines start.
#[derive(Debug, Clone)]
pub(crate) struct Snippet {
    text: Arc<str>,
    lines: Arc<[usize]>,
}

impl Snippet {
    pub(crate) fn of(display: &Display) -> Self {
        Self {
            text: Arc::clone(&display.text),
            lines: Arc::clone(&display.lines),
        }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let end = span.offset().saturating_add(span.len());
        // One line more on each side than asked: miette trims the slice to the context.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 1);
        let last = self.line_of(end).saturating_add(context_lines_after + 1);
        let from = self.lines.get(first).copied().unwrap_or(0);
        let to = self
            .lines
            .get(last.saturating_add(1))
            .copied()
            .unwrap_or(self.text.len());
        let slice = match self.text.get(from..to) {
            Some(slice) if from <= span.offset() && end <= to => slice,
            _ => {
                return self
                    .text
                    .read_span(span, context_lines_before, context_lines_after);
            }
        };
        let inner = SourceSpan::from((span.offset() - from, span.len()));
        let contents = slice.read_span(&inner, context_lines_before, context_lines_after)?;
        let covered = contents.span();
        // Lines count from the top of the text, as miette's own: `line_count` too, which
        // for a plain text is the number of line breaks up to the end of the context (the
        // handler merges the snippets of nearby labels by it).
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            SourceSpan::from((covered.offset() + from, covered.len())),
            contents.line() + first,
            contents.column(),
            contents.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_miette_reads_from_the_whole_text() {
        let text: String = (0..300)
            .map(|at| format!("line {at} {}\n", "é".repeat(at % 7)))
            .collect();
        let snippet = Snippet {
            lines: Arc::from(crate::sources::span::line_starts(&text)),
            text: Arc::from(text.as_str()),
        };
        for (offset, len) in [
            (0, 0),
            (0, 5),
            (17, 40),
            (900, 3),
            (2500, 200),
            (text.len() - 3, 3),
        ] {
            for context in [0, 1, 2, 3] {
                let span = SourceSpan::from((offset, len));
                let whole = text.as_str().read_span(&span, context, context).ok();
                let lined = snippet.read_span(&span, context, context).ok();
                let facts = |contents: Option<Box<dyn SpanContents<'_> + '_>>| {
                    contents.map(|c| {
                        (
                            c.data().to_vec(),
                            *c.span(),
                            c.line(),
                            c.column(),
                            c.line_count(),
                        )
                    })
                };
                assert_eq!(facts(lined), facts(whole), "{offset}+{len}, {context}");
            }
        }
    }
}
