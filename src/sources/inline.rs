//! Inline waivers: `# iamlint: ignore[rule-id] reason` comments in YAML inputs and in
//! Terraform `.tf`/`.tfvars` files.
//!
//! Only the comments are read here, because the text is here; whether a rule id
//! exists, whether a reason was given and which finding a comment waives are decided with
//! the config file's waivers in `triage`, in one place.

use super::document::Document;
use super::text::Format;
use crate::model::DocId;

/// The marker that starts a directive inside a comment.
const MARKER: &str = "iamlint:";

/// The syntax, for messages.
pub const SYNTAX: &str = "# iamlint: ignore[RULE-ID] REASON";

/// One `# iamlint: ...` comment in a YAML input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineWaiver {
    pub document: DocId,
    /// 1-based line of the comment; it waives findings located on this line or the next.
    pub line: usize,
    /// The rule ids between the brackets (`ignore[a, b]`), as written.
    pub rules: Vec<String>,
    /// The text after the brackets; `None` when there is none.
    pub reason: Option<String>,
    /// Why the comment is not a well-formed directive, when it is not.
    pub problem: Option<String>,
}

/// The `# iamlint:` comments of a YAML document (none for JSON, which has no comments).
pub fn scan(document: &Document, id: DocId) -> Vec<InlineWaiver> {
    // JSON has no comments; YAML and HCL write them with `#`.
    if document.format == Format::Json {
        return Vec::new();
    }
    let text = document.raw_text();
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut line_start = 0;
    for (at, line) in text.split('\n').enumerate() {
        if let Some(column) = comment_start(line)
            && !inside_scalar(document, line_start + column)
        {
            let body = line[column + 1..].trim_start();
            if let Some(directive) = body.strip_prefix(MARKER) {
                found.push(parse(id, at + 1, directive));
            }
        }
        line_start += line.len() + 1;
    }
    found
}

/// The byte column of the `#` that starts an `iamlint:` comment on `line`: YAML comments
/// begin with `#` at the start of a line or after white space.
fn comment_start(line: &str) -> Option<usize> {
    line.match_indices('#').map(|(at, _)| at).find(|&at| {
        let after_space = at == 0
            || line[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
        after_space && line[at + 1..].trim_start().starts_with(MARKER)
    })
}

/// Whether byte `offset` lies inside a scalar value (a quoted or block string that holds
/// `# iamlint:` as text, not as a comment).
fn inside_scalar(document: &Document, offset: usize) -> bool {
    document
        .index()
        .iter()
        .any(|(_, spot)| !spot.composite && spot.value.start <= offset && offset < spot.value.end)
}

/// Reads what follows `iamlint:`.
fn parse(document: DocId, line: usize, directive: &str) -> InlineWaiver {
    let mut waiver = InlineWaiver {
        document,
        line,
        rules: Vec::new(),
        reason: None,
        problem: None,
    };
    let directive = directive.trim();
    let Some(rest) = directive.strip_prefix("ignore") else {
        let word = directive.split_whitespace().next().unwrap_or("");
        waiver.problem = Some(if word.is_empty() {
            "empty `iamlint:` comment".to_owned()
        } else {
            format!("unknown directive `{word}`")
        });
        return waiver;
    };
    let Some(rest) = rest.trim_start().strip_prefix('[') else {
        waiver.problem = Some("expected `[RULE-ID]` after `ignore`".to_owned());
        return waiver;
    };
    let Some((inside, reason)) = rest.split_once(']') else {
        waiver.problem = Some("`[` is not closed".to_owned());
        return waiver;
    };
    waiver.rules = inside
        .split(',')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(str::to_owned)
        .collect();
    if waiver.rules.is_empty() {
        waiver.problem = Some("no rule id between `[` and `]`".to_owned());
    }
    let reason = reason.trim();
    if !reason.is_empty() {
        waiver.reason = Some(reason.to_owned());
    }
    waiver
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;

    fn scan_text(text: &str) -> Vec<InlineWaiver> {
        let document = Document::new(
            "t.yaml".to_owned(),
            PathBuf::from("t.yaml"),
            Format::Yaml,
            Arc::from(text),
            true,
        );
        scan(&document, DocId(0))
    }

    #[test]
    fn reads_trailing_and_own_line_comments() {
        let found = scan_text(
            "keys:\n- name: a # iamlint: ignore[key-role-excessive] approved by SecOps\n  \
             # iamlint: ignore[ at-key-limit , key-cannot-evaluate ]   one, two\n  id: x\n",
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 2);
        assert_eq!(found[0].rules, ["key-role-excessive"]);
        assert_eq!(found[0].reason.as_deref(), Some("approved by SecOps"));
        assert_eq!(found[1].line, 3);
        assert_eq!(found[1].rules, ["at-key-limit", "key-cannot-evaluate"]);
        assert_eq!(found[1].reason.as_deref(), Some("one, two"));
        assert!(found.iter().all(|waiver| waiver.problem.is_none()));
    }

    #[test]
    fn malformed_directives_say_why() {
        let problems: Vec<Option<String>> = scan_text(
            "a: 1 # iamlint: ignore key-role-excessive\nb: 2 # iamlint: ignore[x\n\
             c: 3 # iamlint: ignore[] why\nd: 4 # iamlint: skip[x]\ne: 5 #iamlint: ignore[x]\n",
        )
        .into_iter()
        .map(|waiver| waiver.problem)
        .collect();
        assert_eq!(
            problems,
            [
                Some("expected `[RULE-ID]` after `ignore`".to_owned()),
                Some("`[` is not closed".to_owned()),
                Some("no rule id between `[` and `]`".to_owned()),
                Some("unknown directive `skip[x]`".to_owned()),
                None,
            ]
        );
    }

    #[test]
    fn text_inside_strings_is_not_a_comment() {
        let found = scan_text(
            "a: 'x # iamlint: ignore[at-key-limit] no'\nb: \"# iamlint: ignore[a] b\"\n\
             c: |\n  # iamlint: ignore[at-key-limit] inside a block\nd: x#iamlint:ignore[a]\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
