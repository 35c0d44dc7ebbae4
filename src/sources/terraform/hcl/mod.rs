//! Terraform configuration (`.tf` files, and `.tfvars`; `.tf.json` and `.tfvars.json` in
//! Terraform's JSON syntax, through `json.rs`) as an input, without a plan.
//!
//! A directory of `.tf` files is one module. The modules that no other module calls are
//! root modules; each root, with the local modules it calls, is evaluated (`eval`,
//! `modules`) and turned into the plan `terraform plan` would print for it against an empty
//! state (`plan`), which the plan loader maps into the model: `.tf` entities are exactly
//! plan entities, with the same Terraform addresses, and every part of that plan is routed
//! back to the line of the `.tf` file it came from (`route`, `spans`).
//!
//! Files: `config` (files and declarations), `spans` (the span index of HCL text), `value`
//! and `eval` (evaluation, `functions`), `refs` (the references a plan lists), `modules`
//! (the module tree), `vars` (root variable values), `plan` (the synthesized plan), `json`
//! (the JSON syntax written out as the native one).
//!
//! Over 400 lines: the input's entry point (finding files and roots, loading, evaluating and
//! routing each root) is one sequence; its steps live in the modules above.

mod config;
mod eval;
mod functions;
mod json;
mod modules;
mod plan;
mod refs;
mod value;
mod vars;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use crate::sources::exports::route::Routes;

use super::TerraformView;
use crate::model::{DocId, InventoryBuilder, Pointer};
use crate::sources::document::{Document, FileStamp};
use crate::sources::error::{LoadError, LoadErrorKind};
use crate::sources::exports::Sink;
use crate::sources::inline::{self, InlineWaiver};
use crate::sources::text::{Format, LineColumn};
use config::{ModuleDef, SourceFile};
use modules::Located;

/// How the values of root variables are found beyond the files Terraform loads itself.
#[derive(Debug, Clone, Default)]
pub struct VariableOptions {
    /// `--var-file` files, in the order given (later ones win).
    pub var_files: Vec<PathBuf>,
    /// Read `TF_VAR_<name>` environment variables (`--tf-var-env`).
    pub environment: bool,
}

/// One walked or named configuration file, with the document id it loads as.
#[derive(Debug, Clone)]
pub(crate) struct ConfigInput {
    pub id: DocId,
    pub path: PathBuf,
    pub name: String,
}

/// What the configuration files contribute to a load.
#[derive(Debug, Default)]
pub(crate) struct ConfigLoad {
    /// One document per file read, by id: the walked files' ids first, then the module
    /// files and `--var-file`s read from outside the walk, numbered from `next_id` on.
    pub documents: Vec<(DocId, Document)>,
    /// The entities of each root module, with the document of its first file.
    pub roots: Vec<(DocId, InventoryBuilder)>,
    pub errors: Vec<LoadError>,
    pub inline_waivers: Vec<InlineWaiver>,
}

