//! Load errors: a file that could not be read, parsed or understood.

use super::text::LineColumn;
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
    /// A custom rule that could not be loaded or run (`crate::custom`).
    Rule,
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

/// A recognised document some of whose list items could not be loaded: the others were,
/// and the run goes on with them, so the summary must say how much is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialLoad {
    /// The path as given.
    pub file: String,
    /// The lists with skipped items, in document order of their pointers.
    pub lists: Vec<ListLoad>,
}

/// One list of a partly loaded document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLoad {
    /// `/policies`, or the root of a CLI array.
    pub list: Pointer,
    /// Items in the list.
    pub total: usize,
    /// Items that could not be loaded (each has a load error).
    pub skipped: usize,
}

impl ListLoad {
    /// What the list holds, singular and plural, from its member name.
    fn nouns(&self) -> (&'static str, &'static str) {
        let mut tokens = self.list.tokens();
        match (tokens.next().as_deref(), tokens.next()) {
            (Some("resources"), None) => ("resource", "resources"),
            (Some("serviceids"), None) => ("service ID", "service IDs"),
            (Some("apikeys"), None) => ("API key", "API keys"),
            (Some("policies"), None) => ("policy", "policies"),
            (Some("groups"), None) => ("access group", "access groups"),
            (Some("members"), None) => ("access group member", "access group members"),
            _ => ("item", "items"),
        }
    }

    /// `25 of 26 policies`.
    pub fn loaded_of(&self) -> String {
        let (one, many) = self.nouns();
        let noun = if self.total == 1 { one } else { many };
        format!(
            "{} of {} {noun}",
            self.total.saturating_sub(self.skipped),
            self.total
        )
    }

    /// The kind of item, plural, for machine outputs (`policies`, `items`).
    pub fn what(&self) -> &'static str {
        self.nouns().1
    }
}

impl PartialLoad {
    /// Items skipped over all lists.
    pub fn skipped(&self) -> usize {
        self.lists.iter().map(|list| list.skipped).sum()
    }

    /// `loaded 25 of 26 policies; 1 item skipped`.
    pub fn summary(&self) -> String {
        let loaded: Vec<String> = self.lists.iter().map(ListLoad::loaded_of).collect();
        let skipped = self.skipped();
        format!(
            "loaded {}; {skipped} item{} skipped",
            loaded.join(", "),
            if skipped == 1 { "" } else { "s" }
        )
    }
}

/// The list item a pointer lies in: `(list, index)` for `/policies/3/...` (a list member
/// of the top-level object) or `/3/...` (a CLI array).
fn item_of(pointer: &Pointer) -> Option<(Pointer, usize)> {
    let mut tokens = pointer.tokens();
    let first = tokens.next()?;
    if let Ok(index) = first.parse::<usize>() {
        return Some((Pointer::root(), index));
    }
    let index = tokens.next()?.parse::<usize>().ok()?;
    Some((Pointer::root().key(&first), index))
}

/// How much of a document was loaded, from its item problems and the length of each list
/// it read (`lists`); `None` when no item of those lists was skipped (a problem about a
/// whole list, or a document of no lists, is not a partial load).
pub fn partial_load<'a>(
    file: &str,
    problems: impl IntoIterator<Item = &'a Pointer>,
    lists: &[(Pointer, usize)],
) -> Option<PartialLoad> {
    let mut items: Vec<(Pointer, usize)> = problems
        .into_iter()
        .filter_map(item_of)
        .filter(|(list, index)| {
            lists
                .iter()
                .any(|(known, length)| known == list && index < length)
        })
        .collect();
    items.sort();
    items.dedup();
    let mut counted: Vec<ListLoad> = Vec::new();
    for (list, _) in items {
        match counted.last_mut() {
            Some(last) if last.list == list => last.skipped += 1,
            _ => {
                let total = lists
                    .iter()
                    .find(|(known, _)| *known == list)
                    .map_or(0, |(_, length)| *length);
                counted.push(ListLoad {
                    list,
                    total,
                    skipped: 1,
                });
            }
        }
    }
    (!counted.is_empty()).then(|| PartialLoad {
        file: file.to_owned(),
        lists: counted,
    })
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
    use super::{friendly_type_names, partial_load, sanitize_serde_message};
    use crate::model::Pointer;

    #[test]
    fn counts_the_skipped_items_of_each_list() {
        let policies = Pointer::root().key("policies");
        let problems = [
            policies.index(3).key("roles"),
            policies.index(3).key("type"),
            policies.index(7),
            // A problem about a whole list is no skipped item.
            Pointer::root().key("members"),
        ];
        let partial = partial_load("p.json", &problems, &[(policies.clone(), 26)]).unwrap();
        assert_eq!(
            partial.summary(),
            "loaded 24 of 26 policies; 2 items skipped"
        );
        let one = partial_load("p.json", &[policies.index(0)], &[(policies.clone(), 1)]).unwrap();
        assert_eq!(one.summary(), "loaded 0 of 1 policy; 1 item skipped");
        let cli = partial_load(
            "a.json",
            &[Pointer::root().index(0)],
            &[(Pointer::root(), 2)],
        );
        assert_eq!(
            cli.unwrap().summary(),
            "loaded 1 of 2 items; 1 item skipped"
        );
        assert!(partial_load("p.json", &problems[3..], &[]).is_none());
        // An index past the list's end is not one of its items.
        assert!(partial_load("p.json", &problems[2..3], &[(policies, 7)]).is_none());
    }

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
