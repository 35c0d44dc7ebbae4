//! `snapshot.json` of a live snapshot: recognised (not a skipped file), its metadata kept on
//! the inventory for reports, and every collection that failed or is partial reported as a
//! load problem, since the findings lack what it should have held.

use serde::Deserialize;
use serde_json::Value;

use super::{Sink, present, typed};
use crate::model::{CollectionStatus, Pointer, SnapshotCollection, SnapshotInfo};

/// The member that marks a `snapshot.json` (its value is the format version). Defined here,
/// by the reader, so that `sources` never imports `live`, which writes the file.
pub const MARKER: &str = "iamlint_snapshot";
/// The version of the `snapshot.json` format.
pub const FORMAT_VERSION: u32 = 1;

/// Only what the loader uses; the loader is lenient with the rest.
#[derive(Deserialize)]
struct SnapshotDto {
    iamlint_snapshot: u32,
    account_id: Option<String>,
    collected_at: Option<String>,
    tool: Option<ToolDto>,
    #[serde(default)]
    collections: Vec<CollectionDto>,
}

#[derive(Deserialize)]
struct ToolDto {
    version: Option<String>,
}

#[derive(Deserialize)]
struct CollectionDto {
    name: String,
    status: String,
    #[serde(default)]
    count: u64,
    reason: Option<String>,
}

pub(super) fn detect(object: &serde_json::Map<String, Value>) -> bool {
    object.contains_key(MARKER)
}

pub(super) fn ingest(value: &Value, sink: &mut Sink<'_>) {
    let root = Pointer::root();
    let dto: SnapshotDto = match typed(value, &root) {
        Ok(dto) => dto,
        Err(problem) => {
            sink.errors.push(problem);
            return;
        }
    };
    if dto.iamlint_snapshot > FORMAT_VERSION {
        sink.errors.push((
            root.key(MARKER),
            format!(
                "snapshot format {} is newer than this iamlint reads (up to {FORMAT_VERSION}): \
                 upgrade iamlint",
                dto.iamlint_snapshot
            ),
        ));
    }
    let mut collections = Vec::new();
    for (at, collection) in dto.collections.into_iter().enumerate() {
        let pointer = root.key("collections").index(at);
        let Some(status) = CollectionStatus::parse(&collection.status) else {
            sink.errors.push((
                pointer.key("status"),
                "expected a collection status: complete, partial, forbidden, failed or skipped"
                    .to_owned(),
            ));
            continue;
        };
        let reason = present(collection.reason);
        if status.is_incomplete() {
            sink.errors.push((
                pointer.key("status"),
                format!(
                    "the snapshot's `{}` collection is {}: {}; findings that need it are \
                     missing: collect again",
                    collection.name,
                    status.as_str(),
                    reason.as_deref().unwrap_or("no reason recorded")
                ),
            ));
        }
        collections.push(SnapshotCollection {
            name: collection.name,
            status,
            count: collection.count,
            reason,
            origin: sink.origin(&pointer),
        });
    }
    let origin = sink.origin(&root);
    sink.builder.add_snapshot(SnapshotInfo {
        account_id: present(dto.account_id),
        collected_at: present(dto.collected_at),
        tool_version: dto.tool.and_then(|tool| present(tool.version)),
        collections,
        origin,
    });
}
