//! Facts about the run that renderers may not gather themselves (they do no I/O): file
//! names relative to the repository root, modification times, the clock, CI link bases,
//! and what a live-mode `snapshot.json` says.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::report::compliance::Snapshot;
use crate::report::place::FileNames;
use crate::sources::Documents;

/// Names of the documents relative to `root`, with `/` separators. A document outside
/// `root` that the user named by a relative path (or that a module call named relative to
/// one: `source = "../../"`) is named relative to `root` with `..` steps (`../../main.tf`),
/// as it was given: the output must not show an absolute path the user never wrote. One
/// named by an absolute path keeps it (SARIF makes it a `file://` URI). `Err` when `root`
/// does not exist.
pub(super) fn names_relative_to(documents: &Documents, root: &Path) -> Result<FileNames, String> {
    let root = root
        .canonicalize()
        .map_err(|error| format!("--repo-root {}: {error}", root.display()))?;
    let mut names = HashMap::new();
    for (id, document) in documents.iter() {
        let Ok(path) = document.path.canonicalize() else {
            continue;
        };
        let name = match path.strip_prefix(&root) {
            Ok(relative) => slashes(relative),
            Err(_) if Path::new(&document.name).is_relative() => slashes(&upward(&root, &path)),
            Err(_) => slashes(&path),
        };
        names.insert(id, name);
    }
    Ok(FileNames::new(names))
}

/// `path` relative to `root` (both canonical), climbing out of `root` with `..` as far as
/// their common ancestor.
fn upward(root: &Path, path: &Path) -> PathBuf {
    let shared = root
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = PathBuf::new();
    for _ in root.components().skip(shared) {
        relative.push("..");
    }
    for component in path.components().skip(shared) {
        relative.push(component);
    }
    relative
}

fn slashes(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// RFC 3339, to the second, in UTC.
pub(super) fn timestamp(time: SystemTime) -> Option<String> {
    let timestamp = jiff::Timestamp::try_from(time).ok()?;
    Some(
        timestamp
            .round(jiff::Unit::Second)
            .unwrap_or(timestamp)
            .to_string(),
    )
}

/// The report's "generated" time: `SOURCE_DATE_EPOCH` when set (reproducible builds and
/// tests), else now.
pub(super) fn generated() -> Option<String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => {
            let seconds: i64 = epoch.trim().parse().ok()?;
            Some(jiff::Timestamp::from_second(seconds).ok()?.to_string())
        }
        Err(_) => timestamp(SystemTime::now()),
    }
}

/// Each document's modification time, by document name.
pub(super) fn modified(documents: &Documents) -> Vec<(String, String)> {
    documents
        .iter()
        .filter_map(|(_, document)| {
            let time = std::fs::metadata(&document.path).ok()?.modified().ok()?;
            Some((document.name.clone(), timestamp(time)?))
        })
        .collect()
}

/// Where Markdown links point: `--link-base`, else the commit being built on GitHub Actions
/// or GitLab CI.
pub(super) fn link_base(given: Option<&str>) -> Option<String> {
    if let Some(base) = given {
        return Some(base.to_owned());
    }
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    if let (Some(server), Some(repository), Some(sha)) = (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_SHA"),
    ) {
        return Some(format!("{server}/{repository}/blob/{sha}"));
    }
    if let (Some(project), Some(sha)) = (var("CI_PROJECT_URL"), var("CI_COMMIT_SHA")) {
        return Some(format!("{project}/-/blob/{sha}"));
    }
    None
}

/// The `snapshot.json` that live mode (`iamlint collect`) writes beside its export files:
/// found in a directory given as input, or given itself.
///
/// EXTENSION(live): `iamlint collect` defines this file; until its loader lands in
/// `sources`, it is read here defensively, as any JSON object, taking the first of the
/// member names below that is present. Anything else about it is ignored, and a file that
/// is not JSON is not a snapshot.
pub(super) fn snapshot(paths: &[PathBuf]) -> Option<Snapshot> {
    const TIME: [&str; 6] = [
        "collected_at",
        "created_at",
        "time",
        "timestamp",
        "taken_at",
        "generated_at",
    ];
    const ACCOUNT: [&str; 2] = ["account_id", "account"];
    let candidates = paths.iter().map(|path| {
        if path.is_dir() {
            path.join("snapshot.json")
        } else {
            path.clone()
        }
    });
    for path in candidates {
        if path.file_name().and_then(|name| name.to_str()) != Some("snapshot.json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(serde_json::Value::Object(object)) = serde_json::from_str(&text) else {
            continue;
        };
        let first = |names: &[&str]| {
            names.iter().find_map(|name| match object.get(*name) {
                Some(serde_json::Value::String(text)) if !text.is_empty() => Some(text.clone()),
                _ => None,
            })
        };
        return Some(Snapshot {
            file: path.display().to_string(),
            taken: first(&TIME),
            account: first(&ACCOUNT),
        });
    }
    None
}
