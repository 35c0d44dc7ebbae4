//! The text miette draws for one diagnostic: only the lines around its labels, each long
//! one cut to a window of [`WINDOW`] characters around the labelled part, all escaped (see
//! [`super::safe`]).
//!
//! miette would read a plain text from its first byte up to each span (quadratic in a large
//! export with thousands of findings), print a long line whole (a compact export is one
//! line of many MB) and panic past column 65,535 of a line. A [`Snippet`] holds a few short
//! lines, numbered as in the document, and gives the true line and column of each label for
//! the snippet header.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents};

use super::safe::{escape, escape_lines};
use crate::sources::document::Display;
use crate::sources::{Document, LineColumn};

/// Lines up to this many characters are shown whole.
const LONG_LINE: usize = 200;

/// The snippet under its document's name (escaped), marked as from an indented copy when
/// the document is shown so (`pretty_printed`, of the display the snippet was cut from).
pub(crate) fn named(
    document: &Document,
    pretty_printed: bool,
    snippet: Snippet,
) -> NamedSource<Snippet> {
    let language = match document.format {
        crate::sources::Format::Json => "json",
        crate::sources::Format::Yaml => "yaml",
        crate::sources::Format::Hcl => "hcl",
    };
    // Lines of an indented copy are not the file's: say so in the snippet header.
    let name = escape(&document.name);
    let name = if pretty_printed {
        format!("{name} (pretty-printed)")
    } else {
        name.into_owned()
    };
    NamedSource::new(name, snippet).with_language(language)
}

/// The snippet of one `range` of `document`'s display text, and the range as a span in it.
pub(crate) fn of_range(
    document: &Document,
    range: Range<usize>,
) -> Option<(NamedSource<Snippet>, SourceSpan)> {
    let display = document.display();
    let (snippet, spans) = Snippet::new(display, &[range]);
    let span = *spans.first()?;
    Some((named(document, display.pretty_printed, snippet), span))
}

/// Characters of a longer line shown around the labelled part.
pub(crate) const WINDOW: usize = 120;

/// Characters of context kept on each side of a label that widens the window.
const MARGIN: usize = 10;

/// Marks where a window cuts a line.
const ELLIPSIS: &str = "…";

/// Lines of context miette shows on each side of a label (its default).
const CONTEXT: usize = 1;

/// Lines between two labels shown rather than cut: miette draws nearby labels in one
/// snippet with every line between them.
const MAX_GAP: usize = 100;

/// Lines of a label spanning several lines shown (the rest is cut).
const MAX_LABEL_LINES: usize = 20;

/// The lines of one document a diagnostic shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snippet {
    text: String,
    lines: Vec<ShownLine>,
    /// Where each label starts in the document, by its offset in `text`: the header place.
    places: Vec<(usize, LineColumn)>,
}

/// One line of a [`Snippet`].
#[derive(Debug, Clone, Copy)]
struct ShownLine {
    /// Where it starts in the snippet's text.
    start: usize,
    /// 0-based line in the document.
    line: usize,
    /// The bytes of the document's line shown.
    from: usize,
    to: usize,
    /// Bytes of the ellipsis before the shown part (0 or its length).
    cut_before: usize,
}

