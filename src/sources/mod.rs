//! Everything that turns paths into documents and the typed inventory: discovery, format
//! detection, the loaders of each IBM shape, and the span indexes used when rendering.
//!
//! Loading never stops at the first bad file: every problem becomes a [`LoadError`] and the
//! other files are still loaded.
//!
//! Over 400 lines because it is the loading pipeline's one entry point (load, dispatch by
//! family and format, merge, partial-load accounting); the loaders themselves live below it.

mod discover;
pub mod document;
pub mod error;
pub mod exports;
mod family;
mod guard;
pub mod inline;
pub mod items;
pub(crate) mod parse;
pub mod secrets;
pub mod span;
pub mod terraform;
pub mod text;
pub mod unique;

use std::path::PathBuf;
use std::sync::Arc;

pub use document::{Document, Documents, FileStamp};
pub use error::{ListLoad, LoadError, LoadErrorKind, PartialLoad};
pub use inline::InlineWaiver;
pub use terraform::TerraformView;
pub use text::{Format, LineColumn};

use rayon::prelude::*;

use crate::model::{DocId, Inventory, InventoryBuilder, Pointer};
use discover::Input;
use exports::{Recognition, Sink};

/// Options of one load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Globs of paths to leave out of directory walks.
    pub exclude: Vec<String>,
    /// Which state a Terraform plan describes: after apply (default) or before it.
    pub terraform: TerraformView,
    /// Values of Terraform root variables beyond `terraform.tfvars` and `*.auto.tfvars`.
    pub variables: terraform::hcl::VariableOptions,
}

/// The result of loading every input.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Documents,
    pub inventory: Inventory,
    pub errors: Vec<LoadError>,
    /// Files that were read and not loaded: walked files of a well-formed but unrecognised
    /// shape (a `package.json`, say), and files of a kind iamlint recognises and does not
    /// load (any file, named or walked: see `skipped_kinds`).
    pub skipped: Vec<String>,
    /// The skipped files of a known kind, with their kind (the others are unrecognised).
    pub skipped_kinds: Vec<(String, exports::catalogue::DocumentKind)>,
    /// Files that were read (recognised, skipped or broken).
    pub files: usize,
    /// How many of them are Terraform plans (`--new-only` compares those with their prior
    /// state).
    pub terraform_plans: usize,
    /// The `# iamlint: ignore[...]` comments of YAML inputs, in document and line order.
    pub inline_waivers: Vec<InlineWaiver>,
    /// Recognised documents some of whose list items could not be loaded (each skipped
    /// item has its error in `errors`), in input order.
    pub partial: Vec<PartialLoad>,
}

/// What a skipped file is called when its shape is not one iamlint knows.
pub const UNRECOGNISED_SHAPE: &str = "unrecognised shape";

/// Why a run found nothing to check (exit 3), in its error and in its `exit 3:` line.
pub const NO_INPUT_FILES: &str = "no input files found";

impl Loaded {
    /// Why the skipped file `name` was skipped ("IAM Identity activity report: not used by
    /// any rule yet"; "not an IBM Cloud IAM export shape").
    pub fn skip_reason(&self, name: &str) -> String {
        match self.skipped_kind(name) {
            Some(kind) => kind.skip_message(),
            None => "not an IBM Cloud IAM export shape".to_owned(),
        }
    }

    /// The kind of the skipped file `name`, when iamlint recognises it.
    pub fn skipped_kind(&self, name: &str) -> Option<exports::catalogue::DocumentKind> {
        self.skipped_kinds
            .iter()
            .find(|(skipped, _)| skipped == name)
            .map(|(_, kind)| *kind)
    }

    /// How many files were skipped for each reason, by kind name (the catalogue's order),
    /// the unrecognised ones last: `[("IAM Identity activity report", 1), ...]`.
    pub fn skip_counts(&self) -> Vec<(&'static str, usize)> {
        let mut counts: std::collections::BTreeMap<_, usize> = std::collections::BTreeMap::new();
        for name in &self.skipped {
            *counts.entry(self.skipped_kind(name)).or_default() += 1;
        }
        let unrecognised = counts.remove(&None);
        counts
            .into_iter()
            .filter_map(|(kind, count)| kind.map(|kind| (kind.name(), count)))
            .chain(unrecognised.map(|count| (UNRECOGNISED_SHAPE, count)))
            .collect()
    }

