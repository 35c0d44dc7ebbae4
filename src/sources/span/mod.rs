//! Span indexes: JSON pointer -> byte ranges of the key and the value in a document's text.
//!
//! Built lazily, only for documents that have findings or load errors. JSON is located with
//! jsonc-parser (serde_json has already decided the text is valid; jsonc-parser only finds
//! places) and YAML with saphyr's `MarkedYaml`, whose character markers are turned into
//! byte offsets here.
//!
//! A large JSON document (a policy export of hundreds of MB) is not indexed whole: a byte
//! scanner indexes its first [`SHALLOW_DEPTH`] levels (the list and its items), and each
//! item is indexed with jsonc-parser only when a pointer into it is asked for. A run with
//! thousands of findings in such a file pays for the items it points into, not for an AST
//! of the whole file.

pub(crate) mod hcl;
mod json;
mod yaml;

// FxHash: pointers are hashed for every value of every window a finding reads (SipHash
// was 2.7 % of a human run at scale 100); iteration order is never relied on.
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::model::Pointer;

use super::text::Format;

/// Where one value (and the key naming it, for object members) sits in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
    /// The value is an object or an array.
    pub composite: bool,
}

/// JSON texts from this size on are indexed lazily, item by item: an API page of a hundred
/// items is already worth it, as its findings point into a few items only, while a full
/// index holds a pointer for every value (several times the text in memory).
const LAZY_FROM: usize = 16 << 10;

/// The levels a lazy index holds from the start: the root, its members, and theirs (the
/// items of an API list).
const SHALLOW_DEPTH: usize = 2;

/// Pointer -> spot for every value of a document.
#[derive(Debug, Default)]
pub struct SpanIndex {
    spots: HashMap<Pointer, Spot>,
    /// A lazily indexed JSON text, and its composite values at [`SHALLOW_DEPTH`], each
    /// indexed on first use.
    lazy: Option<Arc<str>>,
    deep: HashMap<Pointer, Subtree>,
    /// Where the lines of the indexed text start and how many characters come before each
    /// block of it, built on first use, so that each finding's line is a binary search and
    /// its column a count of at most one block, not a count from the top of the file or
    /// of its line (a compact export is one line of many MB).
    lines: OnceLock<LineTable>,
}

/// One composite value of a lazy index, and the spots inside it once asked for.
#[derive(Debug)]
struct Subtree {
    base: Pointer,
    range: Range<usize>,
    spots: OnceLock<HashMap<Pointer, Spot>>,
}

impl SpanIndex {
    /// Indexes `text`; an unparsable text gives an empty index.
    pub fn build(text: &str, format: Format) -> Self {
        Self::build_keeping(text, format, || Arc::from(text))
    }

    /// Like [`Self::build`], for a text already shared: a lazy index keeps a reference to
    /// it rather than a copy.
    pub fn build_shared(text: &Arc<str>, format: Format) -> Self {
        Self::build_keeping(text, format, || Arc::clone(text))
    }

    fn build_keeping(text: &str, format: Format, keep: impl FnOnce() -> Arc<str>) -> Self {
        let mut index = Self::default();
        match format {
            Format::Json if text.len() >= LAZY_FROM => index.index_json_lazily(text, keep),
            Format::Json => index.index_json(text),
            Format::Yaml => index.index_yaml(text),
            Format::Hcl => index.spots = hcl::index(text),
        }
        index
    }

    /// Indexes `text`, one list item of a larger JSON document cut out alone, as the
    /// document's index would: pointers under `base` (the item's pointer), byte ranges
    /// moved by `shift` (where `text` starts in the text the index is for).
    pub fn build_item(text: &str, base: &Pointer, shift: usize) -> Self {
        // Pointers are made under `base` and ranges moved as the item is walked: no second
        // map of rebuilt pointers.
        let mut index = Self::default();
        index.index_json_at(text, base.clone(), shift);
        index
    }

    /// Indexes one more item, `text`, as the value at `base`, its ranges moved by `shift`:
    /// a window of several list items indexes each where it sits in the window's text.
    pub fn add_item(&mut self, text: &str, base: &Pointer, shift: usize) {
        self.index_json_at(text, base.clone(), shift);
    }

    /// The spot of `pointer`, or of its nearest indexed ancestor.
    pub fn find(&self, pointer: &Pointer) -> Option<&Spot> {
        let mut current = Some(pointer.clone());
        while let Some(pointer) = current {
            if let Some(spot) = self.get(&pointer) {
                return Some(spot);
            }
            current = pointer.parent();
        }
        None
    }

    /// The exact spot of `pointer`, without falling back to an ancestor.
    pub fn get(&self, pointer: &Pointer) -> Option<&Spot> {
        if let Some(spot) = self.spots.get(pointer) {
            return Some(spot);
        }
        let subtree = self.deep.get(&shallow_ancestor(pointer)?)?;
        self.subtree_spots(subtree).get(pointer)
    }

