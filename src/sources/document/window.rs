//! The masked display of one list item of a large JSON document, for the excerpts and
//! snippets of its findings: the item is read alone from the unchanged file, masked and
//! indexed, and shown with the line numbers (and columns) the whole masked display would
//! give it. Masking and indexing a whole 383 MB export for a few findings made SARIF and
//! human output seven times slower than JSON and four times bigger.
//!
//! A window is used only when it shows exactly what the whole display shows: every label
//! and its context line on each side lie within the item's own lines, and what shares the
//! item's first and last line outside the item holds no value (indentation, commas,
//! brackets). Anything else falls back to the whole display.

use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::copy_lines::CopyLines;
use super::{Display, Document, indent_json, label_range};
use crate::model::Pointer;
use crate::sources::items::{ItemPlace, ItemTable, line_breaks};
use crate::sources::secrets;
use crate::sources::span::{LineTable, SpanIndex};
use crate::sources::text::Format;

/// Documents from this size on are shown by windows; a smaller one is masked whole.
const WINDOW_FROM: u64 = 64 << 10;

/// Bytes of an item's first line before it, or of its last line after it, read at most.
const EDGE: usize = 1024;

/// Items one window shows at most; labels further apart are shown from the whole display.
const ITEMS_AT_MOST: usize = 32;

/// How the whole display lays out a document's text.
#[derive(Debug)]
pub(super) enum Layout {
    /// Shown as it is, line for line.
    Lines,
    /// One line, shown from an indented copy: for each item start, the copy's 1-based line
    /// of the item, and how many containers are open around it (its indentation).
    OneLine(FxHashMap<usize, (usize, usize)>),
    /// Not known (the file cannot be read as it was): no windows.
    Unknown,
}

/// What a diagnostic or excerpt shows of a document: its whole display, or one item's.
pub enum Shown<'a> {
    Whole(&'a Document),
    Window(Box<Display>),
}

impl Shown<'_> {
    /// The display text and its index.
    pub fn display(&self) -> &Display {
        match self {
            Self::Whole(document) => document.display(),
            Self::Window(display) => display,
        }
    }

    /// The byte range of the shown text to label for `pointer` (see
    /// [`Document::display_span`]).
    pub fn span(&self, pointer: &Pointer) -> Option<Range<usize>> {
        match self {
            Self::Whole(document) => document.display_span(pointer),
            Self::Window(display) => label_range(&display.index, &display.text, pointer),
        }
    }
}