    /// Why nothing was checked: no file found, or every file found was skipped (for the
    /// "no input" exit code).
    pub fn no_input_reason(&self) -> String {
        self.all_skipped().map_or_else(
            || {
                format!(
                    "{NO_INPUT_FILES}: expected .json, .yml or .yaml IAM exports under the given \
                     paths"
                )
            },
            |all| format!("{all}; nothing to check (`--verbose` names each file)"),
        )
    }

    /// The summary of a run whose every file was skipped: "3 files found, all skipped: 2
    /// IAM Identity activity report, 1 unrecognised shape"; `None` when no file was read or
    /// some file was loaded (or broken).
    pub fn all_skipped(&self) -> Option<String> {
        if self.files == 0 || self.skipped.len() != self.files {
            return None;
        }
        let reasons: Vec<String> = self
            .skip_counts()
            .into_iter()
            .map(|(reason, count)| format!("{count} {reason}"))
            .collect();
        Some(format!(
            "{} file{} found, all skipped: {}",
            self.files,
            if self.files == 1 { "" } else { "s" },
            reasons.join(", ")
        ))
    }
}

/// Files larger than this may be loaded alone (see [`load`]).
const LARGE_FILE: u64 = 16 << 20;

/// How many files are loaded (on every core) before they are merged into the inventory
/// (see [`load`]).
const MERGE_WINDOW: usize = 256;

/// The most files the last window holds (see [`windows`]).
const LAST_WINDOW: usize = 32;

/// The share of the large files' bytes the first window holds in other files (see
/// [`windows`]): reading and cutting a byte of a large file takes about a third of the
/// time loading a byte of a small file takes on one core (1.9 and 5.4 ms a megabyte at
/// scale 10, under perf). Two fifths.
const BESIDE_LARGE: (u64, u64) = (2, 5);