impl Snippet {
    /// The snippet of the `ranges` (byte ranges of the display text) of a document, and the
    /// ranges as spans in it.
    pub(crate) fn new(display: &Display, ranges: &[Range<usize>]) -> (Self, Vec<SourceSpan>) {
        let text: &str = &display.text;
        let table = display.index.line_table(text);
        let starts = table.starts();
        // The empty line after a final line break is no context (miette does not show it).
        let last_line = match starts.last() {
            Some(&start) if start == text.len() && starts.len() > 1 => starts.len() - 2,
            _ => starts.len().saturating_sub(1),
        };
        let clamp = |offset: usize| floor_boundary(text, offset.min(text.len()));
        let ranges: Vec<Range<usize>> = ranges
            .iter()
            .map(|range| clamp(range.start)..clamp(range.end.max(range.start)))
            .collect();
        // Each range's first and last line (a long label cut to its first lines).
        let spans: Vec<(usize, usize)> = ranges
            .iter()
            .map(|range| {
                let first = table.line_of(range.start);
                let last = table.line_of(range.end.saturating_sub(1).max(range.start));
                (first, last.min(first + MAX_LABEL_LINES))
            })
            .collect();
        let mut needed: Vec<usize> = spans
            .iter()
            .flat_map(|&(first, last)| {
                first.saturating_sub(CONTEXT)..=(last + CONTEXT).min(last_line).max(last)
            })
            .collect();
        needed.sort_unstable();
        needed.dedup();
        let mut shown_lines = Vec::with_capacity(needed.len());
        for (at, &line) in needed.iter().enumerate() {
            shown_lines.push(line);
            if let Some(&next) = needed.get(at + 1)
                && next > line + 1
                && next - line <= MAX_GAP
            {
                shown_lines.extend(line + 1..next);
            }
        }
        let bounds = |line: usize| {
            let start = starts.get(line).copied().unwrap_or(text.len());
            let mut end = starts
                .get(line + 1)
                .map_or(text.len(), |next| next.saturating_sub(1));
            if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
            start..end.max(start)
        };
        let mut snippet = Self::default();
        for line in shown_lines {
            let whole = bounds(line);
            // The labelled part of this line, to centre the window on.
            let focus = ranges
                .iter()
                .filter(|range| range.start <= whole.end && range.end >= whole.start)
                .map(|range| range.start.max(whole.start)..range.end.min(whole.end))
                .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
                .map(|range| range.start - whole.start..range.end - whole.start);
            let content = &text[whole.clone()];
            let shown = window(content, focus);
            let cut_before = if shown.start > 0 { ELLIPSIS.len() } else { 0 };
            let start = snippet.text.len();
            if cut_before > 0 {
                snippet.text.push_str(ELLIPSIS);
            }
            snippet
                .text
                .push_str(&escape_lines(&content[shown.clone()]));
            if shown.end < content.len() {
                snippet.text.push_str(ELLIPSIS);
            }
            snippet.text.push('\n');
            snippet.lines.push(ShownLine {
                start,
                line,
                from: whole.start + shown.start,
                to: whole.start + shown.end,
                cut_before,
            });
        }
        let mut spans_out = Vec::with_capacity(ranges.len());
        for (range, &(first, last)) in ranges.iter().zip(&spans) {
            let start = snippet.offset(text, first, range.start);
            let end = snippet.offset(text, last, range.end.min(bounds(last).end));
            let (line, column) = table.line_column(text, range.start);
            snippet.places.push((start, LineColumn { line, column }));
            spans_out.push(SourceSpan::from(start..end.max(start)));
        }
        // Lines of a window (one list item) are numbered as in the whole display.
        for shown in &mut snippet.lines {
            shown.line += display.first_line;
        }
        for (_, at) in &mut snippet.places {
            at.line += display.first_line;
        }
        (snippet, spans_out)
    }

    /// Shows `at` in the header of the label at `span` instead of its place in the display
    /// text (a load error's place in the file, which masking may have moved).
    pub(crate) fn with_place(mut self, span: SourceSpan, at: LineColumn) -> Self {
        self.places.retain(|(offset, _)| *offset != span.offset());
        self.places.push((span.offset(), at));
        self
    }

    /// Where document offset `offset`, on 0-based `line`, is in the snippet's text.
    fn offset(&self, text: &str, line: usize, offset: usize) -> usize {
        let at = self.lines.partition_point(|shown| shown.line < line);
        let Some(shown) = self.lines.get(at).filter(|shown| shown.line == line) else {
            return self.text.len();
        };
        if offset < shown.from {
            return shown.start;
        }
        let inside = offset.min(shown.to);
        let escaped = text
            .get(shown.from..inside)
            .map_or(0, |part| escape_lines(part).len());
        shown.start + shown.cut_before + escaped
    }

    /// Index in `lines` of the line holding snippet offset `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|shown| shown.start <= offset)
            .saturating_sub(1)
    }
}