/// Whether a path is a Terraform configuration or variables file iamlint reads as HCL.
pub(crate) fn is_config_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    [".tf", ".tfvars", ".tf.json", ".tfvars.json"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Lower-case file name of a path.
fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A configuration file (`.tf`, `.tf.json`), not a variables file.
fn is_configuration(path: &Path) -> bool {
    let name = file_name(path);
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn is_tf(file: &SourceFile) -> bool {
    is_configuration(&file.path)
}

/// A file read and parsed, with its problem if it has one.
struct Read {
    file: SourceFile,
    stamp: Option<FileStamp>,
    error: Option<LoadError>,
    /// Written in Terraform's JSON syntax (`.tf.json`, `.tfvars.json`).
    json: bool,
}

fn read(input: &ConfigInput) -> Result<Read, Box<LoadError>> {
    let stamp = std::fs::metadata(&input.path)
        .ok()
        .as_ref()
        .and_then(FileStamp::of);
    let bytes = std::fs::read(&input.path).map_err(|error| {
        Box::new(LoadError::new(
            LoadErrorKind::Io,
            &input.name,
            format!("cannot read file: {error}"),
        ))
    })?;
    let stamp = stamp.filter(|stamp| stamp.len == bytes.len() as u64);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text: Arc<str> = match std::str::from_utf8(bytes) {
        Ok(text) => Arc::from(text),
        Err(error) => {
            return Err(Box::new(
                LoadError::new(
                    LoadErrorKind::Encoding,
                    &input.name,
                    format!(
                        "invalid UTF-8 at byte {}: expected a UTF-8 Terraform file",
                        error.valid_up_to()
                    ),
                )
                .in_document(input.id),
            ));
        }
    };
    let name = file_name(&input.path);
    let json = name.ends_with(".json");
    let native = if json {
        json::to_native(&text, name.ends_with(".tfvars.json"))
    } else {
        Ok(String::new())
    };
    let parsed = match &native {
        Ok(native) if json => hcl_edit::parser::parse_body(native).map_err(|error| {
            (
                1,
                1,
                format!("cannot read the JSON configuration: {}", error.message()),
            )
        }),
        Ok(_) => hcl_edit::parser::parse_body(&text).map_err(|error| {
            let location = error.location();
            (
                location.line(),
                location.column(),
                format!("invalid HCL: {}", error.message()),
            )
        }),
        Err(problem) => Err(problem.clone()),
    };
    let (body, error) = match parsed {
        Ok(body) => (Some(body), None),
        Err((line, column, message)) => {
            let message = message.replace('\n', " ");
            (
                None,
                Some(
                    LoadError::new(LoadErrorKind::Syntax, &input.name, message)
                        .in_document(input.id)
                        .at(LineColumn { line, column }),
                ),
            )
        }
    };
    Ok(Read {
        file: SourceFile {
            id: input.id,
            name: input.name.clone(),
            path: input.path.clone(),
            text,
            body,
        },
        stamp,
        error,
        json,
    })
}

/// The canonical directory of a file, the key its module is known by.
fn directory(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new("."));
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf())
}

/// The `.tf` files of a directory outside the walk, sorted by name.
fn tf_files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && is_configuration(path))
        .collect();
    files.sort();
    files
}

/// The local module directories the files of one directory call, each with the `source`
/// that names it.
fn called_dirs(dir: &Path, files: &[&SourceFile]) -> Vec<(PathBuf, String)> {
    let def = ModuleDef::new(dir.to_path_buf(), files);
    def.calls
        .iter()
        .filter(|call| call.is_local())
        .filter_map(|call| call.source.as_deref())
        .map(|source| (modules::module_dir(dir, source), source.to_owned()))
        .collect()
}

/// `path` with `.` dropped and each `..` cancelling the component before it, without
/// touching the file system; `.` when nothing is left. A `..` with nothing to cancel stays
/// (`../../x`), and one right after the root is dropped, as the root is its own parent.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            _ => parts.push(component),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

/// How to name a called module's directory in findings: the caller's directory as the user
/// named it joined with the call's `source` (`examples/basic` and `../..` give `.`; `.`
/// gives `../..`), so that its files read as the user would write them from where iamlint
/// runs, not as the absolute path the directory is known by. The canonical path when the
/// lexical one does not lead to the same directory (a symlink on the way).
fn display_dir(caller: &Path, source: &str, canonical: &Path) -> PathBuf {
    let joined = lexical(&caller.join(source));
    match std::fs::canonicalize(&joined) {
        Ok(resolved) if resolved == canonical => joined,
        _ => canonical.to_path_buf(),
    }
}

/// The name of a file in a directory named `dir`: without a leading `./`.
fn name_in(dir: &Path, file: &Path) -> String {
    let base = file
        .file_name()
        .map_or_else(|| file.to_path_buf(), PathBuf::from);
    if dir == Path::new(".") {
        base.display().to_string()
    } else {
        dir.join(base).display().to_string()
    }
}

