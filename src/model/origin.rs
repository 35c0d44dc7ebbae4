//! Where an entity came from: a document id plus an RFC 6901 JSON pointer.
//!
//! The model never holds byte offsets; pointers are turned into spans only when a
//! finding is rendered (see `sources::span`).

use std::fmt;

/// Index of a loaded document in `sources::Documents`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(pub u32);

/// An RFC 6901 JSON pointer, stored escaped (`~0`, `~1`) as it is printed. A boxed `str`
/// rather than a `String`: every entity holds one, and the spare capacity word cost 8
/// bytes apiece.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pointer(Box<str>);

impl Pointer {
    /// The pointer to the whole document.
    pub fn root() -> Self {
        Self(Box::default())
    }

    /// Parses an already escaped pointer (`/resources/0/name`).
    pub fn parse(text: &str) -> Option<Self> {
        (text.is_empty() || text.starts_with('/')).then(|| Self(text.into()))
    }

    /// A pointer to member `key` of the value this pointer names.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut out = String::with_capacity(self.0.len() + key.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        for ch in key.chars() {
            match ch {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                other => out.push(other),
            }
        }
        Self(out.into_boxed_str())
    }

    /// A pointer to element `index` of the array this pointer names.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.0.len() + 21);
        out.push_str(&self.0);
        // Writing to a String cannot fail.
        let _ = write!(out, "/{index}");
        Self(out.into_boxed_str())
    }

    /// The parent pointer, or `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let cut = self.0.rfind('/')?;
        Some(Self(self.0[..cut].into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens (borrowed unless one holds an escape).
    pub fn tokens(&self) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
        self.0.split('/').skip(1).map(|token| {
            if token.contains('~') {
                std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                std::borrow::Cow::Borrowed(token)
            }
        })
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The place an entity (or one of its fields) was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub document: DocId,
    pub pointer: Pointer,
}

impl Origin {
    pub fn new(document: DocId, pointer: Pointer) -> Self {
        Self { document, pointer }
    }

    /// The origin of member `key` below this one.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        Self::new(self.document, self.pointer.key(key))
    }

    /// The origin of element `index` below this one.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Self::new(self.document, self.pointer.index(index))
    }

    /// Where to point at one part of an entity: the part's own origin when its loader
    /// recorded one, else the whole entity's (not every input says where each part sits).
    pub fn part_or_entity(part: Option<&Origin>, entity: &Origin) -> Origin {
        part.unwrap_or(entity).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_unescapes_tokens() {
        let pointer = Pointer::root().key("a/b").key("c~d").index(3);
        assert_eq!(pointer.as_str(), "/a~1b/c~0d/3");
        assert_eq!(pointer.tokens().collect::<Vec<_>>(), ["a/b", "c~d", "3"]);
        assert_eq!(
            pointer.parent().map(|p| p.to_string()),
            Some("/a~1b/c~0d".into())
        );
    }
}