/// The bytes of `line` to show: all of a line up to [`LONG_LINE`] characters; of a longer
/// one, [`WINDOW`] characters (more for a longer label, up to [`LONG_LINE`])
/// characters around `focus` (a byte range of the line), or its start.
pub(crate) fn window(line: &str, focus: Option<Range<usize>>) -> Range<usize> {
    if line.len() <= LONG_LINE || line.chars().take(LONG_LINE + 1).count() <= LONG_LINE {
        return 0..line.len();
    }
    let focus = focus.unwrap_or(0..0);
    let start = floor_boundary(line, focus.start.min(line.len()));
    let end = floor_boundary(line, focus.end.clamp(start, line.len()));
    // A label longer than the window widens it (up to a long line), with some context.
    let focused = line[start..end].chars().take(LONG_LINE).count();
    let width = (focused + 2 * MARGIN).clamp(WINDOW, LONG_LINE);
    if focused >= width {
        // The label's start, after a little of what comes before it (its key, say).
        let (from, _) = backward(line, start, MARGIN);
        return from..forward(line, from, width).0;
    }
    let room = width - focused;
    let (from, before) = backward(line, start, room / 2);
    let (to, after) = forward(line, end, room - before);
    // Room left at the end of the line goes before the focus.
    let (from, _) = backward(line, from, room - before - after);
    from..to
}

/// The offset `count` characters after `offset` (or the end), and how many it moved.
fn forward(line: &str, offset: usize, count: usize) -> (usize, usize) {
    let mut moved = 0;
    let mut at = offset;
    for character in line[offset..].chars().take(count) {
        at += character.len_utf8();
        moved += 1;
    }
    (at, moved)
}

/// The offset `count` characters before `offset` (or the start), and how many it moved.
fn backward(line: &str, offset: usize, count: usize) -> (usize, usize) {
    let mut moved = 0;
    let mut at = offset;
    for character in line[..offset].chars().rev().take(count) {
        at -= character.len_utf8();
        moved += 1;
    }
    (at, moved)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let end = span.offset().saturating_add(span.len());
        if end > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_index(span.offset());
        let last = self.line_index(end.saturating_sub(1).max(span.offset()));
        let follows = |at: usize| {
            let (Some(previous), Some(next)) = (self.lines.get(at), self.lines.get(at + 1)) else {
                return false;
            };
            next.line == previous.line + 1
        };
        // A span across lines cut out is not one snippet: miette then draws two.
        if (first..last).any(|at| !follows(at)) {
            return Err(MietteError::OutOfBounds);
        }
        let mut top = first;
        for _ in 0..context_lines_before {
            if top > 0 && follows(top - 1) {
                top -= 1;
            }
        }
        let mut bottom = last;
        for _ in 0..context_lines_after {
            if follows(bottom) {
                bottom += 1;
            }
        }
        let (line, from, column) = match (self.lines.get(first), context_lines_before) {
            // The header's question: where the label starts.
            (Some(shown), 0) => {
                let place = self
                    .places
                    .iter()
                    .find(|(offset, _)| *offset == span.offset())
                    .map(|(_, at)| *at);
                match place {
                    Some(at) => (at.line - 1, span.offset(), at.column - 1),
                    None => (shown.line, span.offset(), 0),
                }
            }
            _ => (
                self.lines.get(top).map_or(0, |shown| shown.line),
                self.lines.get(top).map_or(0, |shown| shown.start),
                0,
            ),
        };
        let to = self
            .lines
            .get(bottom + 1)
            .map_or(self.text.len(), |shown| shown.start);
        let data = self
            .text
            .get(from..to.max(from))
            .ok_or(MietteError::OutOfBounds)?;
        // `line_count`: line breaks from the top of the document to the end of the data, as
        // miette counts them in a plain text (it tries to merge the snippets of labels by it).
        let breaks = self.lines.get(bottom).map_or(0, |shown| shown.line + 1);
        Ok(Box::new(MietteSpanContents::new(
            data.as_bytes(),
            SourceSpan::from((from, data.len())),
            line,
            column,
            breaks,
        )))
    }
}

