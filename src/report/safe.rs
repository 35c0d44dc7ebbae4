//! Text taken from inputs (names, ids, messages that quote them, snippet lines), made safe
//! to show: a control character (C0, DEL, C1) or a character that reorders text (bidi
//! embeddings, overrides, isolates and marks; line and paragraph separators) in a key name
//! must not clear or retitle the auditor's terminal, spoof what a report says, or break an
//! XML report. Every renderer escapes with this one function, into one visible form:
//! `\u{1b}`, `\u{202e}` (the hex code of the character, as Rust writes it).
//!
//! JSON outputs (`json`, `sarif`) keep the exact values of data fields instead and write
//! these characters as JSON escapes (`\u202e`), which a JSON reader turns back into the
//! character (see [`JsonFormatter`]); their messages are escaped like any other display text.

use std::borrow::Cow;
use std::io;

/// Whether `character` must not reach an output raw.
pub fn is_unsafe(character: char) -> bool {
    matches!(character,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        // Arabic letter mark; left-to-right and right-to-left marks.
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        // Line and paragraph separators: line breaks to some viewers.
        | '\u{2028}' | '\u{2029}'
        // Embeddings and overrides; isolates.
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character, line breaks and tabs included, in its visible form.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_keeping(text, |_| false)
}

/// `text` (lines of an input, or a message of several lines) with every unsafe character
/// but `\n` and `\t` in its visible form: the line structure is the renderer's.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_keeping(text, |character| matches!(character, '\n' | '\t'))
}

/// A rendered page, escaped as [`escape_lines`] escapes text and ended by a line break: the
/// page (megabytes at a large account's scale) is copied only when something in it needs
/// escaping.
pub fn escape_page(mut page: String) -> String {
    let escaped = match escape_lines(&page) {
        Cow::Owned(escaped) => Some(escaped),
        Cow::Borrowed(_) => None,
    };
    if let Some(escaped) = escaped {
        page = escaped;
    }
    page.push('\n');
    page
}

/// Whether an unsafe character may start at `byte`: each of them is a byte below 0x20 or
/// 0x7f, or starts with 0xC2 (C1 controls), 0xD8 (U+061C) or 0xE2 (the marks, separators
/// and bidi controls from U+200E on) in UTF-8. A lead byte always starts a character.
fn may_start_unsafe(byte: u8) -> bool {
    byte < 0x20 || matches!(byte, 0x7f | 0xc2 | 0xd8 | 0xe2)
}

/// The first unsafe character of `text` that `keep` does not keep, with its byte offset.
/// Pages of megabytes pass through here: bytes are compared first, and only a byte that may
/// start an unsafe character is decoded.
fn find_unsafe(text: &str, keep: impl Fn(char) -> bool) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        let at = from
            + bytes
                .get(from..)?
                .iter()
                .position(|&byte| may_start_unsafe(byte))?;
        let character = text.get(at..)?.chars().next()?;
        if is_unsafe(character) && !keep(character) {
            return Some((at, character));
        }
        from = at + character.len_utf8();
    }
}

fn escape_keeping(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some((first, _)) = find_unsafe(text, &keep) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some((at, character)) = find_unsafe(rest, &keep) {
        out.push_str(&rest[..at]);
        out.push_str(&format!("\\u{{{:x}}}", u32::from(character)));
        rest = &rest[at + character.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A serde_json formatter that writes every unsafe character of every string as a JSON
/// escape: serde_json escapes C0 controls itself but writes DEL, C1 controls and bidi
/// characters raw. The values read back are the same.
pub struct JsonFormatter<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for JsonFormatter<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, character)) = find_unsafe(rest, |_| false) {
            writer.write_all(&rest.as_bytes()[..at])?;
            write!(writer, "\\u{:04x}", u32::from(character))?;
            rest = &rest[at + character.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // Everything else as the wrapped formatter writes it.
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// [`to_json_pretty`] written to `out` as it is serialized, for an output too large to
/// hold whole (a large account's findings, straight to standard output).
pub fn write_json_pretty<T: serde::Serialize + ?Sized>(
    out: &mut dyn io::Write,
    value: &T,
) -> serde_json::Result<()> {
    let formatter = JsonFormatter(serde_json::ser::PrettyFormatter::with_indent(b"  "));
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut serializer)
}

/// `value` as pretty-printed JSON (two-space indent) with no unsafe character raw.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_json_pretty_within(value, 0)
}

/// [`to_json_pretty`] into a buffer of `capacity` bytes to start with. A report of tens of
/// thousands of findings is tens of megabytes: grown by doubling, its last copy held the old
/// half beside the new whole at the run's peak. Room reserved and not written is address
/// space only, so a generous estimate costs no memory.
pub fn to_json_pretty_within<T: serde::Serialize + ?Sized>(
    value: &T,
    capacity: usize,
) -> serde_json::Result<String> {
    let mut out = Vec::new();
    // An estimate the system cannot give (a huge report's) is no error: the buffer then
    // grows as it is written.
    let _ = out.try_reserve(capacity);
    let formatter = JsonFormatter(serde_json::ser::PrettyFormatter::with_indent(b"  "));
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut serializer)?;
    // The serializer writes UTF-8 only (the lossy copy is never made).
    Ok(String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()))
}