    /// 1-based line and column (in characters) of `offset` in `text`, the text this index
    /// was built from.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        self.line_table(text).line_column(text, offset)
    }

    /// The byte offset where 1-based `line` of `text` (the indexed text) starts; `None`
    /// past the last line.
    pub fn line_start(&self, text: &str, line: usize) -> Option<usize> {
        self.line_table(text)
            .starts
            .get(line.checked_sub(1)?)
            .copied()
    }

    /// The line table of `text` (the indexed text), built on first use.
    pub fn line_table(&self, text: &str) -> &LineTable {
        self.lines.get_or_init(|| LineTable::new(text))
    }

    /// Every spot (a lazy index is completed first).
    pub fn iter(&self) -> impl Iterator<Item = (&Pointer, &Spot)> {
        self.spots.iter().chain(
            self.deep
                .values()
                .flat_map(|subtree| self.subtree_spots(subtree).iter()),
        )
    }

    fn subtree_spots<'a>(&'a self, subtree: &'a Subtree) -> &'a HashMap<Pointer, Spot> {
        subtree.spots.get_or_init(|| {
            let Some(text) = self.lazy.as_deref() else {
                return HashMap::default();
            };
            let base = &subtree.base;
            let Some(slice) = text.get(subtree.range.clone()) else {
                return HashMap::default();
            };
            let mut inner = Self::default();
            inner.index_json(slice);
            let offset = subtree.range.start;
            let shift = |range: &Range<usize>| range.start + offset..range.end + offset;
            inner
                .spots
                .into_iter()
                .filter(|(pointer, _)| !pointer.as_str().is_empty())
                .map(|(pointer, spot)| {
                    let spot = Spot {
                        key: spot.key.as_ref().map(shift),
                        value: shift(&spot.value),
                        composite: spot.composite,
                    };
                    (
                        Pointer::parse(&format!("{base}{pointer}")).unwrap_or(pointer),
                        spot,
                    )
                })
                .collect()
        })
    }
}

/// Where the lines of one text start, and a count of its characters every
/// [`CHAR_BLOCK`] bytes: the column of any offset costs a binary search and a count of at
/// most one block, whatever the length of its line.
#[derive(Debug, Clone, Default)]
pub struct LineTable {
    starts: Vec<usize>,
    /// Characters before each block; empty for an ASCII text, where characters are bytes.
    chars_before_block: Vec<usize>,
}

/// Bytes per counted block of a [`LineTable`].
const CHAR_BLOCK: usize = 4096;

impl LineTable {
    pub fn new(text: &str) -> Self {
        let chars_before_block = if text.is_ascii() {
            Vec::new()
        } else {
            let mut before = 0;
            text.as_bytes()
                .chunks(CHAR_BLOCK)
                .map(|block| {
                    let at = before;
                    before += char_starts(block);
                    at
                })
                .collect()
        };
        Self {
            starts: line_starts(text),
            chars_before_block,
        }
    }

    /// Where the lines start (0 and after each `\n`).
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// 1-based line and column (in characters) of `offset` in `text`, the text of the table.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0).min(offset);
        (
            line,
            self.chars_before(text, offset) - self.chars_before(text, start) + 1,
        )
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// How many characters of `text` start before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars_before_block.is_empty() {
            return offset;
        }
        let block = offset / CHAR_BLOCK;
        let counted = self.chars_before_block.get(block).copied().unwrap_or(0);
        let from = (block * CHAR_BLOCK).min(offset);
        counted + text.as_bytes().get(from..offset).map_or(0, char_starts)
    }
}

/// How many characters start in `bytes` (UTF-8: every byte but continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte & 0xC0 != 0x80).count()
}