/// Loads every path; `Err` only for a usage problem (an invalid `--exclude` glob).
///
/// Files are read, parsed and loaded on every core, each into a builder of its own; the
/// results are merged in input order, so the inventory, the document ids and every output
/// are those of a load one file after the other.
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Loaded, String> {
    let exclude = discover::exclude_set(&options.exclude)?;
    let (inputs, errors) = discover::discover(paths, &exclude);
    // Terraform configuration files are read by module, below; the others one by one.
    let config: Vec<terraform::hcl::ConfigInput> = inputs
        .iter()
        .enumerate()
        .filter(|(_, input)| terraform::hcl::is_config_file(&input.path))
        .map(|(at, input)| terraform::hcl::ConfigInput {
            id: DocId(u32::try_from(at).unwrap_or(u32::MAX)),
            path: input.path.clone(),
            name: input.name.clone(),
        })
        .collect();
    let load_one = |at: usize, input: &Input| {
        if terraform::hcl::is_config_file(&input.path) {
            return FileLoad::default();
        }
        let id = DocId(u32::try_from(at).unwrap_or(u32::MAX));
        load_file(input, id, options.terraform)
    };
    // Peak memory is a large file's text beside the model built so far: a file of more
    // than a quarter of the input is loaded first, beside the first window only (its lists
    // still on every core), before the other files have built their part of the model. At
    // scale 100 the policy export is 383 MB of 819.
    let sizes: Vec<u64> = inputs
        .iter()
        .map(|input| std::fs::metadata(&input.path).map_or(0, |meta| meta.len()))
        .collect();
    let large = loaded_alone(&sizes);
    let mut early: Vec<Option<FileLoad>> = (0..inputs.len()).map(|_| None).collect();
    let next_id = u32::try_from(inputs.len()).unwrap_or(u32::MAX);
    let configuration = if config.is_empty() {
        terraform::hcl::ConfigLoad::default()
    } else {
        terraform::hcl::load(&config, next_id, &options.variables, options.terraform)
    };
    // A module's documents belong to the slots of its files; the others come after.
    let mut config_documents: Vec<Option<Document>> = (0..inputs.len()).map(|_| None).collect();
    let mut outside = Vec::new();
    for (id, document) in configuration.documents {
        match config_documents.get_mut(id.0 as usize) {
            Some(slot) => *slot = Some(document),
            None => outside.push(document),
        }
    }
    let mut loaded = Loaded {
        errors,
        ..Loaded::default()
    };
    let mut builder = InventoryBuilder::default();
    let groups = directory_groups(&inputs);
    // The files are loaded a window at a time and each window is merged while the next one
    // loads: merging copies every entity into the inventory's lists, and the lists of a
    // window's builders, freed as they are merged, are what the window after next is built
    // in. Loading every file before merging any held all the builders' lists beside the
    // inventory's (about 90 MB of the peak at scale 100); merging each window before the
    // next was loaded left every core but one idle while it merged.
    let order: Vec<usize> = (0..inputs.len()).collect();
    let windows: Vec<&[usize]> = windows(&order, &sizes, &large);
    let mut load_window = |number: usize, window: &[usize]| -> Vec<Option<FileLoad>> {
        let load_rest = || -> Vec<Option<FileLoad>> {
            window
                .par_iter()
                // One file per task: rayon splits a range only a few times on two cores,
                // and the core that ran out of files idled while the other loaded a run of
                // them alone at the end of each window.
                .with_max_len(1)
                .map(|&at| (!large.contains(&at)).then(|| load_one(at, &inputs[at])))
                .collect()
        };
        // A large file is cut into its items on one core (the cut is serial): the other
        // cores load the first window meanwhile, and then share the large file's items.
        let mut files = if number == 0 && !large.is_empty() {
            let load_large = || -> Vec<(usize, FileLoad)> {
                large
                    .iter()
                    .map(|&at| (at, load_one(at, &inputs[at])))
                    .collect()
            };
            let (loaded_large, files) = rayon::join(load_large, load_rest);
            for (at, file) in loaded_large {
                early[at] = Some(file);
            }
            files
        } else {
            load_rest()
        };
        for (&at, file) in window.iter().zip(&mut files) {
            if file.is_none() {
                *file = early.get_mut(at).and_then(Option::take);
            }
        }
        files
    };
    let mut merge_window = |window: &[usize], files: Vec<Option<FileLoad>>| {
        builder.reserve_more_for(
            files
                .iter()
                .flatten()
                .flat_map(|file| file.parts.iter().chain([&file.builder])),
        );
        for (&at, file) in window.iter().zip(files) {
            let mut file = file.unwrap_or_default();
            if let Some(document) = config_documents.get_mut(at).and_then(Option::take) {
                file.document = Some(document);
                file.read = true;
            }
            loaded.documents.push_slot(file.document);
            let id = DocId(u32::try_from(at).unwrap_or(u32::MAX));
            for part in std::mem::take(&mut file.parts) {
                builder.absorb_document(id, groups.get(at).copied(), part);
            }
            builder.absorb_document(id, groups.get(at).copied(), file.builder);
            loaded.errors.extend(file.errors);
            loaded.files += usize::from(file.read);
            loaded.terraform_plans += usize::from(file.terraform_plan);
            if let (Some(name), Some(kind)) = (&file.skipped, file.skipped_kind) {
                loaded.skipped_kinds.push((name.clone(), kind));
            }
            loaded.skipped.extend(file.skipped);
            loaded.inline_waivers.extend(file.inline_waivers);
            loaded.partial.extend(file.partial);
        }
    };
    // Window `number` loads while window `number - 1` merges (merging is one core's work).
    let mut loaded_before: Option<Vec<Option<FileLoad>>> = None;
    for number in 0..=windows.len() {
        let previous = number.checked_sub(1).and_then(|at| windows.get(at));
        let (next, ()) = rayon::join(
            || {
                windows
                    .get(number)
                    .map(|window| load_window(number, window))
            },
            || {
                if let (Some(window), Some(files)) = (previous, loaded_before.take()) {
                    merge_window(window, files);
                }
            },
        );
        loaded_before = next;
    }
    for document in outside {
        loaded.documents.push_slot(Some(document));
        loaded.files += 1;
    }
    builder.reserve_more_for(configuration.roots.iter().map(|(_, root)| root));
    for (id, root) in configuration.roots {
        builder.absorb_document(id, groups.get(id.0 as usize).copied(), root);
        // A root module is checked as a plan of it would be (`--new-only` compares it with
        // an empty prior state).
        loaded.terraform_plans += 1;
    }
    loaded.errors.extend(configuration.errors);
    loaded.inline_waivers.extend(configuration.inline_waivers);
    loaded.inventory = builder.finish();
    locate_errors(&mut loaded);
    Ok(loaded)
}

