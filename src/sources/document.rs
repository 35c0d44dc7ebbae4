//! Every input becomes a named text document; entities point into it with `Origin`s.
//!
//! Over 400 lines on purpose: a document, its lazily resolved places and its masked display
//! text share one invariant (places are resolved once, against the unchanged file), which is
//! easier to keep in one file than across several.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use super::items::{ItemPlace, ItemTable};
use super::secrets;
use super::span::{SpanIndex, line_column};
use super::text::{Format, LineColumn};
use crate::model::{DocId, Origin, Pointer};

mod copy_lines;
mod window;
pub use window::Shown;

/// How many places one task of [`Document::resolve`] reads.
const RESOLVED_TOGETHER: usize = 256;

/// One input document.
#[derive(Debug)]
pub struct Document {
    /// The path as the user gave it (or as the walk found it under a given directory).
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    /// The text, without a leading byte-order mark. It may hold secrets: never print it;
    /// use [`Document::display`]. Empty after [`Document::release`] until it is read again.
    text: OnceLock<Arc<str>>,
    /// The file the text was read from, as it was then, when the text can be read again.
    source: Option<FileStamp>,
    parsed: bool,
    /// Values a loader found to be secrets beyond those known by name; masked too.
    secrets: HashSet<Pointer>,
    index: OnceLock<SpanIndex>,
    display: OnceLock<Display>,
    /// Places worked out by [`Document::resolve`] before the text was released.
    resolved: HashMap<Pointer, Place>,
    /// Where the items of its lists are, so that a released text need not be read again
    /// whole to resolve a place inside one item.
    items: Option<ItemTable>,
    /// How the whole display lays the text out, for windows (see [`Document::shown`]).
    layout: OnceLock<window::Layout>,
}

/// A regular file's size and modification time when it was read: the text is read again
/// only from the same file, unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl FileStamp {
    /// The stamp of a regular file (`None` for anything else: a pipe cannot be read twice).
    pub fn of(metadata: &std::fs::Metadata) -> Option<Self> {
        metadata.is_file().then(|| Self {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        })
    }
}

/// The list items one [`Document::resolve`] reads: the file, opened once and only if it is
/// unchanged, and each item read with its span index, by start offset.
#[derive(Default)]
struct ItemReader {
    file: Option<Option<std::fs::File>>,
    items: HashMap<usize, Option<(String, SpanIndex)>>,
}

impl ItemReader {
    fn item(&mut self, document: &Document, place: &ItemPlace) -> Option<&(String, SpanIndex)> {
        let file = self.file.get_or_insert_with(|| {
            let file = std::fs::File::open(&document.path).ok()?;
            let stamp = file.metadata().ok().as_ref().and_then(FileStamp::of);
            (stamp.is_some() && stamp == document.source).then_some(file)
        });
        self.items
            .entry(place.start)
            .or_insert_with(|| {
                let text = place.read(file.as_mut()?)?;
                let index = SpanIndex::build(&text, Format::Json);
                Some((text, index))
            })
            .as_ref()
    }
}

/// What the machine-readable outputs need of one pointer.
#[derive(Debug, Clone)]
struct Place {
    at: Option<LineColumn>,
    label: Option<Range<usize>>,
    label_at: Option<(LineColumn, LineColumn)>,
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
    /// The 0-based line of the whole display where `text` starts: 0, except for the
    /// window of one list item (see [`Document::shown`]).
    pub first_line: usize,
}

impl Document {
    /// `parsed` says whether the text is valid JSON/YAML; an invalid text is masked line
    /// by line, since it has no pointers.
    pub fn new(name: String, path: PathBuf, format: Format, text: Arc<str>, parsed: bool) -> Self {
        Self::with_text(name, path, format, OnceLock::from(text), parsed)
    }

    fn with_text(
        name: String,
        path: PathBuf,
        format: Format,
        text: OnceLock<Arc<str>>,
        parsed: bool,
    ) -> Self {
        Self {
            name,
            path,
            format,
            text,
            source: None,
            parsed,
            secrets: HashSet::new(),
            index: OnceLock::new(),
            display: OnceLock::new(),
            resolved: HashMap::new(),
            items: None,
            layout: OnceLock::new(),
        }
    }

    /// Notes where the items of the document's lists are (see [`ItemTable`]).
    #[must_use]
    pub fn with_items(mut self, items: ItemTable) -> Self {
        self.items = Some(items);
        self
    }

    /// A parsed document whose text is left in its file (see [`Document::release`]).
    pub fn unread(name: String, path: PathBuf, format: Format, source: FileStamp) -> Self {
        Self::with_text(name, path, format, OnceLock::new(), true).read_from(Some(source))
    }

