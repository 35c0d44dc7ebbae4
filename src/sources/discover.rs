//! Input discovery: named files are read whatever their extension; directories are walked
//! for `.json`, `.yml` and `.yaml` files and Terraform's `.tf` and `.tfvars`, in sorted order
//! so runs are deterministic. A `.terraform/` directory (Terraform's downloaded modules and
//! providers) is never walked. The `.tf` files of one directory are one module: they are
//! listed one by one here and grouped by `terraform::hcl`.
//!
//! Every input passes `guard::check` before it is listed, so a named pipe, a device, a
//! dangling link or a gigabyte of whitespace becomes a load error instead of a hang or an
//! out-of-memory abort.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use walkdir::WalkDir;

use super::error::{LoadError, LoadErrorKind};
use super::guard;

/// One file to load.
#[derive(Debug, Clone)]
pub(super) struct Input {
    pub path: PathBuf,
    /// The path as the user gave it, or as the walk found it below a given directory.
    pub name: String,
    /// Named on the command line (an unrecognised shape is then an error, not a skip).
    pub explicit: bool,
}

/// Builds the `--exclude` matcher; a bad glob is a usage error.
pub(super) fn exclude_set(globs: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let glob = Glob::new(glob).map_err(|error| format!("invalid --exclude glob: {error}"))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|error| format!("invalid --exclude glob: {error}"))
}

fn is_excluded(exclude: &GlobSet, path: &Path, root: &Path) -> bool {
    if exclude.is_empty() {
        return false;
    }
    let relative = path.strip_prefix(root).unwrap_or(path);
    exclude.is_match(path)
        || exclude.is_match(relative)
        || path.file_name().is_some_and(|name| exclude.is_match(name))
}

fn has_input_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            matches!(
                extension.to_ascii_lowercase().as_str(),
                "json" | "yml" | "yaml" | "tf" | "tfvars"
            )
        })
}

/// Expands the given paths into inputs; problems (a missing path, a symlink loop, an
/// unreadable directory) become load errors and the walk goes on.
pub(super) fn discover(paths: &[PathBuf], exclude: &GlobSet) -> (Vec<Input>, Vec<LoadError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let name = root.display().to_string();
        let metadata = match std::fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(error) => {
                errors.push(guard::io_error(root, &name, &error));
                continue;
            }
        };
        if !metadata.is_dir() {
            match guard::check(root, &name) {
                Ok(()) => inputs.push(Input {
                    path: root.clone(),
                    name,
                    explicit: true,
                }),
                Err(error) => errors.push(*error),
            }
            continue;
        }
        let mut walked = Vec::new();
        let walk = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let terraform_dir = entry.file_type().is_dir() && entry.file_name() == ".terraform";
                entry.depth() == 0 || !(is_excluded(exclude, entry.path(), root) || terraform_dir)
            });
        for entry in walk {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    // Directories are walked; anything else with an input's extension (a
                    // file, or a pipe or device named like one) is checked and read.
                    if entry.file_type().is_dir() || !has_input_extension(path) {
                        continue;
                    }
                    walked.push(Walked::File(path.to_path_buf()));
                }
                Err(error) => {
                    let file = error
                        .path()
                        .map_or_else(|| name.clone(), |path| path.display().to_string());
                    if error.loop_ancestor().is_some() {
                        walked.push(Walked::Error(LoadError::new(
                            LoadErrorKind::Io,
                            file,
                            "cannot read path: symbolic link loop: the link points at one of its \
                             own parent directories; expected a link to a file or to a directory \
                             outside the walk",
                        )));
                    } else if let (Some(io), Some(path)) = (error.io_error(), error.path()) {
                        walked.push(Walked::Error(guard::io_error(path, &file, io)));
                    } else {
                        walked.push(Walked::Error(LoadError::new(
                            LoadErrorKind::Io,
                            file,
                            format!("cannot read path: {error}: expected a readable directory"),
                        )));
                    }
                }
            }
        }
        // Each file is checked before it is listed (a few syscalls and one small read
        // each; thousands of pages of an export): on every core, then listed in walk order.
        let checked: Vec<Result<Input, Box<LoadError>>> = walked
            .into_par_iter()
            .map(|walked| match walked {
                Walked::File(path) => {
                    let name = path.display().to_string();
                    match guard::check(&path, &name) {
                        Ok(()) => Ok(Input {
                            path,
                            name,
                            explicit: false,
                        }),
                        Err(error) => Err(error),
                    }
                }
                Walked::Error(error) => Err(Box::new(error)),
            })
            .collect();
        for result in checked {
            match result {
                Ok(input) => inputs.push(input),
                Err(error) => errors.push(*error),
            }
        }
    }
    (inputs, errors)
}

/// One entry of a directory walk, in walk order: a file to check, or why a path could not
/// be walked.
enum Walked {
    File(PathBuf),
    Error(LoadError),
}
