//! Where findings are, for outputs read by other tools (SARIF, GitHub annotations, JUnit,
//! Markdown, CSV): file names relative to the repository root and line/column ranges in
//! the user's file.
//!
//! The names are computed by `cli` (it may touch the file system, this module may not) and
//! handed in as [`FileNames`]; documents without one keep the name the user gave.

use std::collections::HashMap;

use crate::model::{DocId, Origin};
use crate::sources::{Documents, LineColumn};

/// Repository-relative names of input documents (`--repo-root`), with `/` separators.
#[derive(Debug, Clone, Default)]
pub struct FileNames {
    by_document: HashMap<DocId, String>,
}

impl FileNames {
    /// Names as computed by the caller; a document without one keeps its given name.
    pub fn new(by_document: HashMap<DocId, String>) -> Self {
        Self { by_document }
    }

    /// The name to print for a document.
    pub fn name(&self, documents: &Documents, document: DocId) -> String {
        match self.by_document.get(&document) {
            Some(name) => name.clone(),
            None => tidy(documents.name(document)),
        }
    }
}

/// A path as given, with `/` separators and without a leading `./`.
fn tidy(name: &str) -> String {
    let name = name.replace('\\', "/");
    let mut rest = name.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_owned()
}

/// A located place: a file and a range in it (1-based lines and character columns; the
/// end column is the column just after the range, as SARIF counts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub start: LineColumn,
    pub end: LineColumn,
}

/// The place of `origin`, or `None` when its document is unknown or has no span for it.
pub fn place(documents: &Documents, names: &FileNames, origin: &Origin) -> Option<Place> {
    let document = documents.get(origin.document)?;
    let (start, end) = document.label_place(&origin.pointer)?;
    Some(Place {
        file: names.name(documents, origin.document),
        start,
        end,
    })
}

/// What a viewer without the file can show: the text of a place and the lines around it.
/// Both are cut from the document's masked display text, so they never hold a secret;
/// their line numbers match the user's file because masking keeps every line break. Long
/// lines and long values are cut to a window around the place, as in human snippets (a
/// compact export is one line of many MB). Text still holds what the input held: escape
/// it to show it (see [`super::safe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// The lines around the place; `None` when the document is shown from an indented copy
    /// of a one-line file, whose lines are not the file's.
    pub context: Option<ExcerptContext>,
}

/// Lines of an [`Excerpt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcerptContext {
    /// 1-based, inclusive.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The excerpt of `origin`, with one line of context on each side.
pub fn excerpt(documents: &Documents, origin: &Origin) -> Option<Excerpt> {
    let document = documents.get(origin.document)?;
    // One list item's window when it shows the same lines (see `Document::shown`).
    let shown = document.shown(&[&origin.pointer]);
    let range = shown.span(&origin.pointer)?;
    let display = shown.display();
    let masked: &str = &display.text;
    let label = masked.get(range.clone())?;
    let shown = super::snippet::window(label, Some(0..0));
    let mut text = label.get(shown.clone()).unwrap_or_default().to_owned();
    if shown.end < label.len() {
        text.push('…');
    }
    if display.pretty_printed {
        return Some(Excerpt {
            text,
            context: None,
        });
    }
    // Lines come from the display index's line table: counting from the top of the text
    // for each finding is quadratic in a large export.
    let table = display.index.line_table(masked);
    let (first, _) = table.line_column(masked, range.start);
    let (last, _) = table.line_column(masked, range.end.max(range.start));
    let context_start = first.saturating_sub(1).max(1);
    let context_end = (last + 1).min(table.starts().len()).max(context_start);
    // A window's lines are numbered as in the whole display.
    let shift = display.first_line;
    let mut lines = Vec::new();
    for line in context_start..=context_end {
        let Some(&start) = table.starts().get(line - 1) else {
            break;
        };
        let end = table
            .starts()
            .get(line)
            .map_or(masked.len(), |next| next.saturating_sub(1));
        let content = masked.get(start..end.max(start))?;
        let content = content.strip_suffix('\r').unwrap_or(content);
        // The part of the place on this line, to centre a long line's window on.
        let focus = range.start.max(start).saturating_sub(start)
            ..range.end.min(start + content.len()).saturating_sub(start);
        let shown = super::snippet::window(content, Some(focus));
        let mut cut = String::new();
        if shown.start > 0 {
            cut.push('…');
        }
        cut.push_str(content.get(shown.clone()).unwrap_or_default());
        if shown.end < content.len() {
            cut.push('…');
        }
        lines.push(cut);
    }
    // No empty line after a final line break.
    while lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    Some(Excerpt {
        text,
        context: Some(ExcerptContext {
            start: context_start + shift,
            end: context_start + shift + lines.len().saturating_sub(1),
            text: lines.join("\n"),
        }),
    })
}

/// The file name of `origin` even when no line is known.
pub fn file_of(documents: &Documents, names: &FileNames, origin: &Origin) -> String {
    names.name(documents, origin.document)
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn tidies_given_names() {
        assert_eq!(tidy("./fixtures/demo/a.json"), "fixtures/demo/a.json");
        assert_eq!(tidy(r"fixtures\demo\a.json"), "fixtures/demo/a.json");
        assert_eq!(tidy("/abs/a.json"), "/abs/a.json");
    }
}