impl Document {
    /// What to show for labels at `pointers`: one item's window when they all lie in the
    /// same list item of a large export and the window shows what the whole display would,
    /// else the whole display.
    pub fn shown(&self, pointers: &[&Pointer]) -> Shown<'_> {
        match self.window(pointers) {
            Some(display) => Shown::Window(Box::new(display)),
            None => Shown::Whole(self),
        }
    }

    /// Whether this document is shown by windows and its layout is still to be worked out:
    /// the first window of a one-line export counts its indented copy's lines, one pass
    /// over the whole file (290 MB at scale 100) that every other window of it waits for.
    /// Outputs call [`Document::prepare_layout`] for such documents on a thread of their
    /// own while they render the diagnostics of the others.
    pub fn layout_pending(&self) -> bool {
        self.windowed() && self.items.is_some() && self.layout.get().is_none()
    }

    /// The size of the file the document was read from, when it was a file.
    pub fn file_len(&self) -> Option<u64> {
        self.source.map(|source| source.len)
    }

    /// Works out the layout windows need (see [`Document::layout_pending`]); a file that
    /// changed since it was loaded is left to the windows, which then show nothing of it.
    pub fn prepare_layout(&self) {
        let Some(source) = self.source.filter(|_| self.layout_pending()) else {
            return;
        };
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return;
        };
        let stamp = file.metadata().ok().as_ref().and_then(super::FileStamp::of);
        if stamp == Some(source) {
            self.layout.get_or_init(|| self.layout_of(&mut file));
        }
    }

    /// Whether windows may show this document (a large JSON export whose text was dropped).
    fn windowed(&self) -> bool {
        self.source.is_some_and(|source| {
            self.text.get().is_none()
                && self.parsed
                && self.format == Format::Json
                && source.len >= WINDOW_FROM
        })
    }

    fn window(&self, pointers: &[&Pointer]) -> Option<Display> {
        let source = self.source?;
        if !self.windowed() || pointers.is_empty() {
            return None;
        }
        let items = self.items.as_ref()?;
        // The items the labels lie in, each with its own pointer.
        let mut places: Vec<(ItemPlace, Pointer)> = Vec::new();
        for pointer in pointers {
            let (found, inner) = items.find(pointer)?;
            let text = pointer.as_str();
            let base = Pointer::parse(text.get(..text.len().checked_sub(inner.as_str().len())?)?)?;
            if !places.iter().any(|(known, _)| known.start == found.start) {
                places.push((found, base));
            }
        }
        let mut file = std::fs::File::open(&self.path).ok()?;
        let stamp = file.metadata().ok().as_ref().and_then(super::FileStamp::of);
        if stamp != Some(source) {
            return None;
        }
        let layout = self.layout.get_or_init(|| self.layout_of(&mut file));
        let (text, first_line, index, pretty_printed) = match places.as_slice() {
            [(place, base)] => self.item_window(layout, place, base, &mut file, source.len)?,
            _ => self.items_window(layout, items, &places, &mut file, source.len)?,
        };
        let table = LineTable::new(&text);
        let lines = table.starts().len();
        for pointer in pointers {
            let range = label_range(&index, &text, pointer)?;
            let first = table.line_of(range.start);
            let last = table.line_of(range.end.saturating_sub(1).max(range.start));
            // A context line beyond the items would be another item's, or the list's.
            if first < 1 || last + 2 > lines {
                return None;
            }
        }
        Some(Display {
            text: Arc::from(text),
            index,
            pretty_printed,
            first_line,
        })
    }

    /// The text of one item's window, the 0-based line of the whole display it starts on,
    /// its index and whether it is shown from an indented copy.
    fn item_window(
        &self,
        layout: &Layout,
        place: &ItemPlace,
        base: &Pointer,
        file: &mut std::fs::File,
        len: u64,
    ) -> Option<(String, usize, SpanIndex, bool)> {
        let item = place.read(file)?;
        if !item.starts_with(['{', '[']) {
            return None;
        }
        // Shown unmasked and indexed once when masking cannot change the item (no pointer
        // of it names a secret, the usual case), else masked first and indexed again.
        let masked = |item: &str| {
            let index = SpanIndex::build_item(item, base, 0);
            secrets::mask_parsed_with(item, &index, &self.secrets)
        };
        Some(match layout {
            Layout::Unknown => return None,
            Layout::Lines => {
                let prefix = first_line_start(place, file)?;
                let suffix = last_line_rest(place, file, len)?;
                let mut index = SpanIndex::build_item(&item, base, prefix.len());
                let shown = if secrets::may_mask(&index, &self.secrets) {
                    let shown = masked(&item);
                    index = SpanIndex::build_item(&shown, base, prefix.len());
                    shown
                } else {
                    item
                };
                (
                    format!("{prefix}{shown}{suffix}"),
                    place.at.line.checked_sub(1)?,
                    index,
                    false,
                )
            }
            Layout::OneLine(copy_lines) => {
                let &(line, depth) = copy_lines.get(&place.start)?;
                let indent = " ".repeat(2 * depth);
                let indented =
                    |item: &str| Some(indent_json(item)?.replace('\n', &format!("\n{indent}")));
                let mut copy = indented(&item)?;
                let mut index = SpanIndex::build_item(&copy, base, indent.len());
                if secrets::may_mask(&index, &self.secrets) {
                    copy = indented(&masked(&item))?;
                    index = SpanIndex::build_item(&copy, base, indent.len());
                }
                let comma = comma_after(place, file)?;
                (
                    format!("{indent}{copy}{comma}"),
                    line.checked_sub(1)?,
                    index,
                    true,
                )
            }
        })
    }

    /// The window of labels in several items of one list (a finding on two keys of one
    /// page, say): every item from the first to the last, each read alone, masked when a
    /// pointer of it may hold a secret, and placed as the whole display places it, with what
    /// the display shows between them. Without it such a finding showed the whole page.
    fn items_window(
        &self,
        layout: &Layout,
        items: &ItemTable,
        places: &[(ItemPlace, Pointer)],
        file: &mut std::fs::File,
        len: u64,
    ) -> Option<(String, usize, SpanIndex, bool)> {
        let list = places.first()?.1.parent()?;
        let mut at = Vec::with_capacity(places.len());
        for (_, base) in places {
            if base.parent()? != list {
                return None;
            }
            at.push(base.tokens().last()?.parse::<usize>().ok()?);
        }
        let (low, high) = (*at.iter().min()?, *at.iter().max()?);
        if high - low >= ITEMS_AT_MOST {
            return None;
        }
        let run = (low..=high)
            .map(|item| {
                let base = list.index(item);
                let (place, inner) = items.find(&base)?;
                inner.as_str().is_empty().then_some((place, base))
            })
            .collect::<Option<Vec<_>>>()?;
        let read = |place: &ItemPlace, base: &Pointer, file: &mut std::fs::File| {
            let item = place.read(file)?;
            if !item.starts_with(['{', '[']) {
                return None;
            }
            let index = SpanIndex::build_item(&item, base, 0);
            Some(if secrets::may_mask(&index, &self.secrets) {
                secrets::mask_parsed_with(&item, &index, &self.secrets)
            } else {
                item
            })
        };
        let (first, _) = run.first()?;
        let (last, _) = run.last()?;
        let mut index = SpanIndex::default();
        match layout {
            Layout::Unknown => None,
            Layout::Lines => {
                let mut text = first_line_start(first, file)?;
                // The lines of `text` so far, counted as it grows.
                let mut lines = 0;
                let mut previous: Option<&ItemPlace> = None;
                for (place, base) in &run {
                    if let Some(previous) = previous {
                        // Between two items of a list: white space and their comma.
                        let between = place.read_bytes(file, previous.end..place.start)?;
                        if between.len() != place.start.checked_sub(previous.end)?
                            || !between
                                .iter()
                                .all(|byte| matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b','))
                        {
                            return None;
                        }
                        lines += line_breaks(&between);
                        text.push_str(std::str::from_utf8(&between).ok()?);
                    }
                    // Masking keeps line breaks: each item starts on its own line.
                    if first.at.line + lines != place.at.line {
                        return None;
                    }
                    let item = read(place, base, file)?;
                    index.add_item(&item, base, text.len());
                    lines += line_breaks(item.as_bytes());
                    text.push_str(&item);
                    previous = Some(place);
                }
                text.push_str(&last_line_rest(last, file, len)?);
                Some((text, first.at.line.checked_sub(1)?, index, false))
            }
            Layout::OneLine(copy_lines) => {
                let &(line, depth) = copy_lines.get(&first.start)?;
                let indent = " ".repeat(2 * depth);
                let mut text = String::new();
                // The lines of `text` so far, counted as it grows.
                let mut lines = 0;
                for (at, (place, base)) in run.iter().enumerate() {
                    // serde_json's pretty printer puts `,` and a line break between items.
                    if at > 0 {
                        text.push_str(",\n");
                        lines += 1;
                    }
                    if copy_lines.get(&place.start) != Some(&(line + lines, depth)) {
                        return None;
                    }
                    text.push_str(&indent);
                    let item = read(place, base, file)?;
                    let copy = indent_json(&item)?.replace('\n', &format!("\n{indent}"));
                    index.add_item(&copy, base, text.len());
                    lines += line_breaks(copy.as_bytes());
                    text.push_str(&copy);
                }
                text.push_str(comma_after(last, file)?);
                Some((text, line.checked_sub(1)?, index, true))
            }
        }
    }
    /// How the whole display lays the document out: line for line when items start on
    /// different lines; else a read of the file tells one line (then shown from an
    /// indented copy, whose lines are counted) from several (blank lines before a one-line
    /// text do not count, as the display trims them).
    fn layout_of(&self, file: &mut std::fs::File) -> Layout {
        let Some(items) = self.items.as_ref() else {
            return Layout::Unknown;
        };
        let first = items.places().next().map(|place| place.at.line);
        if items.places().any(|place| Some(place.at.line) != first) {
            return Layout::Lines;
        }
        let skipped = items.places().next().map_or(0, |place| place.skipped());
        let mut starts: Vec<usize> = items.places().map(|place| place.start).collect();
        starts.sort_unstable();
        let mut heads: Vec<usize> = items.list_heads().collect();
        heads.sort_unstable();
        let Some(counted) = CopyLines::count(file, skipped, &starts, &heads) else {
            return Layout::Unknown;
        };
        // As `is_one_line` judges the masked text: masking keeps every line break, and a
        // document of this size stays longer than a line once masked.
        if counted.one_line {
            Layout::OneLine(counted.items)
        } else {
            Layout::Lines
        }
    }
}