/// Loads the configuration files of a run: reads and parses them, adds the local modules
/// they call and the `--var-file`s, evaluates every root module and maps it into the model.
pub(crate) fn load(
    inputs: &[ConfigInput],
    next_id: u32,
    options: &VariableOptions,
    view: TerraformView,
) -> ConfigLoad {
    let mut out = ConfigLoad::default();
    let mut read_files: Vec<Read> = Vec::new();
    for result in inputs.par_iter().map(read).collect::<Vec<_>>() {
        match result {
            Ok(file) => read_files.push(file),
            Err(error) => out.errors.push(*error),
        }
    }
    let mut next_id = next_id;
    let mut extra = |path: &Path, name: String| {
        let input = ConfigInput {
            id: DocId(next_id),
            path: path.to_path_buf(),
            name,
        };
        next_id = next_id.saturating_add(1);
        input
    };
    // Local modules outside the walk, until every call's directory is read.
    let mut known: HashSet<PathBuf> = read_files
        .iter()
        .filter(|read| is_tf(&read.file))
        .map(|read| directory(&read.file.path))
        .collect();
    // Each module directory (canonical) as the user would name it: a walked one by the
    // names of its files, a called one from its caller's (see `display_dir`).
    let mut shown: HashMap<PathBuf, PathBuf> = HashMap::new();
    for read in read_files.iter().filter(|read| is_tf(&read.file)) {
        let parent = Path::new(&read.file.name)
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        shown
            .entry(directory(&read.file.path))
            .or_insert_with(|| parent.to_path_buf());
    }
    let mut scanned: HashSet<PathBuf> = HashSet::new();
    loop {
        let mut by_dir: BTreeMap<PathBuf, Vec<&SourceFile>> = BTreeMap::new();
        for read in &read_files {
            if is_tf(&read.file) {
                by_dir
                    .entry(directory(&read.file.path))
                    .or_default()
                    .push(&read.file);
            }
        }
        let mut wanted: Vec<PathBuf> = Vec::new();
        for (dir, files) in &by_dir {
            if scanned.insert(dir.clone()) {
                let caller = shown.get(dir).cloned().unwrap_or_else(|| dir.clone());
                for (called, source) in called_dirs(dir, files) {
                    if !known.contains(&called) && called.is_dir() && !wanted.contains(&called) {
                        let name = display_dir(&caller, &source, &called);
                        shown.insert(called.clone(), name);
                        wanted.push(called);
                    }
                }
            }
        }
        if wanted.is_empty() {
            break;
        }
        for dir in wanted {
            known.insert(dir.clone());
            let named = shown.get(&dir).cloned().unwrap_or_else(|| dir.clone());
            for path in tf_files_in(&dir) {
                match read(&extra(&path, name_in(&named, &path))) {
                    Ok(file) => read_files.push(file),
                    Err(error) => out.errors.push(*error),
                }
            }
        }
    }
    let mut var_files = Vec::new();
    for path in &options.var_files {
        match read(&extra(path, path.display().to_string())) {
            Ok(file) => {
                var_files.push(file.file.id);
                read_files.push(file);
            }
            Err(error) => out.errors.push(*error),
        }
    }
    let walked_below = inputs.iter().map(|input| input.id.0 + 1).max().unwrap_or(0);
    let (roots, located) = evaluate(&read_files, &var_files, walked_below, options, view);
    out.roots = roots
        .iter()
        .map(|root| (root.document, InventoryBuilder::default()))
        .collect();
    let mut secrets: HashMap<DocId, Vec<Pointer>> = HashMap::new();
    let mut located_by_doc: HashMap<DocId, Vec<Located>> = HashMap::new();
    for (at, root) in roots.into_iter().enumerate() {
        if let Some(slot) = out.roots.get_mut(at) {
            slot.1 = root.builder;
        }
        for (document, pointer) in root.secrets {
            secrets.entry(document).or_default().push(pointer);
        }
    }
    for problem in located {
        located_by_doc
            .entry(problem.document)
            .or_default()
            .push(problem);
    }
    for read in read_files {
        let parsed = read.file.body.is_some();
        let mut document = Document::new(
            read.file.name.clone(),
            read.file.path.clone(),
            if read.json { Format::Json } else { Format::Hcl },
            Arc::clone(&read.file.text),
            parsed,
        )
        .read_from(read.stamp);
        document.mark_secrets(secrets.remove(&read.file.id).unwrap_or_default());
        if parsed {
            out.inline_waivers
                .extend(inline::scan(&document, read.file.id));
        }
        if let Some(error) = read.error {
            out.errors.push(error);
        }
        let mut problems: Vec<LoadError> = located_by_doc
            .remove(&read.file.id)
            .unwrap_or_default()
            .into_iter()
            .map(|problem| {
                let error = LoadError::new(LoadErrorKind::Item, &read.file.name, problem.message)
                    .in_document(problem.document)
                    .pointer(problem.pointer.clone());
                match document.locate(&problem.pointer) {
                    Some(at) => error.at(at),
                    None => error,
                }
            })
            .collect();
        problems.sort_by_key(|error| error.at.map(|at| (at.line, at.column)));
        out.errors.extend(problems);
        document.release();
        out.documents.push((read.file.id, document));
    }
    out.documents.sort_by_key(|(id, _)| *id);
    out
}

