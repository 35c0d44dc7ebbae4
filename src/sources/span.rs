//! Span indexes: JSON pointer -> byte ranges of the key and the value in a document's text.
//!
//! Built lazily, only for documents that have findings or load errors. JSON is located with
//! jsonc-parser (serde_json has already decided the text is valid; jsonc-parser only finds
//! places) and YAML with saphyr's `MarkedYaml`, whose character markers are turned into
//! byte offsets here.

use std::collections::HashMap;
use std::ops::Range;

use jsonc_parser::ast::{ObjectPropName, Value as JsonNode};
use jsonc_parser::common::Ranged;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::model::Pointer;

use super::document::Format;

/// Where one value (and the key naming it, for object members) sits in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
    /// The value is an object or an array.
    pub composite: bool,
}

/// Pointer -> spot for every value of a document.
#[derive(Debug, Default)]
pub struct SpanIndex {
    spots: HashMap<Pointer, Spot>,
}

impl SpanIndex {
    /// Indexes `text`; an unparsable text gives an empty index.
    pub fn build(text: &str, format: Format) -> Self {
        let mut index = Self::default();
        match format {
            Format::Json => index.index_json(text),
            Format::Yaml => index.index_yaml(text),
        }
        index
    }

    /// The spot of `pointer`, or of its nearest indexed ancestor.
    pub fn find(&self, pointer: &Pointer) -> Option<&Spot> {
        let mut current = Some(pointer.clone());
        while let Some(pointer) = current {
            if let Some(spot) = self.spots.get(&pointer) {
                return Some(spot);
            }
            current = pointer.parent();
        }
        None
    }

    /// The exact spot of `pointer`, without falling back to an ancestor.
    pub fn get(&self, pointer: &Pointer) -> Option<&Spot> {
        self.spots.get(pointer)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Pointer, &Spot)> {
        self.spots.iter()
    }

    fn index_json(&mut self, text: &str) {
        let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default());
        if let Ok(jsonc_parser::ParseResult {
            value: Some(root), ..
        }) = parsed
        {
            self.walk_json(&root, Pointer::root(), None);
        }
    }

    fn walk_json(&mut self, node: &JsonNode<'_>, pointer: Pointer, key: Option<Range<usize>>) {
        let composite = matches!(node, JsonNode::Object(_) | JsonNode::Array(_));
        match node {
            JsonNode::Object(object) => {
                for property in &object.properties {
                    let (name, key_range) = match &property.name {
                        ObjectPropName::String(lit) => (lit.value.as_ref(), lit.range),
                        ObjectPropName::Word(word) => (word.value, word.range),
                    };
                    let key_range = key_range.start..key_range.end;
                    self.walk_json(&property.value, pointer.key(name), Some(key_range));
                }
            }
            JsonNode::Array(array) => {
                for (at, element) in array.elements.iter().enumerate() {
                    self.walk_json(element, pointer.index(at), None);
                }
            }
            _ => {}
        }
        let range = node.range();
        self.spots.insert(
            pointer,
            Spot {
                key,
                value: range.start..range.end,
                composite,
            },
        );
    }

    fn index_yaml(&mut self, text: &str) {
        let Ok(documents) = MarkedYaml::load_from_str(text) else {
            return;
        };
        let Some(root) = documents.first() else {
            return;
        };
        let bytes = CharToByte::new(text);
        self.walk_yaml(text, &bytes, root, Pointer::root(), None);
    }

    fn walk_yaml(
        &mut self,
        text: &str,
        bytes: &CharToByte,
        node: &MarkedYaml<'_>,
        pointer: Pointer,
        key: Option<Range<usize>>,
    ) {
        let composite = matches!(&node.data, YamlData::Mapping(_) | YamlData::Sequence(_));
        match &node.data {
            YamlData::Mapping(mapping) => {
                for (key_node, value_node) in mapping {
                    let Some(name) = yaml_key(key_node) else {
                        continue;
                    };
                    let key_range = yaml_range(text, bytes, key_node);
                    self.walk_yaml(text, bytes, value_node, pointer.key(&name), Some(key_range));
                }
            }
            YamlData::Sequence(items) => {
                for (at, item) in items.iter().enumerate() {
                    self.walk_yaml(text, bytes, item, pointer.index(at), None);
                }
            }
            _ => {}
        }
        let mut value = yaml_range(text, bytes, node);
        if matches!(&node.data, YamlData::Value(Scalar::Null))
            && !matches!(
                text[value.clone()].trim(),
                "" | "~" | "null" | "Null" | "NULL"
            )
        {
            // An implicit null (`{a, b: 1}`, `key:` with nothing after it): saphyr marks
            // the next token; the value is empty where it starts.
            value.end = value.start;
        }
        if matches!(&node.data, YamlData::Sequence(_)) {
            value.start = block_sequence_start(text, value.start);
        }
        if composite {
            value.end = flow_collection_end(text, &value);
        }
        self.spots.insert(
            pointer,
            Spot {
                key,
                value,
                composite,
            },
        );
    }
}