/// The windows `order` is loaded in: [`MERGE_WINDOW`] files each, but
/// - the first, which loads beside the `large` files, holds at least [`BESIDE_LARGE`] of
///   their bytes in other files: a large file is read and cut into its items on one core,
///   and the other cores had only the first window's files to load meanwhile (at scale 100
///   the first 256 files are 23 MB, loaded long before the 242 MB policy export was cut);
/// - the last is halved, and its second half again, down to [`LAST_WINDOW`] files: the
///   last window's merge has no load beside it, so every core but one idles while it runs.
///   A window loads on every core in several times the time its merge takes on one, so
///   the merge of each half still ends before the next half is loaded.
fn windows<'a>(order: &'a [usize], sizes: &[u64], large: &[usize]) -> Vec<&'a [usize]> {
    let large_bytes: u64 = large.iter().filter_map(|&at| sizes.get(at)).sum();
    let wanted = large_bytes / BESIDE_LARGE.1 * BESIDE_LARGE.0;
    let mut first_len = MERGE_WINDOW.min(order.len());
    let mut beside: u64 = order[..first_len]
        .iter()
        .filter(|at| !large.contains(at))
        .filter_map(|&at| sizes.get(at))
        .sum();
    while beside < wanted && first_len < order.len() {
        let at = order[first_len];
        if !large.contains(&at) {
            beside += sizes.get(at).copied().unwrap_or(0);
        }
        first_len += 1;
    }
    let (first, rest) = order.split_at(first_len);
    let mut windows: Vec<&[usize]> = std::iter::once(first)
        .filter(|first| !first.is_empty())
        .chain(rest.chunks(MERGE_WINDOW))
        .collect();
    // A first window that loads beside large files is never halved.
    if (windows.len() > 1 || large.is_empty())
        && let Some(mut last) = windows.pop()
    {
        while last.len() > LAST_WINDOW {
            let (first, second) = last.split_at(last.len().div_ceil(2));
            windows.push(first);
            last = second;
        }
        windows.push(last);
    }
    windows
}

/// The inputs (by position) to load alone and first, largest first: those of more than a
/// quarter of the input's bytes, and more than [`LARGE_FILE`].
fn loaded_alone(sizes: &[u64]) -> Vec<usize> {
    let total: u64 = sizes.iter().sum();
    let mut large: Vec<usize> = (0..sizes.len())
        .filter(|&at| sizes[at] > total / 4 && sizes[at] > LARGE_FILE)
        .collect();
    large.sort_by_key(|&at| std::cmp::Reverse(sizes[at]));
    large
}