/// The rest of the item's last line after it, when it holds no value (a comma, closing
/// brackets); `None` when it holds more, or is longer than [`EDGE`].
/// What precedes an item on its first line in a file shown line for line, when that is
/// white space alone (else no window shows it).
fn first_line_start(place: &ItemPlace, file: &mut std::fs::File) -> Option<String> {
    let before = place.at.column.checked_sub(1)?;
    if before > EDGE {
        return None;
    }
    let prefix = place.read_bytes(file, place.start.checked_sub(before)?..place.start)?;
    if prefix.len() != before || !prefix.iter().all(|&byte| matches!(byte, b' ' | b'\t')) {
        return None;
    }
    String::from_utf8(prefix).ok()
}

/// The comma that follows an item of a one-line file in its indented copy, if any.
fn comma_after(place: &ItemPlace, file: &mut std::fs::File) -> Option<&'static str> {
    let after = place.read_bytes(file, place.end..place.end + EDGE)?;
    let follows = after.iter().find(|byte| !byte.is_ascii_whitespace());
    Some(if follows == Some(&b',') { "," } else { "" })
}

fn last_line_rest(place: &ItemPlace, file: &mut std::fs::File, len: u64) -> Option<String> {
    let text_len = usize::try_from(len).ok()?.checked_sub(place.skipped())?;
    let after = place.read_bytes(file, place.end..(place.end + EDGE).min(text_len))?;
    let rest = match after.iter().position(|&byte| byte == b'\n') {
        Some(end) => &after[..end],
        None if place.end + EDGE >= text_len => &after[..],
        None => return None,
    };
    rest.iter()
        .all(|byte| matches!(byte, b' ' | b'\t' | b'\r' | b',' | b']' | b'}'))
        .then(|| String::from_utf8_lossy(rest).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::document::FileStamp;
    use crate::sources::items::ItemTable;

    /// A list export of `count` items holding secrets, pretty (as `jq .` writes it) or on
    /// one line, and the byte range of each item.
    fn export(count: usize, pretty: bool, blank: &str) -> (String, Vec<Range<usize>>) {
        let (open, between, close) = match pretty {
            true => (
                "{\n  \"apikeys\": [\n    ",
                ",\n    ",
                "\n  ],\n  \"next\": null\n}\n",
            ),
            false => ("{\"apikeys\":[", ",", "],\"next\":null}"),
        };
        let mut text = format!("{blank}{open}");
        let mut ranges = Vec::new();
        for at in 0..count {
            let item = serde_json::json!({
                "id": format!("ApiKey-{at:04}"),
                "name": format!("key \u{e9}{at}"),
                // Escaped quotes and backslashes: the copy's line count skips strings.
                "quote": format!("say \"{at}\" \\ [{{,}}]"),
                "apikey": format!("secret-{at}-0123456789abcdef"),
                "nested": {"credentials": {"password": "hunter2", "iam_apikey_name": "n"}},
                "list": [at, "x", {"token": "t"}],
                "empty": {},
            });
            let item = match pretty {
                true => serde_json::to_string_pretty(&item)
                    .unwrap_or_default()
                    .replace('\n', "\n    "),
                false => item.to_string(),
            };
            if at > 0 {
                text.push_str(between);
            }
            ranges.push(text.len()..text.len() + item.len());
            text.push_str(&item);
        }
        text.push_str(close);
        (text, ranges)
    }

    fn document(path: &std::path::Path, text: &str, ranges: &[Range<usize>]) -> Document {
        let stamp = std::fs::metadata(path)
            .ok()
            .as_ref()
            .and_then(FileStamp::of);
        let stamp = stamp.unwrap_or(FileStamp {
            len: 0,
            modified: None,
        });
        let items = ItemTable::new(
            0,
            text,
            &[(Pointer::root().key("apikeys"), ranges.to_vec())],
        );
        Document::unread("a.json".into(), path.into(), Format::Json, stamp).with_items(items)
    }

    /// An export of 600 items written to `dir` pretty, on one line, and on one line after
    /// blank lines (still shown as one line), each loaded twice: whether it is pretty, a
    /// document to show by windows and one to show whole.
    fn exports_on_disk(dir: &std::path::Path) -> Vec<(bool, Document, Document)> {
        [(true, ""), (false, ""), (false, "\n\n")]
            .into_iter()
            .map(|(pretty, blank)| {
                let (text, ranges) = export(600, pretty, blank);
                let path = dir.join(format!("{pretty}{}.json", blank.len()));
                assert!(std::fs::write(&path, &text).is_ok());
                let windowed = document(&path, &text, &ranges);
                (pretty, windowed, document(&path, &text, &ranges))
            })
            .collect()
    }

    /// Asserts that `window` shows the lines of `whole`'s display it says it starts at, and
    /// each of `pointers` as the same text at the same line and column.
    fn assert_shows_the_whole_display(
        window: Box<Display>,
        whole: &Document,
        pointers: &[Pointer],
    ) {
        let display = whole.display();
        let whole_lines: Vec<&str> = display.text.split('\n').collect();
        for (line, content) in window.text.split('\n').enumerate() {
            assert_eq!(Some(&content), whole_lines.get(window.first_line + line));
        }
        let shown = Shown::Window(window);
        for pointer in pointers {
            let (Some(span), Some(expected)) = (shown.span(pointer), whole.display_span(pointer))
            else {
                panic!("no span for {pointer}");
            };
            let window = shown.display();
            assert_eq!(
                window.text.get(span.clone()),
                display.text.get(expected.clone())
            );
            let (line, column) = window.index.line_column(&window.text, span.start);
            let place = display.index.line_column(&display.text, expected.start);
            assert_eq!((line + window.first_line, column), place, "{pointer}");
        }
    }

    #[test]
    fn a_window_shows_the_lines_and_labels_of_the_whole_display() {
        let Ok(dir) = tempfile::tempdir() else { return };
        for (pretty, windowed, whole) in exports_on_disk(dir.path()) {
            let display = whole.display();
            assert_eq!(display.pretty_printed, !pretty);
            let mut windows = 0;
            for at in [0, 1, 299, 599] {
                let item = Pointer::root().key("apikeys").index(at);
                for pointer in [
                    item.clone(),
                    item.key("name"),
                    item.key("apikey"),
                    item.key("nested").key("credentials").key("password"),
                    item.key("nested").key("credentials"),
                    item.key("list").index(2).key("token"),
                    item.key("empty"),
                    item.key("missing"),
                ] {
                    let Shown::Window(window) = windowed.shown(&[&pointer]) else {
                        continue;
                    };
                    windows += 1;
                    assert_shows_the_whole_display(window, &whole, &[pointer]);
                }
            }
            assert!(windows >= 20, "{windows} windows");
            assert!(!display.text.contains("hunter2") && !display.text.contains("secret-"));
        }
    }

    #[test]
    fn labels_in_neighbouring_items_share_a_window_of_the_whole_display() {
        let Ok(dir) = tempfile::tempdir() else { return };
        for (pretty, windowed, whole) in exports_on_disk(dir.path()) {
            let list = Pointer::root().key("apikeys");
            for (one, other) in [(0, 1), (3, 7), (598, 599), (0, 31)] {
                let pointers = [
                    list.index(one).key("name"),
                    list.index(other).key("nested").key("credentials"),
                    list.index(other).key("apikey"),
                ];
                let labels: Vec<&Pointer> = pointers.iter().collect();
                let Shown::Window(window) = windowed.shown(&labels) else {
                    panic!("items {one} and {other} are shown whole ({pretty})");
                };
                assert!(!window.text.contains("hunter2") && !window.text.contains("secret-"));
                assert_shows_the_whole_display(window, &whole, &pointers);
            }
            // Items further apart than a window holds are shown from the whole display.
            let far = [list.index(0).key("name"), list.index(40).key("name")];
            let far: Vec<&Pointer> = far.iter().collect();
            assert!(matches!(windowed.shown(&far), Shown::Whole(_)));
        }
    }
}