/// What qualifies the placeholders of each root module's entities: nothing when there is
/// one root (its placeholders read as a plan's would), else the root's directory below the
/// directory all roots share (`envA`, `examples/basic`), so that the same address in two
/// roots names two entities. The same root read once is one root, whatever the inputs.
fn root_labels(dirs: &[&Path]) -> Vec<Option<String>> {
    if dirs.len() < 2 {
        return vec![None; dirs.len()];
    }
    let mut shared: PathBuf = dirs[0].to_path_buf();
    while !dirs.iter().all(|dir| dir.starts_with(&shared)) {
        if !shared.pop() {
            break;
        }
    }
    dirs.iter()
        .map(|dir| {
            let below = dir.strip_prefix(&shared).unwrap_or(dir);
            let label = if below.as_os_str().is_empty() {
                dir.display().to_string()
            } else {
                below
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            };
            Some(if label.is_empty() {
                ".".to_owned()
            } else {
                label
            })
        })
        .collect()
}

/// One evaluated root module.
struct Root {
    document: DocId,
    builder: InventoryBuilder,
    secrets: Vec<(DocId, Pointer)>,
}

/// Finds the root modules among the read files, evaluates each and maps it into the model.
fn evaluate(
    read_files: &[Read],
    var_files: &[DocId],
    walked_below: u32,
    options: &VariableOptions,
    view: TerraformView,
) -> (Vec<Root>, Vec<Located>) {
    let mut by_dir: BTreeMap<PathBuf, Vec<&SourceFile>> = BTreeMap::new();
    let mut tfvars: BTreeMap<PathBuf, Vec<&SourceFile>> = BTreeMap::new();
    for read in read_files {
        if var_files.contains(&read.file.id) {
            continue;
        }
        let dir = directory(&read.file.path);
        if is_tf(&read.file) {
            by_dir.entry(dir).or_default().push(&read.file);
        } else {
            tfvars.entry(dir).or_default().push(&read.file);
        }
    }
    let mut defs: Vec<ModuleDef<'_>> = Vec::new();
    let mut dirs: HashMap<PathBuf, usize> = HashMap::new();
    for (dir, files) in &mut by_dir {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        dirs.insert(dir.clone(), defs.len());
        defs.push(ModuleDef::new(dir.clone(), files));
    }
    // Roots: modules no other module calls; then any module left out (only reachable
    // through a cycle), so that nothing walked goes unchecked.
    let mut called: HashSet<usize> = HashSet::new();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); defs.len()];
    for (at, def) in defs.iter().enumerate() {
        for call in def.calls.iter().filter(|call| call.is_local()) {
            if let Some(source) = call.source.as_deref()
                && let Some(&target) = dirs.get(&modules::module_dir(&def.dir, source))
                && target != at
            {
                called.insert(target);
                edges[at].push(target);
            }
        }
    }
    let is_walked = |def: &ModuleDef<'_>| {
        def.resources
            .first()
            .map(|decl| decl.file.id)
            .or_else(|| def.calls.first().map(|call| call.file.id))
            .is_some_and(|id| id.0 < walked_below)
    };
    let mut roots: Vec<usize> = (0..defs.len()).filter(|at| !called.contains(at)).collect();
    let mut reached: HashSet<usize> = HashSet::new();
    let mut stack = roots.clone();
    while let Some(at) = stack.pop() {
        if reached.insert(at) {
            stack.extend(edges[at].iter().copied());
        }
    }
    for (at, def) in defs.iter().enumerate() {
        if !reached.contains(&at) && is_walked(def) {
            roots.push(at);
            let mut stack = vec![at];
            while let Some(next) = stack.pop() {
                if reached.insert(next) {
                    stack.extend(edges[next].iter().copied());
                }
            }
        }
    }
    let labels = root_labels(
        &roots
            .iter()
            .map(|&at| defs[at].dir.as_path())
            .collect::<Vec<_>>(),
    );
    let by_id: HashMap<DocId, &SourceFile> = read_files
        .iter()
        .map(|read| (read.file.id, &read.file))
        .collect();
    let results: Vec<(Root, Vec<Located>)> = roots
        .par_iter()
        .zip(labels.par_iter())
        .filter_map(|(&root, label)| {
            let def = defs.get(root)?;
            let document = by_dir.get(&def.dir)?.first()?.id;
            let mut values: Vec<&SourceFile> = tfvars
                .get(&def.dir)
                .map(|files| {
                    files
                        .iter()
                        .copied()
                        .filter(|file| {
                            file.path
                                .file_name()
                                .and_then(|name| name.to_str())
                                .is_some_and(vars::is_auto_loaded)
                        })
                        .collect()
                })
                .unwrap_or_default();
            // `terraform.tfvars` (or its JSON form) first, then `*.auto.tfvars` in name order.
            values.sort_by_key(|file| {
                let name = file.path.file_name().map(|name| name.to_owned());
                let first = name
                    .as_deref()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("terraform.tfvars"));
                (!first, name)
            });
            values.extend(var_files.iter().filter_map(|id| by_id.get(id).copied()));
            let (given, origins) =
                vars::given(def.variables.keys().cloned(), &values, options.environment);
            let mut located = Vec::new();
            let tree = modules::build(&defs, &dirs, root, given, &mut located);
            let synthesized = plan::synthesize(&tree, &origins);
            let mut builder = InventoryBuilder::default();
            let mut sink = Sink {
                builder: &mut builder,
                document,
                errors: Vec::new(),
                secret_pointers: Vec::new(),
                route: Some(&synthesized.routes),
                deferred: None,
            };
            super::ingest_in(&synthesized.plan, &mut sink, view, label.as_deref());
            let route = |pointer: &Pointer| {
                synthesized
                    .routes
                    .origin(pointer)
                    .map_or((document, Pointer::root()), |origin| {
                        (origin.document, origin.pointer)
                    })
            };
            let secrets = sink.secret_pointers.iter().map(route).collect();
            for (pointer, message) in &sink.errors {
                let (document, pointer) = route(pointer);
                located.push(Located {
                    document,
                    pointer,
                    message: message.clone(),
                });
            }
            // A configuration is compared with an empty prior state (`--new-only`): before
            // apply it declares nothing, not even the secrets written in it, so everything
            // it holds is new. Its secrets are still masked on both sides.
            if view == TerraformView::Prior {
                builder = InventoryBuilder::default();
            }
            Some((
                Root {
                    document,
                    builder,
                    secrets,
                },
                located,
            ))
        })
        .collect();
    let mut out = Vec::new();
    let mut located = Vec::new();
    for (root, problems) in results {
        out.push(root);
        located.extend(problems);
    }
    (out, located)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::lexical;

    #[test]
    fn lexical_paths_cancel_parents_they_can() {
        let cases = [
            ("./../../", "../.."),
            ("examples/basic/../../", "."),
            ("examples/basic/../../modules/x", "modules/x"),
            ("/a/b/../../../c", "/c"),
            ("../x/./y", "../x/y"),
        ];
        for (given, expected) in cases {
            assert_eq!(
                lexical(Path::new(given)),
                PathBuf::from(expected),
                "{given}"
            );
        }
    }
}