/// For each input, a number its directory's inputs share: the files of one snapshot (or
/// one account's exports) sit in one directory, so a document that names no account takes
/// that of its directory (see `model::Accounts`).
fn directory_groups(inputs: &[Input]) -> Vec<u32> {
    let mut seen: std::collections::HashMap<&std::path::Path, u32> =
        std::collections::HashMap::new();
    inputs
        .iter()
        .map(|input| {
            let directory = input.path.parent().unwrap_or(std::path::Path::new(""));
            let next = u32::try_from(seen.len()).unwrap_or(u32::MAX);
            *seen.entry(directory).or_insert(next)
        })
        .collect()
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

/// What one input contributes to a load; its document, if any, has the id it was loaded
/// with (its place in the input list).
#[derive(Default)]
struct FileLoad {
    document: Option<Document>,
    /// Parts of the file's entities loaded in parallel chunks, merged before `builder` (see
    /// `Sink::deferred`).
    parts: Vec<InventoryBuilder>,
    builder: InventoryBuilder,
    errors: Vec<LoadError>,
    /// The file could be read (it counts in `Loaded::files`).
    read: bool,
    terraform_plan: bool,
    skipped: Option<String>,
    /// The kind of a skipped file that iamlint recognises.
    skipped_kind: Option<exports::catalogue::DocumentKind>,
    inline_waivers: Vec<InlineWaiver>,
    partial: Option<PartialLoad>,
}

fn load_file(input: &Input, id: DocId, view: TerraformView) -> FileLoad {
    let mut file = FileLoad::default();
    // Read the stamp first: a file that changes while it is read gets none, and keeps its
    // text.
    let stamp = std::fs::metadata(&input.path)
        .ok()
        .as_ref()
        .and_then(FileStamp::of);
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            file.errors.push(LoadError::new(
                LoadErrorKind::Io,
                &input.name,
                format!("cannot read file: {error}"),
            ));
            return file;
        }
    };
    file.read = true;
    let stamp = stamp.filter(|stamp| stamp.len == bytes.len() as u64);
    let yaml_extension = input
        .path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| matches!(extension.to_ascii_lowercase().as_str(), "yml" | "yaml"));
    let byte_order_mark = bytes.starts_with(b"\xEF\xBB\xBF");
    let text: String = {
        let mut bytes = bytes;
        if byte_order_mark {
            bytes.drain(..3);
        }
        match String::from_utf8(bytes) {
            Ok(text) if text.trim().is_empty() => {
                file.errors.push(LoadError::new(
                    LoadErrorKind::Empty,
                    &input.name,
                    "file is empty: expected a JSON or YAML document",
                ));
                return file;
            }
            Ok(text) => text,
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let lossy: Arc<str> =
                    Arc::from(String::from_utf8_lossy(error.as_bytes()).into_owned());
                let document = Document::new(
                    input.name.clone(),
                    input.path.clone(),
                    parse::sniff(&lossy),
                    lossy,
                    false,
                );
                let at = document.line_column(valid);
                file.document = Some(document);
                file.errors.push(
                    LoadError::new(
                        LoadErrorKind::Encoding,
                        &input.name,
                        format!(
                            "invalid UTF-8 at byte {valid}: expected a UTF-8 JSON or YAML text"
                        ),
                    )
                    .in_document(id)
                    .at(at),
                );
                return file;
            }
        }
    };
    if parse::sniff(&text) == Format::Json {
        let mut sink = Sink {
            builder: &mut file.builder,
            document: id,
            errors: Vec::new(),
            secret_pointers: Vec::new(),
            route: None,
            deferred: Some(Vec::new()),
        };
        // The fast path also checks the document for duplicate members (`None` if it has
        // one: the `Value` path below reports it). Where the items are, so that a finding's place is read from its item alone
        // (only a file that can be read again is read again).
        let skipped = if byte_order_mark { 3 } else { 0 };
        let place = |ranges: &exports::ItemRanges| {
            stamp.map(|_| items::ItemTable::new(skipped, &text, ranges))
        };
        let recognition = exports::ingest_text(&text, &mut sink, place);
        let (problems, secret_pointers) = (sink.errors, sink.secret_pointers);
        let parts = sink.deferred.unwrap_or_default();
        if let Some((recognition, ranges, items)) = recognition {
            file.parts = parts;
            let lists: Vec<(Pointer, usize)> = ranges
                .iter()
                .map(|(list, items)| (list.clone(), items.len()))
                .collect();
            file.partial =
                error::partial_load(&input.name, problems.iter().map(|(at, _)| at), &lists);
            // A document without problems needs its text only when a finding does: it is
            // read again then, so the text is not copied into the document at all.
            let document = match stamp {
                Some(stamp) if problems.is_empty() => {
                    Document::unread(input.name.clone(), input.path.clone(), Format::Json, stamp)
                }
                _ => Document::new(
                    input.name.clone(),
                    input.path.clone(),
                    Format::Json,
                    Arc::from(text),
                    true,
                )
                .read_from(stamp),
            };
            let document = match items {
                Some(items) => document.with_items(items),
                None => document,
            };
            finish_document(
                &mut file,
                input,
                id,
                document,
                recognition,
                problems,
                secret_pointers,
            );
            return file;
        }
        // A duplicate member, a syntax error or a document the fast path does not read:
        // the `Value` path below reports or reads it.
        file.builder = InventoryBuilder::default();
    }
    let text: Arc<str> = Arc::from(text);
    let (value, format) = match parse::parse(&text, yaml_extension) {
        Ok(parsed) => parsed,
        Err(syntax) => {
            file.document = Some(
                Document::new(
                    input.name.clone(),
                    input.path.clone(),
                    syntax.format,
                    text,
                    false,
                )
                .read_from(stamp),
            );
            file.errors.push(
                LoadError::new(LoadErrorKind::Syntax, &input.name, syntax.message)
                    .in_document(id)
                    .at(LineColumn {
                        line: syntax.line,
                        column: syntax.column,
                    }),
            );
            return file;
        }
    };
    let document =
        Document::new(input.name.clone(), input.path.clone(), format, text, true).read_from(stamp);
    let mut sink = Sink {
        builder: &mut file.builder,
        document: id,
        errors: Vec::new(),
        secret_pointers: Vec::new(),
        route: None,
        deferred: None,
    };
    // A Terraform state has a `resources` member too: recognise it before the export shapes.
    let recognition = if terraform::detect(&value) {
        file.terraform_plan = terraform::is_plan(&value);
        terraform::ingest(&value, &mut sink, view)
    } else {
        exports::ingest(&value, &mut sink)
    };
    let (problems, secret_pointers) = (sink.errors, sink.secret_pointers);
    // Terraform documents have no export lists (a state's `resources` is not one).
    if !problems.is_empty() && !terraform::detect(&value) {
        file.partial = error::partial_load(
            &input.name,
            problems.iter().map(|(at, _)| at),
            &list_lengths(&value),
        );
    }
    finish_document(
        &mut file,
        input,
        id,
        document,
        recognition,
        problems,
        secret_pointers,
    );
    file
}