#[cfg(test)]
// Lists of label ranges, some of one label.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::sources::span::SpanIndex;
    use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
    use std::sync::Arc;

    #[derive(Debug, thiserror::Error)]
    #[error("finding")]
    struct Report<S: SourceCode + std::fmt::Debug + Send + Sync + 'static> {
        code: NamedSource<S>,
        labels: Vec<LabeledSpan>,
    }

    impl<S: SourceCode + std::fmt::Debug + Send + Sync + 'static> Diagnostic for Report<S> {
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.code)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn display(text: &str) -> Display {
        Display {
            text: Arc::from(text),
            index: SpanIndex::default(),
            pretty_printed: false,
            first_line: 0,
        }
    }

    fn draw<S: SourceCode + std::fmt::Debug + Send + Sync + 'static>(
        source: S,
        spans: Vec<SourceSpan>,
    ) -> String {
        let labels = spans
            .into_iter()
            .enumerate()
            .map(|(at, span)| LabeledSpan::new_with_span(Some(format!("label {at}")), span))
            .collect();
        let report = Report {
            code: NamedSource::new("a.json", source),
            labels,
        };
        let mut out = String::new();
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str("<error>");
        }
        out
    }

    #[test]
    fn short_lines_are_drawn_as_miette_draws_the_whole_text() {
        let text: String = (0..300)
            .map(|at| format!("line {at} {}\n", "ab".repeat(at % 7)))
            .collect();
        let line = |at: usize| text.match_indices('\n').nth(at).map_or(0, |(o, _)| o + 1);
        for ranges in [
            vec![0..0],
            vec![0..5],
            vec![line(3) + 2..line(3) + 6],
            vec![line(10)..line(10) + 4, line(12) + 1..line(12) + 3],
            vec![line(10)..line(10) + 4, line(200) + 1..line(200) + 3],
            vec![line(20) + 1..line(23) + 2],
            vec![text.len() - 3..text.len() - 1],
        ] {
            let (snippet, spans) = Snippet::new(&display(&text), &ranges);
            let whole = ranges
                .iter()
                .map(|range| SourceSpan::from(range.clone()))
                .collect();
            assert_eq!(
                draw(snippet, spans),
                draw(text.clone(), whole),
                "{ranges:?}"
            );
        }
    }

    #[test]
    fn a_long_line_is_drawn_as_a_window_with_its_true_column() {
        let text = format!("{{\"a\": \"{}é\", \"b\": oops}}", "x".repeat(200_000));
        let at = text.find("oops").unwrap_or(0);
        let (snippet, spans) = Snippet::new(&display(&text), &[at..at + 4]);
        let out = draw(snippet, spans);
        assert!(out.len() < 2_000, "{out}");
        assert!(out.contains("[a.json:1:200017]"), "{out}");
        assert!(out.contains("…xxx"), "{out}");
        assert!(out.contains("\"b\": oops}"), "{out}");
    }

    #[test]
    fn windows_centre_on_the_focus_and_use_the_room_left_at_the_ends() {
        let line = "abcdefghij".repeat(50);
        assert_eq!(window(&line[..LONG_LINE], Some(150..160)), 0..LONG_LINE);
        assert_eq!(window(&line, Some(250..260)), 195..315);
        assert_eq!(window(&line, Some(0..3)), 0..WINDOW);
        assert_eq!(window(&line, Some(497..500)), 380..500);
        assert_eq!(window(&line, Some(10..150)), 0..160);
        assert_eq!(window(&line, Some(10..400)), 0..200);
        assert_eq!(window(&line, Some(100..400)), 90..290);
        assert_eq!(window("short", Some(1..2)), 0..5);
    }

    #[test]
    fn controls_in_lines_are_escaped_and_labels_follow_them() {
        let text = "{\"k\u{1b}[2J\u{202e}\": 1,\n \"x\": 2}";
        let at = text.find("\"x\"").unwrap_or(0);
        let (snippet, spans) = Snippet::new(&display(text), &[at..at + 3]);
        let out = draw(snippet, spans);
        assert!(out.contains("k\\u{1b}[2J\\u{202e}"), "{out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{out}"
        );
        assert!(out.contains("[a.json:2:2]"), "{out}");
    }
}
