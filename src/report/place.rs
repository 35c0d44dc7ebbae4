//! Where findings are, for outputs read by other tools (SARIF, GitHub annotations, JUnit,
//! Markdown, CSV): file names relative to the repository root and line/column ranges in
//! the user's file.
//!
//! The names are computed by `cli` (it may touch the file system, this module may not) and
//! handed in as [`FileNames`]; documents without one keep the name the user gave.

use std::collections::HashMap;

use crate::model::{DocId, Origin};
use crate::sources::{Documents, LineColumn};

/// Repository-relative names of input documents (`--sarif-root`), with `/` separators.
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
    let range = document.source_span(&origin.pointer)?;
    Some(Place {
        file: names.name(documents, origin.document),
        start: document.line_column(range.start),
        end: document.line_column(range.end),
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