/// Escapes text for one Markdown table cell. Code spans (`` `...` ``) keep their text;
/// elsewhere Markdown and HTML specials are escaped. Pipes and line breaks would end the
/// cell, so they are escaped everywhere.
pub fn markdown_cell(text: &str) -> String {
    // Controls and bidi characters from inputs first (see `super::safe`); line breaks
    // become spaces below.
    let text = escape_lines(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    let mut chars = text.chars().peekable();
    // The backtick run that opened the current code span; only the same run closes it.
    let mut fence = 0;
    while let Some(ch) = chars.next() {
        match ch {
            '`' => {
                let mut run = 1;
                while chars.peek() == Some(&'`') {
                    chars.next();
                    run += 1;
                }
                if !in_code {
                    in_code = true;
                    fence = run;
                } else if run == fence {
                    in_code = false;
                }
                out.push_str(&"`".repeat(run));
            }
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            _ if in_code => out.push(ch),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "evil\u{1b}[2J\u{1b}]0;PWNED\u{7}name\u{202e}txt";

    /// The byte scan finds exactly the characters `is_unsafe` names, between any others.
    #[test]
    fn byte_scan_finds_every_unsafe_character() {
        let characters = (0..0x3000u32)
            .chain([0xfeff, 0x1_f600])
            .filter_map(char::from_u32);
        for character in characters {
            for text in [
                format!("{character}"),
                format!("ab\u{e9}{character}\u{2019}c"),
                format!("\u{202f}\u{a0}{character}"),
            ] {
                let expected = text.char_indices().find(|(_, seen)| is_unsafe(*seen));
                assert_eq!(
                    find_unsafe(&text, |_| false),
                    expected,
                    "{:x}",
                    u32::from(character)
                );
            }
        }
        let kept = find_unsafe("a\nb\tc\u{7f}", |character| {
            matches!(character, '\n' | '\t')
        });
        assert_eq!(kept, Some((5, '\u{7f}')));
    }

    #[test]
    fn escapes_controls_and_bidi_characters_visibly() {
        assert_eq!(
            escape(HOSTILE),
            "evil\\u{1b}[2J\\u{1b}]0;PWNED\\u{7}name\\u{202e}txt"
        );
        assert_eq!(
            escape("a\nb\tc\u{85}\u{2066}"),
            "a\\u{a}b\\u{9}c\\u{85}\\u{2066}"
        );
        assert_eq!(escape_lines("a\nb\tc\r\n"), "a\nb\tc\\u{d}\n");
        assert!(matches!(escape("plain ñ 🚀"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_page_is_escaped_as_lines_are_and_ends_with_a_line_break() {
        let page = format!("<p>{HOSTILE}</p>\n<p>b\tc</p>");
        assert_eq!(
            escape_page(page.clone()),
            format!("{}\n", escape_lines(&page))
        );
        assert_eq!(escape_page("<p>plain</p>".to_owned()), "<p>plain</p>\n");
    }

    #[test]
    fn a_size_estimate_the_system_cannot_give_is_no_error() {
        let value = serde_json::json!({"findings": [1, 2]});
        let within = to_json_pretty_within(&value, usize::MAX).unwrap_or_default();
        assert_eq!(within, to_json_pretty(&value).unwrap_or_default());
        assert!(within.contains("findings"));
    }

    #[test]
    fn json_keeps_values_and_writes_no_unsafe_character_raw() {
        let value = serde_json::json!({ HOSTILE: [HOSTILE, "\u{9b}x\u{200f}"] });
        let text = to_json_pretty(&value).unwrap_or_default();
        assert!(!text.chars().any(is_unsafe_but_layout), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }

    fn is_unsafe_but_layout(character: char) -> bool {
        is_unsafe(character) && character != '\n'
    }
}
