//! The JSON side of a [`SpanIndex`]: jsonc-parser for a whole (small) text or one item of a
//! large one, and the byte scanner that indexes the first levels of a large text.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use jsonc_parser::ast::{ObjectPropName, Value as JsonNode};
use jsonc_parser::common::Ranged;

use super::{SHALLOW_DEPTH, SpanIndex, Spot, Subtree};
use crate::model::Pointer;

impl SpanIndex {
    pub(super) fn index_json(&mut self, text: &str) {
        self.index_json_at(text, Pointer::root(), 0);
    }

    /// Indexes `text` as the value at `base`, its ranges moved `shift` bytes on (an item
    /// shown inside a larger text).
    pub(super) fn index_json_at(&mut self, text: &str, base: Pointer, shift: usize) {
        let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default());
        if let Ok(jsonc_parser::ParseResult {
            value: Some(root), ..
        }) = parsed
        {
            self.walk_json(&root, base, None, shift);
        }
    }

    /// Indexes the first levels of a large (valid) JSON text with a byte scanner; the
    /// composite values below are left to [`Self::subtree_spots`].
    pub(super) fn index_json_lazily(&mut self, text: &str, keep: impl FnOnce() -> Arc<str>) {
        let mut scanner = Scanner {
            text,
            bytes: text.as_bytes(),
            at: 0,
        };
        let mut shallow = Vec::new();
        scanner.value(Pointer::root(), None, 0, &mut shallow);
        for (pointer, spot, depth) in shallow {
            if depth == SHALLOW_DEPTH && spot.composite {
                self.deep.insert(
                    pointer.clone(),
                    Subtree {
                        base: pointer.clone(),
                        range: spot.value.clone(),
                        spots: OnceLock::new(),
                    },
                );
            }
            self.spots.insert(pointer, spot);
        }
        self.lazy = Some(keep());
    }

    fn walk_json(
        &mut self,
        node: &JsonNode<'_>,
        pointer: Pointer,
        key: Option<Range<usize>>,
        shift: usize,
    ) {
        let composite = matches!(node, JsonNode::Object(_) | JsonNode::Array(_));
        match node {
            JsonNode::Object(object) => {
                for property in &object.properties {
                    let (name, key_range) = match &property.name {
                        ObjectPropName::String(lit) => (lit.value.as_ref(), lit.range),
                        ObjectPropName::Word(word) => (word.value, word.range),
                    };
                    let key_range = key_range.start + shift..key_range.end + shift;
                    self.walk_json(&property.value, pointer.key(name), Some(key_range), shift);
                }
            }
            JsonNode::Array(array) => {
                for (at, element) in array.elements.iter().enumerate() {
                    self.walk_json(element, pointer.index(at), None, shift);
                }
            }
            _ => {}
        }
        let range = node.range();
        self.spots.insert(
            pointer,
            Spot {
                key,
                value: range.start + shift..range.end + shift,
                composite,
            },
        );
    }
}

/// A byte scanner over a JSON text that serde_json has accepted: it records the spots of
/// the values down to [`SHALLOW_DEPTH`] and skips everything deeper without building it.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn whitespace(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// Skips the string starting at the current `"`; returns its range, quotes included.
    fn string(&mut self) -> Range<usize> {
        let start = self.at;
        self.at += 1;
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            match byte {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        start..self.at.min(self.bytes.len())
    }

    /// Skips one value of any kind; returns its range.
    fn skip(&mut self) -> Range<usize> {
        let start = self.at;
        match self.bytes.get(self.at) {
            Some(b'"') => return self.string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(&byte) = self.bytes.get(self.at) {
                    match byte {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.at += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while self.bytes.get(self.at).is_some_and(|byte| {
                    !matches!(byte, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                }) {
                    self.at += 1;
                }
            }
        }
        start..self.at.min(self.bytes.len())
    }

    /// Records the value at the current position (and, above the shallow depth, its
    /// members) into `out` as (pointer, spot, depth).
    fn value(
        &mut self,
        pointer: Pointer,
        key: Option<Range<usize>>,
        depth: usize,
        out: &mut Vec<(Pointer, Spot, usize)>,
    ) {
        self.whitespace();
        let start = self.at;
        let opening = self.bytes.get(self.at).copied();
        let composite = matches!(opening, Some(b'{' | b'['));
        if !composite || depth >= SHALLOW_DEPTH {
            let value = self.skip();
            out.push((
                pointer,
                Spot {
                    key,
                    value,
                    composite,
                },
                depth,
            ));
            return;
        }
        self.at += 1;
        let mut index = 0usize;
        loop {
            self.whitespace();
            match self.bytes.get(self.at) {
                None => break,
                Some(b'}' | b']') => {
                    self.at += 1;
                    break;
                }
                Some(b',') => {
                    self.at += 1;
                    continue;
                }
                Some(_) => {}
            }
            if opening == Some(b'{') {
                let key_range = self.string();
                let name: String = self
                    .text
                    .get(key_range.clone())
                    .and_then(|key| serde_json::from_str(key).ok())
                    .unwrap_or_default();
                self.whitespace();
                if self.bytes.get(self.at) == Some(&b':') {
                    self.at += 1;
                }
                self.value(pointer.key(&name), Some(key_range), depth + 1, out);
            } else {
                self.value(pointer.index(index), None, depth + 1, out);
                index += 1;
            }
        }
        let value = start..self.at.min(self.bytes.len());
        out.push((
            pointer,
            Spot {
                key,
                value,
                composite,
            },
            depth,
        ));
    }
}
