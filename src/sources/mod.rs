//! Everything that turns paths into documents and the typed inventory: discovery, format
//! detection, the loaders of each IBM shape, and the span indexes used when rendering.
//!
//! Loading never stops at the first bad file: every problem becomes a [`LoadError`] and the
//! other files are still loaded.

pub mod api;
mod discover;
pub mod document;
pub mod error;
pub mod exports;
mod guard;
pub mod inline;
pub(crate) mod parse;
pub mod secrets;
pub mod span;
pub mod terraform;
pub mod unique;

use std::path::PathBuf;
use std::sync::Arc;

pub use document::{Document, Documents, Format, LineColumn};
pub use error::{LoadError, LoadErrorKind};
pub use inline::InlineWaiver;
pub use terraform::TerraformView;

use crate::model::{Inventory, InventoryBuilder};
use discover::Input;
use exports::{Recognition, Sink};

/// Options of one load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Globs of paths to leave out of directory walks.
    pub exclude: Vec<String>,
    /// Which state a Terraform plan describes: after apply (default) or before it.
    pub terraform: TerraformView,
}

/// The result of loading every input.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Documents,
    pub inventory: Inventory,
    pub errors: Vec<LoadError>,
    /// Walked files of a well-formed but unrecognised shape (a `package.json`, say).
    pub skipped: Vec<String>,
    /// Files that were read (recognised, skipped or broken).
    pub files: usize,
    /// How many of them are Terraform plans (`--new-only` compares those with their prior
    /// state).
    pub terraform_plans: usize,
    /// The `# iamlint: ignore[...]` comments of YAML inputs, in document and line order.
    pub inline_waivers: Vec<InlineWaiver>,
}

/// Loads every path; `Err` only for a usage problem (an invalid `--exclude` glob).
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Loaded, String> {
    let exclude = discover::exclude_set(&options.exclude)?;
    let (inputs, errors) = discover::discover(paths, &exclude);
    let mut loaded = Loaded {
        errors,
        ..Loaded::default()
    };
    let mut builder = InventoryBuilder::default();
    for input in &inputs {
        load_one(input, &mut loaded, &mut builder, options.terraform);
    }
    loaded.inventory = builder.finish();
    locate_errors(&mut loaded);
    Ok(loaded)
}

/// Gives every error about a readable document a line and column: where its pointer is,
/// or where the document starts (an unrecognised shape); an empty file at 1:1. Errors about
/// paths that could not be read have no text, so no line.
fn locate_errors(loaded: &mut Loaded) {
    for error in &mut loaded.errors {
        if error.at.is_some() {
            continue;
        }
        if error.kind == LoadErrorKind::Empty {
            // No text to point into: the document was expected from its first line.
            error.at = Some(LineColumn { line: 1, column: 1 });
            continue;
        }
        let Some(document) = error.document.and_then(|id| loaded.documents.get(id)) else {
            continue;
        };
        let pointer = error.pointer.clone().unwrap_or_default();
        error.at = document
            .locate(&pointer)
            .or_else(|| Some(document.line_column(0)));
    }
}

fn load_one(
    input: &Input,
    loaded: &mut Loaded,
    builder: &mut InventoryBuilder,
    view: TerraformView,
) {
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            loaded.errors.push(LoadError::new(
                LoadErrorKind::Io,
                &input.name,
                format!("cannot read file: {error}"),
            ));
            return;
        }
    };
    loaded.files += 1;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let yaml_extension = input
        .path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| matches!(extension.to_ascii_lowercase().as_str(), "yml" | "yaml"));
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(bytes).into_owned());
            let valid = error.valid_up_to();
            let document = Document::new(
                input.name.clone(),
                input.path.clone(),
                parse::sniff(&lossy),
                lossy,
                false,
            );
            let at = document.line_column(valid);
            let id = loaded.documents.add(document);
            loaded.errors.push(
                LoadError::new(
                    LoadErrorKind::Encoding,
                    &input.name,
                    format!("invalid UTF-8 at byte {valid}: expected a UTF-8 JSON or YAML text"),
                )
                .in_document(id)
                .at(at),
            );
            return;
        }
    };
    if text.trim().is_empty() {
        loaded.errors.push(LoadError::new(
            LoadErrorKind::Empty,
            &input.name,
            "file is empty: expected a JSON or YAML document",
        ));
        return;
    }
    let text: Arc<str> = Arc::from(text);
    let (value, format) = match parse::parse(&text, yaml_extension) {
        Ok(parsed) => parsed,
        Err(syntax) => {
            let document = Document::new(
                input.name.clone(),
                input.path.clone(),
                syntax.format,
                text,
                false,
            );
            let id = loaded.documents.add(document);
            loaded.errors.push(
                LoadError::new(LoadErrorKind::Syntax, &input.name, syntax.message)
                    .in_document(id)
                    .at(LineColumn {
                        line: syntax.line,
                        column: syntax.column,
                    }),
            );
            return;
        }
    };
    let document = Document::new(input.name.clone(), input.path.clone(), format, text, true);
    let id = loaded.documents.add(document);
    let mut sink = Sink {
        builder,
        document: id,
        errors: Vec::new(),
        secret_pointers: Vec::new(),
    };
    // A Terraform state has a `resources` member too: recognise it before the export shapes.
    let recognition = if terraform::detect(&value) {
        if terraform::is_plan(&value) {
            loaded.terraform_plans += 1;
        }
        terraform::ingest(&value, &mut sink, view)
    } else {
        exports::ingest(&value, &mut sink)
    };
    if let Some(document) = loaded.documents.get_mut(id) {
        document.mark_secrets(std::mem::take(&mut sink.secret_pointers));
    }
    match recognition {
        Recognition::Recognised => {
            // A file of another shape has no findings to waive.
            if let Some(document) = loaded.documents.get(id) {
                loaded.inline_waivers.extend(inline::scan(document, id));
            }
        }
        Recognition::Unrecognised if input.explicit => {
            loaded.errors.push(
                LoadError::new(
                    LoadErrorKind::Shape,
                    &input.name,
                    "unrecognised document shape: expected an IBM Cloud IAM export (see help)",
                )
                .in_document(id)
                .help(format!("expected {}", exports::shape::SHAPES_TRIED)),
            );
        }
        Recognition::Unrecognised => loaded.skipped.push(input.name.clone()),
    }
    let problems = sink.errors;
    if let Some(document) = loaded.documents.get(id) {
        for (pointer, message) in problems {
            let mut error = LoadError::new(LoadErrorKind::Item, &input.name, message)
                .in_document(id)
                .pointer(pointer.clone());
            if let Some(at) = document.locate(&pointer) {
                error = error.at(at);
            }
            loaded.errors.push(error);
        }
    }
}
