//! Every input becomes a named text document; entities point into it with `Origin`s.

use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::secrets;
use super::span::{SpanIndex, line_column};
use crate::model::{DocId, Pointer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// A point in a document, as outputs print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

/// One input document.
#[derive(Debug)]
pub struct Document {
    /// The path as the user gave it (or as the walk found it under a given directory).
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    /// The text, without a leading byte-order mark. It may hold secrets: never print it;
    /// use [`Document::display`].
    text: Arc<str>,
    parsed: bool,
    /// Values a loader found to be secrets beyond those known by name; masked too.
    secrets: HashSet<Pointer>,
    index: OnceLock<SpanIndex>,
    display: OnceLock<Display>,
}

/// The masked text shown in snippets, and its own span index.
#[derive(Debug)]
pub struct Display {
    pub text: Arc<str>,
    pub index: SpanIndex,
    /// The document is JSON written on one line (as `terraform show -json` writes it), so
    /// snippets come from an indented copy; lines and columns in other outputs stay those of
    /// the file.
    pub pretty_printed: bool,
}

impl Document {
    /// `parsed` says whether the text is valid JSON/YAML; an invalid text is masked line
    /// by line, since it has no pointers.
    pub fn new(name: String, path: PathBuf, format: Format, text: Arc<str>, parsed: bool) -> Self {
        Self {
            name,
            path,
            format,
            text,
            parsed,
            secrets: HashSet::new(),
            index: OnceLock::new(),
            display: OnceLock::new(),
        }
    }

    /// Marks values as secrets to mask in snippets (before the display text is first built).
    pub fn mark_secrets(&mut self, pointers: impl IntoIterator<Item = Pointer>) {
        self.secrets.extend(pointers);
    }

    /// The original text. Holds secrets: for parsing and span tests only.
    pub fn raw_text(&self) -> &str {
        &self.text
    }

    /// The span index of the original text, built on first use.
    pub fn index(&self) -> &SpanIndex {
        self.index
            .get_or_init(|| SpanIndex::build_shared(&self.text, self.format))
    }

    /// Line and column of the value at `pointer` (or its nearest ancestor) in the user's file.
    pub fn locate(&self, pointer: &Pointer) -> Option<LineColumn> {
        let index = self.index();
        let spot = index.find(pointer)?;
        let (line, column) = index.line_column(&self.text, spot.value.start);
        Some(LineColumn { line, column })
    }

    /// Line and column of a byte offset of the original text.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let (line, column) = line_column(&self.text, offset);
        LineColumn { line, column }
    }

    /// The masked text and its index, built on first use.
    pub fn display(&self) -> &Display {
        self.display.get_or_init(|| {
            let masked = if self.parsed {
                secrets::mask_parsed_with(&self.text, self.index(), &self.secrets)
            } else {
                secrets::mask_unparsed(&self.text)
            };
            let pretty = (self.parsed && self.format == Format::Json && is_one_line(&masked))
                .then(|| indent_json(&masked))
                .flatten();
            let pretty_printed = pretty.is_some();
            let masked: Arc<str> = Arc::from(pretty.unwrap_or(masked));
            let index = if self.parsed {
                SpanIndex::build_shared(&masked, self.format)
            } else {
                SpanIndex::default()
            };
            Display {
                text: masked,
                index,
                pretty_printed,
            }
        })
    }

    /// The byte range in the masked text to label for `pointer` (or its nearest ancestor).
    ///
    /// A scalar is labelled whole. An object or array would span many lines, so it is
    /// labelled by its key when it has one, else by its `name` or `id` member, else by its
    /// first line.
    pub fn display_span(&self, pointer: &Pointer) -> Option<Range<usize>> {
        let display = self.display();
        label_range(&display.index, &display.text, pointer)
    }

    /// The same place as [`Document::display_span`], as a byte range of the user's file
    /// (for outputs that print line and column ranges, such as SARIF). Never slice the
    /// text with it for display: the original text holds secrets.
    pub fn source_span(&self, pointer: &Pointer) -> Option<Range<usize>> {
        label_range(self.index(), &self.text, pointer)
    }

    /// The 1-based line where the label of `pointer` starts in the user's file (the line
    /// outputs point at), for matching inline waivers.
    pub fn label_line(&self, pointer: &Pointer) -> Option<usize> {
        let range = self.source_span(pointer)?;
        Some(self.line_column(range.start).line)
    }
}

/// The range to label for `pointer` in `text` (see [`Document::display_span`]).
fn label_range(index: &SpanIndex, text: &str, pointer: &Pointer) -> Option<Range<usize>> {
    let spot = index.find(pointer)?;
    if !spot.composite {
        return Some(spot.value.clone());
    }
    if let Some(key) = &spot.key {
        return Some(key.clone());
    }
    // A Terraform resource is named best by its address.
    for member in ["address", "name", "id"] {
        if let Some(child) = index.get(&pointer.key(member))
            && let Some(key) = &child.key
        {
            return Some(key.start..child.value.end);
        }
    }
    let start = spot.value.start;
    let line_end = text
        .get(start..spot.value.end)?
        .find('\n')
        .map_or(spot.value.end, |at| start + at);
    Some(start..line_end)
}

impl Document {
    /// Like [`Document::display_span`], but a member is labelled by its key when it has one
    /// (for mistakes in the member's name: an unknown field, rule id or parameter).
    pub fn display_key_span(&self, pointer: &Pointer) -> Option<Range<usize>> {
        match self
            .display()
            .index
            .get(pointer)
            .and_then(|spot| spot.key.clone())
        {
            Some(key) => Some(key),
            None => self.display_span(pointer),
        }
    }
}

/// A JSON text written on one line, too long to show as a snippet.
fn is_one_line(text: &str) -> bool {
    let text = text.trim();
    text.len() > 120 && !text.contains('\n')
}

/// The same JSON, indented by two spaces, members in their original order.
fn indent_json(text: &str) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut out = Vec::with_capacity(text.len() * 2);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde_transcode::transcode(&mut deserializer, &mut serializer).ok()?;
    String::from_utf8(out).ok()
}

/// All documents of one run, addressed by `DocId`: the place of their input in the load,
/// so an input that gave no document (unreadable, empty) leaves an empty slot.
#[derive(Debug, Default)]
pub struct Documents {
    documents: Vec<Option<Document>>,
}

impl Documents {
    pub fn get_mut(&mut self, id: DocId) -> Option<&mut Document> {
        self.documents.get_mut(id.0 as usize)?.as_mut()
    }

    pub fn add(&mut self, document: Document) -> DocId {
        self.push_slot(Some(document))
    }

    /// Adds the next slot, filled or not, and returns its id.
    pub fn push_slot(&mut self, document: Option<Document>) -> DocId {
        let id = DocId(u32::try_from(self.documents.len()).unwrap_or(u32::MAX));
        self.documents.push(document);
        id
    }

    pub fn get(&self, id: DocId) -> Option<&Document> {
        self.documents.get(id.0 as usize)?.as_ref()
    }

    pub fn iter(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.documents
            .iter()
            .enumerate()
            .filter_map(|(at, document)| Some((DocId(at as u32), document.as_ref()?)))
    }

    /// How many documents there are (empty slots do not count).
    pub fn len(&self) -> usize {
        self.documents.iter().flatten().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name (path as given) of a document.
    pub fn name(&self, id: DocId) -> &str {
        self.get(id)
            .map_or("<unknown>", |document| document.name.as_str())
    }
}