/// The byte offsets where the lines of `text` start (after each `\n`, and 0).
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// The ancestor of `pointer` at [`SHALLOW_DEPTH`], when `pointer` is deeper.
fn shallow_ancestor(pointer: &Pointer) -> Option<Pointer> {
    let text = pointer.as_str();
    let cut = text.match_indices('/').nth(SHALLOW_DEPTH)?.0;
    Pointer::parse(&text[..cut])
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&byte| byte == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based line and column (in characters); clamps to the text.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line.max(1) {
        match text[line_start..].find('\n') {
            Some(at) => line_start += at + 1,
            None => return text.len(),
        }
    }
    let rest = &text[line_start..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let within = rest[..line_end]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_end, |(at, _)| at);
    line_start + within
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_spans_are_byte_exact_after_multibyte_text() {
        let text = r#"{"n": "Compañía 🚀", "a": [1, {"b": true}]}"#;
        let index = SpanIndex::build(text, Format::Json);
        let spot = index.get(&Pointer::parse("/a/1/b").unwrap()).unwrap();
        assert_eq!(&text[spot.value.clone()], "true");
        assert_eq!(&text[spot.key.clone().unwrap()], "\"b\"");
    }

    #[test]
    fn yaml_spans_are_byte_exact_after_multibyte_text() {
        let text = "n: Compañía 🚀\na:\n  - 1\n  - b: 'x y'   \n";
        let index = SpanIndex::build(text, Format::Yaml);
        let spot = index.get(&Pointer::parse("/a/1/b").unwrap()).unwrap();
        assert_eq!(&text[spot.value.clone()], "'x y'");
        assert_eq!(&text[spot.key.clone().unwrap()], "b");
    }

    #[test]
    fn a_lazy_json_index_finds_what_the_full_index_finds() {
        let item = |at: usize| {
            format!(
                r#"{{"id": "p{at}", "n\u00e9\"x": [1, {{"a": "b\\\"c"}}, []], "e": {{}}, "s": "Compañía 🚀", "f": -1.5e3, "t": true, "z": null}}"#
            )
        };
        let items: Vec<String> = (0..40).map(item).collect();
        let text = format!(
            "{{\n  \"policies\": [\n    {}\n  ],\n  \"next\": {{\"href\": \"x\"}},\n  \"count\": 40, \"empty\": []\n}}\n",
            items.join(",\n    ")
        );
        let full = SpanIndex::build(&text, Format::Json);
        let mut lazy = SpanIndex::default();
        lazy.index_json_lazily(&text, || Arc::from(text.as_str()));
        assert!(!lazy.deep.is_empty());
        let mut compared = 0;
        for (pointer, spot) in full.iter() {
            assert_eq!(lazy.get(pointer), Some(spot), "{pointer}");
            compared += 1;
        }
        assert_eq!(lazy.iter().count(), compared);
        let missing = Pointer::parse("/policies/3/missing/7").unwrap();
        assert_eq!(lazy.find(&missing), full.find(&missing));
    }

    #[test]
    fn a_lazy_index_of_a_broken_text_does_not_panic() {
        let item = r#"{"id": "é\"x", "a": [1, {"b": "ü"}]}, "#;
        let whole = format!(
            "{{\"policies\": [{}]}}",
            item.repeat(LAZY_FROM / item.len() + 1)
        );
        for cut in (0..whole.len()).step_by(997) {
            let Some(text) = whole.get(..cut).or_else(|| whole.get(..cut + 1)) else {
                continue;
            };
            for text in [
                text.to_owned(),
                text.replace('"', "é"),
                text.replace(':', ""),
            ] {
                let index = SpanIndex::build(&text, Format::Json);
                let _ = index.find(&Pointer::root().key("policies").index(3).key("a"));
            }
        }
    }

    #[test]
    fn implicit_yaml_nulls_have_empty_spans() {
        let text = "a: {\"b\", c: 1}\n";
        let index = SpanIndex::build(text, Format::Yaml);
        let spot = index.get(&Pointer::parse("/a/b").unwrap()).unwrap();
        assert_eq!(&text[spot.value.clone()], "");
        assert_eq!(&text[spot.key.clone().unwrap()], "\"b\"");
    }

    #[test]
    fn nested_yaml_flow_collections_end_at_their_own_bracket() {
        let text = "a: {\"b\": {\"c\": [\"x]\\\"\", 'y}''z']}} # }\n";
        let index = SpanIndex::build(text, Format::Yaml);
        let spot = index.get(&Pointer::parse("/a").unwrap()).unwrap();
        assert_eq!(
            &text[spot.value.clone()],
            "{\"b\": {\"c\": [\"x]\\\"\", 'y}''z']}}"
        );
        let spot = index.get(&Pointer::parse("/a/b").unwrap()).unwrap();
        assert_eq!(&text[spot.value.clone()], "{\"c\": [\"x]\\\"\", 'y}''z']}");
    }

    #[test]
    fn the_line_table_counts_columns_of_long_lines_by_blocks() {
        // A compact export: one line, multi-byte characters across block boundaries.
        let text: String = (0..3000)
            .map(|at| format!("{{\"n\":\"é{at}🚀\"}},"))
            .chain(["\nsecond ñ line".to_owned()])
            .collect();
        let table = LineTable::new(&text);
        for offset in (0..=text.len() + 1).step_by(37).chain([text.len()]) {
            assert_eq!(
                table.line_column(&text, offset),
                line_column(&text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn the_line_table_agrees_with_counting() {
        let text = "ab\nñx\n\n{\"k\": 1}\r\nlast";
        let index = SpanIndex::build(text, Format::Json);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_column(text, offset),
                line_column(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn converts_between_offsets_and_line_columns() {
        let text = "ab\nñx\n";
        let offset = offset_of(text, 2, 2);
        assert_eq!(&text[offset..offset + 1], "x");
        assert_eq!(line_column(text, offset), (2, 2));
    }
}
