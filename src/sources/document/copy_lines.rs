//! The lines of the indented copy that shows a one-line JSON export (see `window`): where
//! each list item starts in it, counted from the file without the copy being made, in
//! pieces on every core for a large file.

use std::ops::Range;

use rustc_hash::FxHashMap;

/// The lines of the indented copy of a one-line JSON text (serde_json's pretty printer:
/// a line break before every array value and object member, and before the closing
/// bracket of a non-empty container), counted in one streaming pass, or in pieces on every
/// core for a large file.
pub(super) struct CopyLines {
    /// Whether the text is one line (blank lines before it aside).
    pub(super) one_line: bool,
    /// Each item start's line in the copy and its depth.
    pub(super) items: FxHashMap<usize, (usize, usize)>,
}

/// Files from this size on are counted in pieces, one per core: the policy export of a
/// large account is one line of hundreds of megabytes, and the excerpts of the findings in
/// it wait for its count.
const COUNT_IN_PIECES_FROM: u64 = 4 << 20;

impl CopyLines {
    /// The count of `file` (its text after `skipped` bytes), with the line and depth of
    /// each of `starts` (sorted); `heads` are the starts that open their list.
    pub(super) fn count(
        file: &std::fs::File,
        skipped: usize,
        starts: &[usize],
        heads: &[usize],
    ) -> Option<Self> {
        let len = file.metadata().ok()?.len();
        let pieces = if len >= COUNT_IN_PIECES_FROM {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            1
        };
        let text_len = usize::try_from(len).ok()?.checked_sub(skipped)?;
        Self::count_in(file, skipped, text_len, starts, heads, pieces)
    }

    /// The count in up to `pieces` pieces, each from an item's start (not the first of its
    /// list) to the next piece's, on threads of their own (not rayon's: the excerpts that
    /// wait for this count may be holding every rayon thread). A piece starts from the
    /// state the scan has at such a start (outside any string, every enclosing container
    /// holding a value already), its depth known only once the pieces before it are
    /// counted, and is checked against the state the piece before it ends in: pieces that
    /// do not fit (an input the item table does not describe) send the count back to one
    /// pass.
    fn count_in(
        file: &std::fs::File,
        skipped: usize,
        text_len: usize,
        starts: &[usize],
        heads: &[usize],
        pieces: usize,
    ) -> Option<Self> {
        let mut cuts = vec![0];
        for piece in 1..pieces {
            let target = text_len / pieces * piece;
            let from = starts.partition_point(|&start| start < target);
            let Some(&cut) = starts[from..]
                .iter()
                .find(|start| heads.binary_search(start).is_err())
            else {
                break;
            };
            if cuts.last().is_some_and(|&last| cut > last) {
                cuts.push(cut);
            }
        }
        let scans: Vec<Option<CopyScan<'_>>> = if cuts.len() < 2 {
            vec![CopyScan::of_piece(
                file,
                skipped,
                starts,
                0..text_len,
                false,
            )]
        } else {
            std::thread::scope(|scope| {
                let running: Vec<_> = cuts
                    .iter()
                    .enumerate()
                    .map(|(at, &from)| {
                        let to = cuts.get(at + 1).copied().unwrap_or(text_len);
                        scope.spawn(move || {
                            CopyScan::of_piece(file, skipped, starts, from..to, at > 0)
                        })
                    })
                    .collect();
                running
                    .into_iter()
                    .map(|thread| thread.join().ok().flatten())
                    .collect()
            })
        };
        let mut items = FxHashMap::with_capacity_and_hasher(starts.len(), Default::default());
        let (mut breaks, mut depth, mut one_line) = (0usize, 0usize, true);
        let mut before: Option<&CopyScan<'_>> = None;
        for scan in &scans {
            let scan = scan.as_ref()?;
            if let Some(before) = before {
                // The piece starts at an item that follows a comma: outside any string,
                // every container around it already holding a value.
                if before.in_string
                    || before.escaped
                    || before.opened
                    || before.open.contains(&false)
                {
                    return Self::count_in(file, skipped, text_len, starts, heads, 1);
                }
                // A line break at the end of the piece before, then the item: two lines.
                one_line &= !before.broken;
            }
            one_line &= scan.one_line;
            for &(start, line, level, below) in &scan.items {
                items.insert(start, (breaks + line, (depth + level).checked_sub(below)?));
            }
            breaks += scan.breaks;
            depth = (depth + scan.open.len()).checked_sub(scan.below)?;
            before = Some(scan);
        }
        Some(Self { one_line, items })
    }
}

/// The scan of one piece of a one-line text for [`CopyLines`].
struct CopyScan<'s> {
    next: std::iter::Peekable<std::iter::Copied<std::slice::Iter<'s, usize>>>,
    /// Each item start met: its start, the copy's line breaks before it plus one, and the
    /// depth (containers open in this piece, and closed of those open before it) then.
    items: Vec<(usize, usize, usize, usize)>,
    /// Whether each container opened in this piece (and still open) has a value yet.
    open: Vec<bool>,
    /// Containers closed that were open before this piece (each holding a value).
    below: usize,
    /// Whether containers open before the piece may close in it (every piece but the first).
    inside: bool,
    in_string: bool,
    escaped: bool,
    opened: bool,
    breaks: usize,
    content: bool,
    broken: bool,
    one_line: bool,
}

