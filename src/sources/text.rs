//! What a document's text is written in and where a point in it is: the two words that
//! `document`, `span`, `items` and the loaders share. It imports nothing else in `sources`,
//! so that `document` can build on `span` and `items` without an import circle.

/// The syntax of a document's text, decided by its content (`parse::sniff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
    /// Terraform configuration (`.tf`, `.tfvars`), read by `terraform::hcl`.
    Hcl,
}

/// A point in a document, as outputs print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}