    /// Notes the file the text came from, so that [`Document::release`] may drop the text.
    #[must_use]
    pub fn read_from(mut self, source: Option<FileStamp>) -> Self {
        self.source = source;
        self
    }

    /// The text, read again from its file after a release. A file that changed since it
    /// was loaded gives an empty text: no places rather than wrong ones.
    fn text(&self) -> &Arc<str> {
        self.text.get_or_init(|| {
            let unchanged = |metadata: &std::fs::Metadata| FileStamp::of(metadata) == self.source;
            let bytes = std::fs::metadata(&self.path)
                .ok()
                .filter(unchanged)
                .and_then(|_| std::fs::read(&self.path).ok())
                .filter(|bytes| Some(bytes.len() as u64) == self.source.map(|source| source.len));
            let text = bytes.and_then(|bytes| {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                std::str::from_utf8(bytes).ok().map(Arc::from)
            });
            text.unwrap_or_else(|| Arc::from(""))
        })
    }

    /// Drops the text and its span index when it can be read again from its file, keeping
    /// the places [`Document::resolve`] worked out: a run over hundreds of MB of exports
    /// holds their entities, not their text.
    pub fn release(&mut self) {
        if self.source.is_some() {
            self.text = OnceLock::new();
            self.index = OnceLock::new();
        }
    }