impl<'s> CopyScan<'s> {
    /// The scan of the bytes `range` of the text (after `skipped` bytes of `file`); `inside`
    /// for a piece that starts at an item, not at the text's start.
    fn of_piece(
        file: &std::fs::File,
        skipped: usize,
        starts: &'s [usize],
        range: Range<usize>,
        inside: bool,
    ) -> Option<Self> {
        let first = starts.partition_point(|&start| start < range.start);
        let last = starts.partition_point(|&start| start < range.end);
        let mut scan = Self {
            next: starts.get(first..last)?.iter().copied().peekable(),
            items: Vec::new(),
            open: Vec::new(),
            below: 0,
            inside,
            in_string: false,
            escaped: false,
            opened: false,
            breaks: 0,
            content: inside,
            broken: false,
            one_line: true,
        };
        let mut buffer = vec![0u8; (1 << 20).min(range.len().max(1))];
        let mut offset = range.start;
        while offset < range.end {
            let want = (range.end - offset).min(buffer.len());
            let read = read_at(file, &mut buffer[..want], (skipped + offset) as u64).ok()?;
            if read == 0 {
                break;
            }
            scan.feed(&buffer[..read], offset);
            offset += read;
        }
        Some(scan)
    }

    fn feed(&mut self, chunk: &[u8], offset: usize) {
        let mut position = 0;
        while let Some(&byte) = chunk.get(position) {
            if self.in_string {
                // Most of an export's bytes are inside strings: jump to the next quote or
                // backslash instead of looking at each byte.
                if self.escaped {
                    self.escaped = false;
                    position += 1;
                    continue;
                }
                let Some(found) = memchr::memchr2(b'"', b'\\', &chunk[position..]) else {
                    position = chunk.len();
                    continue;
                };
                position += found + 1;
                match chunk.get(position - 1) {
                    Some(b'\\') => self.escaped = true,
                    _ => self.in_string = false,
                }
                continue;
            }
            let at = offset + position;
            position += 1;
            if byte.is_ascii_whitespace() {
                self.broken |= self.content && byte == b'\n';
                continue;
            }
            if self.broken {
                self.one_line = false;
            }
            self.content = true;
            if self.opened {
                self.opened = false;
                if !matches!(byte, b']' | b'}') {
                    self.breaks += 1;
                    if let Some(top) = self.open.last_mut() {
                        *top = true;
                    }
                }
            }
            match byte {
                b'"' => self.in_string = true,
                b'[' | b'{' => {
                    if self.next.peek() == Some(&at) {
                        self.items
                            .push((at, self.breaks + 1, self.open.len(), self.below));
                    }
                    self.open.push(false);
                    self.opened = true;
                }
                // A closing bracket gets a line of its own after a value; one open before
                // the piece holds a value (the piece starts at an item inside it).
                b']' | b'}' => match self.open.pop() {
                    Some(has_value) => self.breaks += usize::from(has_value),
                    None if self.inside => {
                        self.below += 1;
                        self.breaks += 1;
                    }
                    None => {}
                },
                b',' => self.breaks += 1,
                _ => {}
            }
            while self.next.peek().is_some_and(|&start| start <= at) {
                self.next.next();
            }
        }
    }
}

/// Reads into `buffer` from byte `offset` of `file`, leaving its cursor alone (pieces read
/// one file on several threads).
#[cfg(unix)]
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_file: &std::fs::File, _buffer: &mut [u8], _offset: u64) -> std::io::Result<usize> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-line text (after a byte-order mark) of two lists at different depths, the
    /// starts of their items (sorted) and of each list's first item; `breaks` puts a line
    /// break after the comma before every item whose index it divides (0: none).
    fn two_lists(count: usize, breaks: usize) -> (Vec<u8>, Vec<usize>, Vec<usize>) {
        let mut text = String::from("{\"a\":[");
        let (mut starts, mut heads) = (Vec::new(), Vec::new());
        for close in ["],\"b\":{\"c\":[", "]},\"next\":null}"] {
            for at in 0..count {
                if at > 0 {
                    text.push(',');
                    if breaks > 0 && at % breaks == 0 {
                        text.push('\n');
                    }
                }
                if at == 0 {
                    heads.push(text.len());
                }
                starts.push(text.len());
                let item = serde_json::json!({
                    "id": format!("Item-{at}"),
                    "quote": format!("say \"{at}\" \\ [{{,}}] \u{e9}"),
                    "nested": {"list": [at, [], {}, [{"x": "]"}]]},
                    "empty": [],
                });
                text.push_str(&item.to_string());
            }
            text.push_str(close);
        }
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(text.as_bytes());
        (bytes, starts, heads)
    }

    #[test]
    fn counting_a_one_line_text_in_pieces_gives_the_count_of_one_pass() {
        let Ok(dir) = tempfile::tempdir() else { return };
        for breaks in [0, 97, 250] {
            let (bytes, starts, heads) = two_lists(500, breaks);
            let path = dir.path().join(format!("{breaks}.json"));
            assert!(std::fs::write(&path, &bytes).is_ok());
            let Ok(file) = std::fs::File::open(&path) else {
                panic!("cannot open {}", path.display());
            };
            let Some(one_pass) = CopyLines::count_in(&file, 3, bytes.len() - 3, &starts, &heads, 1)
            else {
                panic!("no count");
            };
            assert_eq!(one_pass.one_line, breaks == 0);
            assert_eq!(one_pass.items.len(), starts.len());
            // The first list's items sit at depth 2, the second's at depth 3.
            assert_eq!(one_pass.items.get(&starts[0]).map(|item| item.1), Some(2));
            assert_eq!(one_pass.items.get(&starts[500]).map(|item| item.1), Some(3));
            for pieces in 2..=7 {
                let Some(counted) =
                    CopyLines::count_in(&file, 3, bytes.len() - 3, &starts, &heads, pieces)
                else {
                    panic!("no count in {pieces} pieces");
                };
                assert_eq!(counted.one_line, one_pass.one_line, "{pieces} pieces");
                assert_eq!(counted.items, one_pass.items, "{pieces} pieces");
            }
        }
    }
}
