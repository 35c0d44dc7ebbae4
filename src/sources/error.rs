//! Load errors: a file that could not be read, parsed or understood.

use super::document::LineColumn;
use crate::model::{DocId, Pointer};

/// What went wrong, for grouping and for the JSON output's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The path could not be read (missing, unreadable, a symlink loop).
    Io,
    /// The bytes are not UTF-8.
    Encoding,
    /// The file is empty or only whitespace.
    Empty,
    /// Malformed JSON or YAML.
    Syntax,
    /// Well-formed, but not a shape iamlint reads.
    Shape,
    /// A recognised shape whose item has a wrong type or misses a required field.
    Item,
}

/// One input problem. It names the file and, where known, the line, column and pointer.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub kind: LoadErrorKind,
    /// The path as given.
    pub file: String,
    /// The document, when the text could be read (for a snippet).
    pub document: Option<DocId>,
    pub at: Option<LineColumn>,
    pub pointer: Option<Pointer>,
    /// Lower case, no trailing period, says what was expected.
    pub message: String,
    pub help: Option<String>,
}

impl LoadError {
    pub fn new(kind: LoadErrorKind, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            file: file.into(),
            document: None,
            at: None,
            pointer: None,
            message: message.into(),
            help: None,
        }
    }

    #[must_use]
    pub fn in_document(mut self, document: DocId) -> Self {
        self.document = Some(document);
        self
    }

    #[must_use]
    pub fn at(mut self, at: LineColumn) -> Self {
        self.at = Some(at);
        self
    }

    #[must_use]
    pub fn pointer(mut self, pointer: Pointer) -> Self {
        self.pointer = Some(pointer);
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Removes the quoted input value serde puts in type errors (`invalid type: string "..."`):
/// the value might be a secret.
pub fn sanitize_serde_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" \"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find("\", ").or_else(|| after.rfind('"')) {
            Some(end) => rest = &after[end + 1..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces the loader's internal type names in serde messages (`expected struct KeyDto`)
/// with what the user's file should hold (`expected a resource key object`).
pub fn friendly_type_names(message: &str) -> String {
    const NAMES: [(&str, &str); 15] = [
        ("InstanceDto", "a resource instance object"),
        ("KeyDto", "a resource key object"),
        ("ServiceIdDto", "a service ID object"),
        ("ApiKeyDto", "an API key object"),
        ("V1Dto", "a v1 policy object"),
        ("V2Dto", "a v2 policy object"),
        ("GroupDto", "an access group object"),
        ("MemberDto", "an access group member object"),
        ("RoleRef", "a role object with a `role_id`"),
        ("V1Attribute", "an attribute object with `name` and `value`"),
        ("V2Attribute", "an attribute object with `key` and `value`"),
        ("V1Block", "an object with `attributes`"),
        ("V2Block", "an object with `attributes`"),
        ("V2Grant", "a grant object with `roles`"),
        ("V2Control", "a control object with a `grant`"),
    ];
    let Some(at) = message.find("struct ") else {
        return message.to_owned();
    };
    let rest = &message[at + "struct ".len()..];
    let end = rest
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let friendly = NAMES
        .iter()
        .find(|(internal, _)| *internal == name)
        .map_or("an object", |(_, friendly)| friendly);
    format!("{}{friendly}{}", &message[..at], &rest[end..])
}

#[cfg(test)]
mod tests {
    use super::{friendly_type_names, sanitize_serde_message};

    #[test]
    fn names_what_the_file_should_hold() {
        assert_eq!(
            friendly_type_names("invalid type: integer `5`, expected struct ServiceIdDto"),
            "invalid type: integer `5`, expected a service ID object"
        );
        assert_eq!(
            friendly_type_names("missing field `id`"),
            "missing field `id`"
        );
    }

    #[test]
    fn drops_quoted_values_from_serde_messages() {
        assert_eq!(
            sanitize_serde_message("invalid type: string \"SECRET\", expected a boolean"),
            "invalid type: string, expected a boolean"
        );
        assert_eq!(
            sanitize_serde_message("missing field `id`"),
            "missing field `id`"
        );
    }
}
