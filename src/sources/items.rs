//! Where the items of a document's lists sit in its text, recorded while the fast loader
//! cuts them out: a finding inside one item of a 383 MB policy export is then located by
//! reading and indexing that item alone, not the whole text again.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

use crate::model::Pointer;

use super::text::LineColumn;

/// The items of every list of one document, by list pointer (`/policies`, or the root of
/// a CLI array).
#[derive(Debug, Clone, Default)]
pub struct ItemTable {
    lists: Vec<(Pointer, Places)>,
    /// Bytes of the file before the text (a byte-order mark).
    skipped: usize,
}

/// The places of one list's items. A document of a large account has hundreds of thousands
/// of items, kept for the whole run: each is stored in 16 bytes where every offset, length,
/// line and column fits 32 bits (a file under 4 GiB; 40 bytes as [`ItemPlace`]), and whole
/// where one does not.
#[derive(Debug, Clone)]
enum Places {
    Packed(Vec<Packed>),
    Whole(Vec<ItemPlace>),
}

#[derive(Debug, Clone, Copy)]
struct Packed {
    start: u32,
    len: u32,
    line: u32,
    column: u32,
}

impl Places {
    fn of(items: Vec<ItemPlace>) -> Self {
        let packed: Option<Vec<Packed>> = items
            .iter()
            .map(|place| {
                Some(Packed {
                    start: u32::try_from(place.start).ok()?,
                    len: u32::try_from(place.end.checked_sub(place.start)?).ok()?,
                    line: u32::try_from(place.at.line).ok()?,
                    column: u32::try_from(place.at.column).ok()?,
                })
            })
            .collect();
        match packed {
            Some(packed) => Self::Packed(packed),
            None => Self::Whole(items),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Packed(items) => items.len(),
            Self::Whole(items) => items.len(),
        }
    }

    fn get(&self, at: usize, skipped: usize) -> Option<ItemPlace> {
        match self {
            Self::Packed(items) => {
                let packed = items.get(at)?;
                // Each was a `usize` when packed.
                let start = usize::try_from(packed.start).ok()?;
                Some(ItemPlace {
                    start,
                    end: start.checked_add(usize::try_from(packed.len).ok()?)?,
                    at: LineColumn {
                        line: usize::try_from(packed.line).ok()?,
                        column: usize::try_from(packed.column).ok()?,
                    },
                    skipped,
                })
            }
            Self::Whole(items) => items.get(at).copied(),
        }
    }
}

/// One item: its bytes in the text, and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemPlace {
    pub start: usize,
    pub end: usize,
    pub at: LineColumn,
    /// Bytes of the file before the text.
    skipped: usize,
}

impl ItemTable {
    /// The table of `lists` (list pointer, each item's byte range in `text`), with the line
    /// and column of each item's start, counted in one pass over the text.
    /// `skipped` is how many bytes of the file come before the text (a byte-order mark).
    pub fn new(skipped: usize, text: &str, lists: &[(Pointer, Vec<Range<usize>>)]) -> Self {
        let mut starts: Vec<(usize, usize, usize)> = lists
            .iter()
            .enumerate()
            .flat_map(|(list, (_, ranges))| {
                ranges
                    .iter()
                    .enumerate()
                    .map(move |(item, range)| (range.start, list, item))
            })
            .collect();
        starts.sort_unstable();
        let mut places: Vec<(Pointer, Vec<ItemPlace>)> = lists
            .iter()
            .map(|(pointer, ranges)| {
                let unplaced = ranges.iter().map(|range| ItemPlace {
                    start: range.start,
                    end: range.end,
                    at: LineColumn { line: 0, column: 0 },
                    skipped,
                });
                (pointer.clone(), unplaced.collect())
            })
            .collect();
        // The column is carried from item to item: counting from the line start for each
        // item is quadratic in a compact export, whose items all sit on one line.
        let (mut cursor, mut line, mut column) = (0, 1, 1);
        for (start, list, item) in starts {
            let Some(between) = text.get(cursor..start) else {
                continue;
            };
            // A byte count vectorizes; a search per line break does not pay for short lines.
            // The last line break first: without one (a compact export) nothing is counted.
            column = if ascii_without_line_breaks(between.as_bytes()) {
                // A compact export's usual case, told in one pass instead of a search for
                // the last line break and a second for a non-ASCII byte.
                column + between.len()
            } else {
                match between.rfind('\n') {
                    Some(last) => {
                        line += line_breaks(&between.as_bytes()[..=last]);
                        char_count(&between[last + 1..]) + 1
                    }
                    None => column + char_count(between),
                }
            };
            cursor = start;
            if let Some(place) = places
                .get_mut(list)
                .and_then(|(_, items)| items.get_mut(item))
            {
                place.at = LineColumn { line, column };
            }
        }
        Self {
            lists: places
                .into_iter()
                .map(|(pointer, items)| (pointer, Places::of(items)))
                .collect(),
            skipped,
        }
    }

