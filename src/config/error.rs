//! Config mistakes: each names a place in the config file by pointer (or line and column for
//! a syntax error). `report::config` turns them into miette diagnostics; byte offsets stay
//! out of this module, as everywhere outside `sources::span` and `report`.

use crate::model::Pointer;
use crate::sources::{Document, LineColumn};

/// Which part of a `key: value` member to point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The member's name (an unknown rule id, field or parameter).
    Key,
    /// The member's value (a wrong type, a bad severity).
    Value,
}

/// One mistake in the config file.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub pointer: Option<Pointer>,
    pub target: Target,
    /// For syntax errors, which have no pointer.
    pub at: Option<LineColumn>,
    /// Lower case, no trailing period, says what was expected.
    pub message: String,
    /// The short text under the pointed-at span.
    pub label: String,
    pub help: Option<String>,
}

impl ConfigError {
    pub fn at_pointer(
        pointer: Pointer,
        target: Target,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Self {
            pointer: Some(pointer),
            target,
            at: None,
            message: message.into(),
            label: label.into(),
            help: None,
        }
    }

    /// A mistake that has no place in the file (it cannot be read, say).
    pub fn whole_file(message: impl Into<String>) -> Self {
        Self {
            pointer: None,
            target: Target::Value,
            at: None,
            message: message.into(),
            label: String::new(),
            help: None,
        }
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every mistake found in one config file, with the file for snippets.
#[derive(Debug)]
pub struct ConfigErrors {
    /// The path as given (or as found).
    pub file: String,
    /// The file's text, when it could be read (boxed: errors travel in `Result`s).
    pub document: Option<Box<Document>>,
    pub errors: Vec<ConfigError>,
}
