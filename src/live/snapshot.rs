//! The snapshot directory: `snapshot.json` (what was collected, from where, when, and what
//! is missing) and the atomic writing of every file.
//!
//! Each file is written to a temporary name and renamed into place, and `snapshot.json` is
//! written last: a directory without it is an interrupted collect, never a snapshot that
//! looks complete. `snapshot.json` of an earlier collect is removed first, before any file
//! of the new one is written.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The format is the reader's (`sources` loads `snapshot.json`), so it is defined there.
pub use crate::sources::exports::snapshot::{FORMAT_VERSION, MARKER};
/// The name of the file written last.
pub const SNAPSHOT_FILE: &str = "snapshot.json";
/// Prefix of the temporary files (renamed into place once complete).
const TEMPORARY_PREFIX: &str = ".iamlint-";

/// `snapshot.json`. Later versions add fields and never rename them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotDocument {
    pub iamlint_snapshot: u32,
    pub tool: Tool,
    pub account_id: String,
    /// RFC 3339, UTC.
    pub collected_at: String,
    /// Whether every collection is complete or (for lack of roles) forbidden.
    pub complete: bool,
    /// HTTP requests sent, retries included.
    #[serde(default)]
    pub requests: usize,
    pub endpoints: SnapshotEndpoints,
    pub collections: Vec<SnapshotCollection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotEndpoints {
    pub iam: String,
    pub resource_controller: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_management: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_management: Option<String>,
    /// With `{region}` in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atracker: Option<String>,
}

/// One collection: its status, item count, files and, unless complete, why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotCollection {
    pub name: String,
    /// `complete`, `partial`, `forbidden`, `failed` or `skipped`.
    pub status: String,
    pub count: usize,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Makes `dir` ready for a new snapshot: created when missing; an earlier snapshot in it is
/// removed (its `snapshot.json` first). A directory that holds other files is refused, so a
/// collect never mixes its files with an unrelated export or deletes one.
pub(crate) fn prepare(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    std::fs::create_dir_all(dir)
        .map_err(|error| format!("cannot create the output directory {shown}: {error}"))?;
    let previous = dir.join(SNAPSHOT_FILE);
    let listed: Vec<String> = match std::fs::read_to_string(&previous) {
        Ok(text) => {
            let Ok(document) = serde_json::from_str::<SnapshotDocument>(&text) else {
                return Err(format!(
                    "{} is not an iamlint snapshot: choose an empty or new output directory",
                    previous.display()
                ));
            };
            std::fs::remove_file(&previous)
                .map_err(|error| format!("cannot remove {}: {error}", previous.display()))?;
            document
                .collections
                .into_iter()
                .flat_map(|collection| collection.files)
                .collect()
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => return Err(format!("cannot read {}: {error}", previous.display())),
    };
    for name in listed.iter().filter(|name| is_plain_name(name)) {
        let path = dir.join(name);
        if path.is_file() {
            std::fs::remove_file(&path)
                .map_err(|error| format!("cannot remove {}: {error}", path.display()))?;
        }
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read the output directory {shown}: {error}"))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Left over by an interrupted collect: never complete, safe to drop.
        if name.starts_with(TEMPORARY_PREFIX) {
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        return Err(format!(
            "the output directory {shown} is not empty and holds no iamlint snapshot (found \
             {name}): choose an empty or new directory"
        ));
    }
    Ok(())
}

/// A bare file name: no separator, no parent reference.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && name.ends_with(".json")
}

/// Writes `document` as pretty JSON to `dir/name` atomically: a temporary file, flushed to
/// disk, then renamed over the final name.
pub(crate) fn write_atomic(dir: &Path, name: &str, document: &Value) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(document)
        .map_err(|error| format!("cannot serialise {name}: {error}"))?;
    text.push('\n');
    write_text(dir, name, &text)
}

pub(crate) fn write_text(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    let target = dir.join(name);
    let temporary = dir.join(format!(
        "{TEMPORARY_PREFIX}{name}.{}.tmp",
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)
    })();
    result.map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {error}", target.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_refuses_foreign_files_and_replaces_an_old_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path()).unwrap();
        write_text(dir.path(), "policies_v1.json", "{}").unwrap();
        let old = SnapshotDocument {
            iamlint_snapshot: FORMAT_VERSION,
            tool: Tool {
                name: "iamlint".into(),
                version: "0".into(),
            },
            account_id: "a".into(),
            collected_at: "2026-01-01T00:00:00Z".into(),
            complete: true,
            requests: 1,
            endpoints: SnapshotEndpoints {
                iam: "https://iam".into(),
                resource_controller: "https://rc".into(),
                user_management: None,
                account_management: None,
                atracker: None,
            },
            collections: vec![SnapshotCollection {
                name: "policies_v1".into(),
                status: "complete".into(),
                count: 0,
                files: vec!["policies_v1.json".into(), "../outside.json".into()],
                reason: None,
            }],
        };
        write_atomic(
            dir.path(),
            SNAPSHOT_FILE,
            &serde_json::to_value(&old).unwrap(),
        )
        .unwrap();
        prepare(dir.path()).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_text(dir.path(), "notes.txt", "mine").unwrap();
        let refused = prepare(dir.path()).unwrap_err();
        assert!(refused.contains("not empty"), "{refused}");
        assert!(dir.path().join("notes.txt").exists());
    }
}