    /// Every item, in no particular order.
    pub fn places(&self) -> impl Iterator<Item = ItemPlace> + '_ {
        self.lists.iter().flat_map(move |(_, items)| {
            (0..items.len()).filter_map(move |at| items.get(at, self.skipped))
        })
    }

    /// The start of each list's first item (the others follow a comma).
    pub fn list_heads(&self) -> impl Iterator<Item = usize> + '_ {
        self.lists
            .iter()
            .filter_map(move |(_, items)| items.get(0, self.skipped))
            .map(|place| place.start)
    }

    /// The item `pointer` lies in (the item itself or a value inside it), with the pointer
    /// relative to the item.
    pub fn find(&self, pointer: &Pointer) -> Option<(ItemPlace, Pointer)> {
        let text = pointer.as_str();
        self.lists.iter().find_map(|(list, items)| {
            let rest = text.strip_prefix(list.as_str())?.strip_prefix('/')?;
            let (index, inner) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let place = items.get(index.parse::<usize>().ok()?, self.skipped)?;
            Some((place, Pointer::parse(inner)?))
        })
    }
}

/// The line breaks in `bytes`. A byte-by-byte count compiled to a loop of four bytes a
/// step (a twentieth of a check's time at scale 10): here each of 32 byte-wide counters
/// takes one column of 32-byte rows, one vector compare and add per row, and the counters
/// are emptied every 255 rows, before they can overflow.
pub(crate) fn line_breaks(bytes: &[u8]) -> usize {
    const LANES: usize = 32;
    let mut total = 0;
    let mut rows = bytes.chunks_exact(LANES);
    loop {
        let mut counters = [0u8; LANES];
        let mut filled = 0;
        for row in rows.by_ref().take(255) {
            for (counter, &byte) in counters.iter_mut().zip(row) {
                *counter += u8::from(byte == b'\n');
            }
            filled += 1;
        }
        total += counters
            .iter()
            .map(|&counter| usize::from(counter))
            .sum::<usize>();
        if filled < 255 {
            break;
        }
    }
    total
        + rows
            .remainder()
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count()
}

/// Whether `bytes` hold neither a line break nor a byte outside ASCII: 32 bytes at a time,
/// a fold that vectorizes, stopping at the first row that holds either.
fn ascii_without_line_breaks(bytes: &[u8]) -> bool {
    const LANES: usize = 32;
    let mut rows = bytes.chunks_exact(LANES);
    let found = |row: &[u8]| {
        row.iter().fold(0u8, |found, &byte| {
            found | u8::from(byte == b'\n') | (byte & 0x80)
        }) != 0
    };
    for row in rows.by_ref() {
        if found(row) {
            return false;
        }
    }
    !found(rows.remainder())
}

/// Characters in `text`; an ASCII text (most exports) is counted by its length.
fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