fn yaml_key(node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(text)) => Some(text.to_string()),
        YamlData::Value(Scalar::Integer(number)) => Some(number.to_string()),
        YamlData::Value(Scalar::Boolean(flag)) => Some(flag.to_string()),
        YamlData::Representation(text, _, _) => Some(text.to_string()),
        _ => None,
    }
}

/// saphyr's end marker can include trailing whitespace (and, for block collections, the
/// line break after them); trim it so the span covers the value only.
fn yaml_range(text: &str, bytes: &CharToByte, node: &MarkedYaml<'_>) -> Range<usize> {
    let start = bytes.byte(node.span.start.index());
    let mut end = bytes.byte(node.span.end.index()).max(start);
    while end > start && text.as_bytes()[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    start..end
}

/// saphyr starts a block sequence at its first item's content; move the start back over
/// the `- ` indicator so the span holds the whole sequence.
fn block_sequence_start(text: &str, start: usize) -> usize {
    let before = text[..start].trim_end_matches(' ');
    match before.strip_suffix('-') {
        Some(rest) if rest.is_empty() || rest.ends_with([' ', '\n']) => rest.len(),
        _ => start,
    }
}

/// saphyr can end a flow collection before its closing bracket (or, when collections nest,
/// at an inner one); end it at the bracket that matches its opening one. Quoted scalars and
/// comments are skipped; plain scalars cannot hold flow indicators inside a flow collection.
fn flow_collection_end(text: &str, value: &Range<usize>) -> usize {
    let bytes = text.as_bytes();
    if !matches!(bytes.get(value.start), Some(b'[' | b'{')) {
        return value.end;
    }
    let mut depth = 0usize;
    let mut at = value.start;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            b'"' => at = quoted_end(bytes, at, b'"'),
            b'\'' => at = quoted_end(bytes, at, b'\''),
            b'#' if at > 0 && bytes[at - 1].is_ascii_whitespace() => {
                while bytes.get(at).is_some_and(|&inner| inner != b'\n') {
                    at += 1;
                }
            }
            _ => {}
        }
        at += 1;
    }
    // Unbalanced (cannot happen in a text that parsed): keep saphyr's end.
    value.end
}

/// The offset of the quote closing the scalar opened at `start`: `\` escapes in double
/// quotes, `''` is a quote inside single quotes.
fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut at = start + 1;
    while let Some(&byte) = bytes.get(at) {
        if quote == b'"' && byte == b'\\' {
            at += 2;
            continue;
        }
        if byte == quote {
            if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') {
                at += 2;
                continue;
            }
            return at;
        }
        at += 1;
    }
    at
}

/// Character index -> byte offset for one text.
struct CharToByte {
    /// Byte offset of every character, plus the text length at the end.
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        // An ASCII text needs no table: characters are bytes.
        let offsets = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(offset, _)| offset)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        Self {
            offsets,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.len),
            Some(offsets) => offsets.get(char_index).copied().unwrap_or(self.len),
        }
    }
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
    fn converts_between_offsets_and_line_columns() {
        let text = "ab\nñx\n";
        let offset = offset_of(text, 2, 2);
        assert_eq!(&text[offset..offset + 1], "x");
        assert_eq!(line_column(text, offset), (2, 2));
    }
}