/// The length of each export list of a parsed document (none for other shapes), for
/// counting what a partial load skipped.
fn list_lengths(value: &serde_json::Value) -> Vec<(Pointer, usize)> {
    match exports::shape::detect(value) {
        exports::shape::Shape::Lists(lists) => lists
            .into_iter()
            .map(|(kind, items)| (Pointer::root().key(kind.member()), items.len()))
            .collect(),
        exports::shape::Shape::CliArray(items) => vec![(Pointer::root(), items.len())],
        _ => Vec::new(),
    }
}

/// Records a parsed document: its secrets, inline waivers and item problems, or that it is
/// not a shape iamlint reads.
fn finish_document(
    file: &mut FileLoad,
    input: &Input,
    id: DocId,
    mut document: Document,
    mut recognition: Recognition,
    problems: Vec<(Pointer, String)>,
    secret_pointers: Vec<Pointer>,
) {
    document.mark_secrets(secret_pointers);
    // A profile's link and claim rule lists do not name their profile: its id in the file's
    // path (`profiles/Profile-<uuid>/links.json`) does.
    if let Some(profile_id) = exports::profiles::profile_in_path(&input.name) {
        file.builder.name_profile(profile_id);
    }
    // Without it, its links and rules belong to no profile: set aside with the reason.
    if file.builder.drop_unnamed_profile_items() && recognition == Recognition::Recognised {
        recognition = Recognition::Skipped(exports::catalogue::DocumentKind::UnnamedProfileLists);
    }
    match recognition {
        // A file of another shape has no findings to waive.
        Recognition::Recognised => file.inline_waivers.extend(inline::scan(&document, id)),
        // Named or walked, a known kind is skipped with its reason, not an error.
        Recognition::Skipped(kind) => {
            file.skipped = Some(input.name.clone());
            file.skipped_kind = Some(kind);
        }
        Recognition::Unrecognised if input.explicit => {
            file.errors.push(
                LoadError::new(
                    LoadErrorKind::Shape,
                    &input.name,
                    "unrecognised document shape: expected an IBM Cloud IAM export (see help)",
                )
                .in_document(id)
                .help(format!("expected {}", exports::shape::SHAPES_TRIED)),
            );
        }
        Recognition::Unrecognised => file.skipped = Some(input.name.clone()),
    }
    let mut item_errors: Vec<LoadError> = problems
        .into_iter()
        .map(|(pointer, message)| {
            let error = LoadError::new(LoadErrorKind::Item, &input.name, message)
                .in_document(id)
                .pointer(pointer.clone());
            match document.locate(&pointer) {
                Some(at) => error.at(at),
                None => error,
            }
        })
        .collect();
    // The first problem of the file first, whatever order its lists were read in.
    item_errors.sort_by_key(|error| error.at.map(|at| (at.line, at.column)));
    file.errors.extend(item_errors);
    // Everything the run needs of the text is taken: the entities, the inline waivers and
    // the places of the errors. Drop it until a finding needs its place.
    document.release();
    file.document = Some(document);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Windows cover every input once, in order; the first holds two fifths of the large
    /// files' bytes in other files; the last holds at most `LAST_WINDOW` files.
    #[test]
    fn windows_cover_the_inputs_in_order_and_balance_the_large_files() {
        // 1,000 files of 10 bytes, one of 10,000 bytes at position 600.
        let mut sizes = vec![10u64; 1000];
        sizes[600] = 10_000;
        let order: Vec<usize> = (0..sizes.len()).collect();
        for large in [vec![], vec![600]] {
            let windows = windows(&order, &sizes, &large);
            let joined: Vec<usize> = windows.concat();
            assert_eq!(joined, order);
            assert!(windows.iter().all(|window| !window.is_empty()));
            assert!(windows.last().is_some_and(|last| last.len() <= LAST_WINDOW));
            let beside: u64 = windows[0]
                .iter()
                .filter(|at| !large.contains(at))
                .map(|&at| sizes[at])
                .sum();
            if large.is_empty() {
                assert_eq!(windows[0].len(), MERGE_WINDOW);
            } else {
                // 4,000 bytes: 400 files beside the large one.
                assert_eq!((windows[0].len(), beside), (400, 4_000));
            }
        }
        // Fewer files than a window: one window beside a large file, halved without one.
        let few: Vec<usize> = (0..100).collect();
        assert_eq!(windows(&few, &sizes, &[50]).len(), 1);
        assert_eq!(windows(&few, &sizes, &[]).concat(), few);
        assert!(windows(&[], &sizes, &[]).is_empty());
    }

    #[test]
    fn only_a_large_share_of_a_large_input_is_loaded_alone() {
        const MB: u64 = 1 << 20;
        // The policy export of a scale-100 account beside thousands of small pages.
        let mut sizes = vec![200 * 1024; 4_000];
        sizes.insert(1_500, 383 * MB);
        assert_eq!(loaded_alone(&sizes), vec![1_500]);
        // Two large files: the larger first.
        assert_eq!(loaded_alone(&[150 * MB, 10, 300 * MB]), vec![2, 0]);
        // A small run has none, however its bytes are shared.
        assert!(loaded_alone(&[MB, 10, 20]).is_empty());
        assert!(loaded_alone(&[]).is_empty());
    }
}
