//! The YAML side of a [`SpanIndex`]: saphyr's `MarkedYaml`, its character markers turned
//! into byte offsets, and the fix-ups its spans need (trailing whitespace, block sequence
//! indicators, flow collection ends, implicit nulls).

use std::ops::Range;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::{SpanIndex, Spot};
use crate::model::Pointer;

impl SpanIndex {
    pub(super) fn index_yaml(&mut self, text: &str) {
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