impl ItemPlace {
    /// The item's text, read alone from its `file`.
    pub fn read(&self, file: &mut std::fs::File) -> Option<String> {
        let start = self.start.checked_add(self.skipped)?;
        file.seek(SeekFrom::Start(start as u64)).ok()?;
        let mut bytes = vec![0; self.end.checked_sub(self.start)?];
        file.read_exact(&mut bytes).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// Bytes `range` of the document's text (not only of this item), read from its `file`.
    pub fn read_bytes(&self, file: &mut std::fs::File, range: Range<usize>) -> Option<Vec<u8>> {
        let start = range.start.checked_add(self.skipped)?;
        file.seek(SeekFrom::Start(start as u64)).ok()?;
        let mut bytes = Vec::with_capacity(range.len());
        file.by_ref()
            .take(range.len() as u64)
            .read_to_end(&mut bytes)
            .ok()?;
        Some(bytes)
    }

    /// Bytes of the file before the text (a byte-order mark).
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Turns a line and column in the item's text into one in the document.
    pub fn outer(&self, inner: LineColumn) -> LineColumn {
        if inner.line == 1 {
            LineColumn {
                line: self.at.line,
                column: self.at.column + inner.column - 1,
            }
        } else {
            LineColumn {
                line: self.at.line + inner.line - 1,
                column: inner.column,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_pass_check_agrees_with_searching_each_byte() {
        let long = "x".repeat(100);
        for text in [
            String::new(),
            long.clone(),
            format!("{long}\n"),
            format!("\n{long}"),
            format!("{}é{}", &long[..40], &long[..40]),
            format!("{long}{long}é"),
        ] {
            let expected = !text.contains('\n') && text.is_ascii();
            assert_eq!(
                ascii_without_line_breaks(text.as_bytes()),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn places_are_packed_when_they_fit_and_kept_whole_when_not() {
        let place = |start: usize, end: usize, column: usize| ItemPlace {
            start,
            end,
            at: LineColumn { line: 1, column },
            skipped: 3,
        };
        let small = vec![place(10, 20, 11), place(21, 40, 22)];
        let packed = Places::of(small.clone());
        assert!(matches!(packed, Places::Packed(_)));
        assert_eq!(packed.get(1, 3), Some(small[1]));
        assert_eq!(packed.get(2, 3), None);
        if let Ok(far) = usize::try_from(u64::from(u32::MAX) + 7) {
            let large = vec![place(10, 20, 11), place(far, far + 5, far)];
            let whole = Places::of(large.clone());
            assert!(matches!(whole, Places::Whole(_)));
            assert_eq!(whole.get(1, 3), Some(large[1]));
            // Past 4 GiB into the file, on a short line: the offset alone does not fit.
            let far_start = vec![place(10, 20, 11), place(far, far + 5, 11)];
            let whole = Places::of(far_start.clone());
            assert!(matches!(whole, Places::Whole(_)));
            assert_eq!(whole.get(1, 3), Some(far_start[1]));
        }
    }

    #[test]
    fn counts_line_breaks_as_a_plain_count_does() {
        let text: Vec<u8> = (0..20_000u32)
            .map(|at| {
                if at % 7 == 0 || at % 255 == 3 {
                    b'\n'
                } else {
                    b'a'
                }
            })
            .collect();
        for end in [0, 1, 31, 32, 8_159, 8_160, 8_161, 16_320, 20_000] {
            let slice = &text[..end];
            let plain = slice.iter().filter(|&&byte| byte == b'\n').count();
            assert_eq!(line_breaks(slice), plain, "{end}");
        }
        assert_eq!(line_breaks(&[b'\n'; 9_000]), 9_000);
    }

    /// The items of `text` found by a naive scan (every `{` right after `[` or `,`).
    fn naive_items(text: &str) -> Vec<Range<usize>> {
        let mut items = Vec::new();
        let mut previous = ' ';
        for (at, character) in text.char_indices() {
            if character == '{' && matches!(previous, '[' | ',') {
                let end = text[at..].find('}').map_or(text.len(), |end| at + end + 1);
                items.push(at..end);
            }
            if !character.is_whitespace() {
                previous = character;
            }
        }
        items
    }

    #[test]
    fn item_starts_agree_with_counting_from_the_top_in_compact_and_pretty_text() {
        let items: Vec<String> = (0..200)
            .map(|at| format!("{{\"id\":\"k{at}\",\"n\":\"{}\"}}", "é🚀x".repeat(at % 5)))
            .collect();
        let compact = format!("{{\"keys\":[{}]}}", items.join(","));
        // Some items on a line of their own, some several to a line.
        let mixed: String = items
            .iter()
            .enumerate()
            .map(|(at, item)| {
                let separator = if at == 0 {
                    ""
                } else if at % 3 == 0 {
                    ",\n  "
                } else {
                    ", "
                };
                format!("{separator}{item}")
            })
            .collect();
        let mixed = format!("{{\n  \"keys\": [\n  {mixed}\n  ]\n}}\n");
        for text in [compact, mixed] {
            let ranges = naive_items(&text);
            assert_eq!(ranges.len(), 200);
            let table = ItemTable::new(0, &text, &[(Pointer::root().key("keys"), ranges.clone())]);
            for (at, range) in ranges.iter().enumerate() {
                let (place, _) = table
                    .find(&Pointer::root().key("keys").index(at))
                    .unwrap_or_else(|| panic!("item {at}"));
                let (line, column) = crate::sources::span::line_column(&text, range.start);
                assert_eq!(place.at, LineColumn { line, column }, "item {at}");
            }
        }
    }

    #[test]
    fn finds_items_and_their_starts() {
        let text = "{\n  \"a\": [\n    {\"x\": 1}, {\"y\": \"é\"},\n    {}\n  ]\n}\n";
        let ranges: Vec<Range<usize>> = ["{\"x\": 1}", "{\"y\": \"é\"}", "{}"]
            .iter()
            .scan(0, |from, item| {
                let start = text[*from..].find(item).map(|at| at + *from)?;
                *from = start + item.len();
                Some(start..start + item.len())
            })
            .collect();
        let table = ItemTable::new(0, text, &[(Pointer::root().key("a"), ranges)]);
        let at = |pointer: &str| {
            let (place, inner) = table.find(&Pointer::parse(pointer)?)?;
            Some((place.at, inner.to_string()))
        };
        let line_column = |line, column| LineColumn { line, column };
        assert_eq!(at("/a/0"), Some((line_column(3, 5), String::new())));
        assert_eq!(at("/a/1/y"), Some((line_column(3, 15), "/y".to_owned())));
        assert_eq!(at("/a/2"), Some((line_column(4, 5), String::new())));
        assert_eq!(at("/a/3"), None);
        assert_eq!(at("/a"), None);
        assert_eq!(at("/ab/0"), None);
    }
}