    /// Works out what the machine-readable outputs need of each pointer (its line and
    /// column, its label's range), then releases the text.
    pub fn resolve<'a>(&mut self, pointers: impl IntoIterator<Item = &'a Pointer>) {
        use rayon::prelude::*;
        let mut unique: Vec<&Pointer> = Vec::new();
        let mut seen = HashSet::new();
        for pointer in pointers {
            if !self.resolved.contains_key(pointer) && seen.insert(pointer) {
                unique.push(pointer);
            }
        }
        // Each place is read from its own list item: the places of a document with many
        // findings (the policy export) are read on every core, a reader per chunk. Sorted,
        // the pointers into one item are side by side (`/policies/12/...` before
        // `/policies/120`), so an item is read by one chunk (two at most), not by every
        // chunk whose findings point into it, and the file is read front to back.
        unique.sort_unstable();
        let this = &*self;
        let resolved: Vec<(Pointer, Place)> = unique
            .par_chunks(RESOLVED_TOGETHER)
            // One chunk per task, so that both cores share the last chunks.
            .with_max_len(1)
            .flat_map_iter(|pointers| {
                let mut reader = ItemReader::default();
                pointers
                    .iter()
                    .map(|pointer| ((*pointer).clone(), this.place_of(pointer, &mut reader)))
                    .collect::<Vec<_>>()
            })
            .collect();
        self.resolved.extend(resolved);
        self.release();
    }

    /// The place of `pointer`: from its list item when the item table knows it, else from
    /// the whole text.
    fn place_of(&self, pointer: &Pointer, reader: &mut ItemReader) -> Place {
        match self.in_item(pointer, reader) {
            Some(entry) => entry,
            None => {
                let label = self.source_span(pointer);
                let label_at = label
                    .as_ref()
                    .map(|range| (self.line_column(range.start), self.line_column(range.end)));
                Place {
                    at: self.locate(pointer),
                    label,
                    label_at,
                }
            }
        }
    }

    /// The places of `pointer` from the one list item it lies in, read alone from the
    /// unchanged file, when the text is not at hand and the item table knows the item.
    fn in_item(&self, pointer: &Pointer, reader: &mut ItemReader) -> Option<Place> {
        if self.text.get().is_some() {
            return None;
        }
        let (place, inner) = self.items.as_ref()?.find(pointer)?;
        let (text, index) = reader.item(self, &place)?;
        let outer = |offset: usize| {
            let (line, column) = index.line_column(text, offset);
            place.outer(LineColumn { line, column })
        };
        let at = index.find(&inner).map(|spot| outer(spot.value.start));
        let label = label_range(index, text, &inner);
        let label_at = label
            .as_ref()
            .map(|range| (outer(range.start), outer(range.end)));
        Some(Place {
            at,
            label: label.map(|range| range.start + place.start..range.end + place.start),
            label_at,
        })
    }

    /// Marks values as secrets to mask in snippets (before the display text is first built).
    pub fn mark_secrets(&mut self, pointers: impl IntoIterator<Item = Pointer>) {
        self.secrets.extend(pointers);
    }

    /// The original text. Holds secrets: for parsing and span tests only.
    pub fn raw_text(&self) -> &str {
        self.text()
    }

    /// The span index of the original text, built on first use.
    pub fn index(&self) -> &SpanIndex {
        self.index
            .get_or_init(|| SpanIndex::build_shared(self.text(), self.format))
    }

    /// Line and column of the value at `pointer` (or its nearest ancestor) in the user's file.
    pub fn locate(&self, pointer: &Pointer) -> Option<LineColumn> {
        if let Some(resolved) = self.resolved.get(pointer) {
            return resolved.at;
        }
        let index = self.index();
        let spot = index.find(pointer)?;
        let (line, column) = index.line_column(self.text(), spot.value.start);
        Some(LineColumn { line, column })
    }

    /// Line and column of a byte offset of the original text.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        // The index's line table when it is built; else a count, not worth an index.
        let (line, column) = match self.index.get() {
            Some(index) => index.line_column(self.text(), offset),
            None => line_column(self.text(), offset),
        };
        LineColumn { line, column }
    }

    /// The masked text and its index, built on first use.
    pub fn display(&self) -> &Display {
        self.display.get_or_init(|| {
            let masked = if self.parsed {
                secrets::mask_parsed_with(self.text(), self.index(), &self.secrets)
            } else {
                secrets::mask_unparsed(self.text())
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
                first_line: 0,
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
        if let Some(resolved) = self.resolved.get(pointer) {
            return resolved.label.clone();
        }
        label_range(self.index(), self.text(), pointer)
    }

    /// Where the label of `pointer` (see [`Document::source_span`]) starts and ends in the
    /// user's file.
    pub fn label_place(&self, pointer: &Pointer) -> Option<(LineColumn, LineColumn)> {
        if let Some(resolved) = self.resolved.get(pointer) {
            return resolved.label_at;
        }
        let range = self.source_span(pointer)?;
        Some((self.line_column(range.start), self.line_column(range.end)))
    }

    /// The 1-based line where the label of `pointer` starts in the user's file (the line
    /// outputs point at), for matching inline waivers.
    pub fn label_line(&self, pointer: &Pointer) -> Option<usize> {
        Some(self.label_place(pointer)?.0.line)
    }

    /// In a `.tf` file, the lines of the top-level block that holds `pointer` (a `resource`,
    /// `data`, `module`, ... block): its header's line and its last line. An inline waiver
    /// on a block covers what is found anywhere in it.
    pub fn block_lines(&self, pointer: &Pointer) -> Option<(usize, usize)> {
        if self.format != Format::Hcl {
            return None;
        }
        let mut tokens = pointer.tokens();
        let kind = tokens.next()?;
        let labels = match kind.as_ref() {
            "resource" | "data" => 2,
            "module" | "provider" | "variable" | "output" => 1,
            _ => return None,
        };
        let mut block = Pointer::root().key(&kind);
        for _ in 0..labels {
            block = block.key(&tokens.next()?);
        }
        let spot = self.index().find(&block)?;
        let header = self.label_line(&block)?;
        let last = self.line_column(spot.value.end.saturating_sub(1)).line;
        Some((header, last.max(header)))
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

    /// Resolves the places of `origins` in their documents (see [`Document::resolve`]), a
    /// document per core at a time, so that the texts read again for them are dropped as
    /// soon as their places are known.
    pub fn resolve<'a>(&mut self, origins: impl IntoIterator<Item = &'a Origin>) {
        use rayon::prelude::*;
        let mut by_document: Vec<Vec<&Pointer>> = vec![Vec::new(); self.documents.len()];
        for origin in origins {
            if let Some(pointers) = by_document.get_mut(origin.document.0 as usize) {
                pointers.push(&origin.pointer);
            }
        }
        self.documents
            .par_iter_mut()
            .zip(by_document)
            .for_each(|(document, pointers)| {
                if let Some(document) = document
                    && !pointers.is_empty()
                {
                    document.resolve(pointers);
                }
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(path: &std::path::Path) -> Document {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let stamp = std::fs::metadata(path)
            .ok()
            .as_ref()
            .and_then(FileStamp::of);
        Document::new(
            "a.json".into(),
            path.into(),
            Format::Json,
            Arc::from(text),
            true,
        )
        .read_from(stamp)
    }

    #[test]
    fn a_released_text_is_read_again_only_from_the_same_file() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let path = dir.path().join("a.json");
        let text = "{\n  \"policies\": [\n    {\"id\": \"p\"}\n  ]\n}\n";
        std::fs::write(&path, text).ok();
        let pointer = Pointer::root().key("policies").index(0).key("id");
        let mut document = loaded(&path);
        let place = document.locate(&pointer);
        assert_eq!(
            place,
            Some(LineColumn {
                line: 3,
                column: 12
            })
        );
        document.release();
        assert_eq!(document.locate(&pointer), place);
        // Place places survive the file; unresolved ones need it unchanged.
        document.resolve([&pointer]);
        std::fs::write(&path, format!("\n\n{text}")).ok();
        assert_eq!(document.locate(&pointer), place);
        let other = Pointer::root().key("policies").index(0);
        assert_eq!(document.locate(&other), None);
        assert_eq!(document.raw_text(), "");
    }
}
