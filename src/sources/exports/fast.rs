//! The fast path for JSON exports: list items are cut out of the text as raw slices and
//! each is deserialized straight into its DTO, skipping the members no rule reads. No
//! `Value` tree of the document is built, and the items of a long list are loaded on every
//! core, in chunks merged back in list order.
//!
//! The path gives the same entities, errors and pointers as [`super::ingest`] over the
//! parsed `Value`: an item whose DTO does not deserialize is parsed into a `Value` and
//! handed to the `Value` path, which names the exact member that is wrong. Documents this
//! path does not read (Terraform, single objects, snapshots, limits) return `None` and are
//! parsed whole by the caller, as are documents the duplicate-member check rejects.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::shape::{self, CLASSIFYING_MEMBERS, ItemKind, ListKind, Shape};
use super::{Recognition, Sink, access_groups, identity, limits, policy, resource_controller};
use crate::model::{InventoryBuilder, Pointer};
use crate::sources::parse::{MaybeText, Member, Text, Top};

/// Lists longer than this are loaded in parallel chunks of this many items.
const CHUNK: usize = 1024;

/// The byte ranges of the items of each list read, by list pointer.
pub type ItemRanges = Vec<(Pointer, Vec<Range<usize>>)>;

/// Loads a JSON document from its text, or `None` when the caller must parse it whole.
/// Also says where the items of the lists it read are in the text.
pub fn ingest_text(text: &str, sink: &mut Sink<'_>) -> Option<(Recognition, ItemRanges)> {
    match serde_json::from_str::<Top<'_>>(text).ok()? {
        Top::Array(items) => {
            // An array of routes or targets goes through the `Value` path (`posture`).
            let first = items
                .first()
                .and_then(|raw| serde_json::from_str::<Value>(raw.get()).ok());
            if first.is_some_and(|first| super::posture::array_kind(&[first]).is_some()) {
                return None;
            }
            if let Some(kind) = shape::skipped_items(items.iter().map(|raw| probe(raw.get()))) {
                // A kind with a loader of its own is read by the `Value` path.
                kind.skip_reason()?;
                return Some((Recognition::Skipped(kind), Vec::new()));
            }
            let root = Pointer::root();
            ingest_items(&items, &root, sink, probe);
            let ranges = vec![(root, ranges_in(text, &items))];
            Some((Recognition::Recognised, ranges))
        }
        Top::Object(members) => ingest_object(text, members, sink),
        Top::Other => None,
    }
}

/// Where each item is in `text`, which it was cut out of.
fn ranges_in(text: &str, items: &[&RawValue]) -> Vec<Range<usize>> {
    let base = text.as_ptr() as usize;
    items
        .iter()
        .map(|item| {
            let start = (item.get().as_ptr() as usize)
                .wrapping_sub(base)
                .min(text.len());
            start..(start + item.get().len()).min(text.len())
        })
        .collect()
}

fn ingest_object(
    text: &str,
    members: Vec<(Cow<'_, str>, Member<'_>)>,
    sink: &mut Sink<'_>,
) -> Option<(Recognition, ItemRanges)> {
    // The skeleton: every other member parsed, each list reduced to its first item, which
    // is all that shape detection looks at.
    let mut skeleton = Map::new();
    let mut lists: Vec<(String, Vec<&RawValue>)> = Vec::new();
    for (name, member) in members {
        match member {
            Member::List(items) => {
                let first = match items.first() {
                    Some(first) => vec![serde_json::from_str::<Value>(first.get()).ok()?],
                    None => Vec::new(),
                };
                skeleton.insert(name.to_string(), Value::Array(first));
                lists.push((name.into_owned(), items));
            }
            Member::Value(value) => {
                skeleton.insert(name.into_owned(), value);
            }
        }
    }
    let skeleton = Value::Object(skeleton);
    if crate::sources::family::is_terraform_json(&skeleton) {
        return None;
    }
    // A bundle with profiles or custom roles beside its lists: read by the `Value` path.
    if super::BUNDLED
        .iter()
        .any(|member| skeleton.get(*member).is_some_and(Value::is_array))
    {
        return None;
    }
    let kinds = match shape::detect(&skeleton) {
        Shape::Lists(kinds) => kinds,
        // Detection reads no item past the first one of a list: the skeleton is enough.
        Shape::Skipped(kind) if kind.skip_reason().is_some() => {
            return Some((Recognition::Skipped(kind), Vec::new()));
        }
        _ => return None,
    };
    let kinds: Vec<ListKind> = kinds.into_iter().map(|(kind, _)| kind).collect();
    // As `super::skipped_lists`: one list of Resource Controller items of skipped kinds.
    if let [ListKind::Resources] = kinds.as_slice()
        && let Some((_, items)) = lists.iter().find(|(name, _)| name == "resources")
        && let Some(kind) = shape::skipped_items(
            items
                .iter()
                .map(|raw| Some(shape::resource_item(probe(raw.get())))),
        )
    {
        return Some((Recognition::Skipped(kind), Vec::new()));
    }
    if skeleton.as_object().is_some_and(limits::detect) {
        limits::ingest(&skeleton, sink);
    }
    let root = Pointer::root();
    let mut ranges = Vec::new();
    for kind in kinds {
        let Some((_, items)) = lists.iter().find(|(name, _)| *name == kind.member()) else {
            continue;
        };
        let pointer = root.key(kind.member());
        ranges.push((pointer.clone(), ranges_in(text, items)));
        match kind {
            ListKind::Resources => ingest_items(items, &pointer, sink, |raw| {
                Some(shape::resource_item(probe(raw)))
            }),
            ListKind::ServiceIds => {
                sink.builder.collections().service_ids = true;
                ingest_items(items, &pointer, sink, |_| Some(ItemKind::ServiceId));
            }
            ListKind::ApiKeys => {
                sink.builder.collections().api_keys = true;
                ingest_items(items, &pointer, sink, |_| Some(ItemKind::ApiKey));
            }
            ListKind::Policies => {
                sink.builder.collections().policies = true;
                ingest_items(items, &pointer, sink, |raw| {
                    Some(match probe(raw) {
                        Some(ItemKind::PolicyV2) => ItemKind::PolicyV2,
                        _ => ItemKind::PolicyV1,
                    })
                });
            }
            ListKind::AccessGroups => {
                sink.builder.collections().access_groups = true;
                ingest_items(items, &pointer, sink, |_| Some(ItemKind::AccessGroup));
            }
            ListKind::AccessGroupMembers => {
                // Member lists are short and read as a whole with their links.
                sink.builder.collections().access_group_members = true;
                let values: Vec<Value> = items
                    .iter()
                    .map(|raw| serde_json::from_str(raw.get()))
                    .collect::<Result<_, _>>()
                    .ok()?;
                if let Some(document) = skeleton.as_object() {
                    access_groups::members(document, &values, &pointer, sink);
                }
            }
        }
    }
    Some((Recognition::Recognised, ranges))
}

/// Loads the items of one list (or CLI array) at `pointer`; `kind_of` says what each item
/// is, or `None` for an item of no known kind (a CLI array may mix kinds).
fn ingest_items(
    items: &[&RawValue],
    pointer: &Pointer,
    sink: &mut Sink<'_>,
    kind_of: impl Fn(&str) -> Option<ItemKind> + Sync,
) {
    if items.len() <= CHUNK {
        for (at, raw) in items.iter().enumerate() {
            ingest_raw(raw.get(), &pointer.index(at), sink, &kind_of);
        }
        return;
    }
    let document = sink.document;
    let chunks: Vec<(InventoryBuilder, Vec<(Pointer, String)>)> = items
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(chunk, raws)| {
            let mut builder = InventoryBuilder::default();
            let mut part = Sink {
                builder: &mut builder,
                document,
                errors: Vec::new(),
                secret_pointers: Vec::new(),
                route: None,
            };
            for (at, raw) in raws.iter().enumerate() {
                let pointer = pointer.index(chunk * CHUNK + at);
                ingest_raw(raw.get(), &pointer, &mut part, &kind_of);
            }
            let errors = part.errors;
            (builder, errors)
        })
        .collect();
    for (builder, errors) in chunks {
        sink.builder.absorb(builder);
        sink.errors.extend(errors);
    }
}

fn ingest_raw(
    raw: &str,
    pointer: &Pointer,
    sink: &mut Sink<'_>,
    kind_of: &impl Fn(&str) -> Option<ItemKind>,
) {
    let Some(kind) = kind_of(raw) else {
        sink.errors
            .push((pointer.clone(), super::UNKNOWN_ITEM.to_owned()));
        return;
    };
    super::mark_collection(kind, sink);
    let loaded = match kind {
        ItemKind::Instance => {
            dto(raw).map(|dto| resource_controller::instance_from(dto, pointer, sink))
        }
        ItemKind::Key => dto(raw).map(|dto| resource_controller::key_from(dto, pointer, sink)),
        ItemKind::ServiceId => dto(raw).map(|dto| identity::service_id_from(dto, pointer, sink)),
        ItemKind::ApiKey => dto(raw).map(|dto| identity::api_key_from(dto, pointer, sink)),
        ItemKind::PolicyV1 => dto(raw).map(|dto| policy::v1_from(dto, pointer, sink)),
        ItemKind::PolicyV2 => dto(raw).map(|dto| policy::v2_from(dto, pointer, sink)),
        ItemKind::AccessGroup => dto(raw).map(|dto| access_groups::group_from(dto, pointer, sink)),
        // An item of a skipped kind in a list or array of loaded ones: set aside.
        _ => Some(Ok(())),
    };
    match loaded {
        Some(Ok(())) => {}
        Some(Err(problem)) => sink.errors.push(problem),
        // The item does not fit its DTO: the `Value` path names the member and the reason.
        None => match serde_json::from_str::<Value>(raw) {
            Ok(value) => super::ingest_item(kind, &value, pointer, sink),
            Err(error) => sink.errors.push((
                pointer.clone(),
                format!(
                    "unexpected value: {}",
                    crate::sources::error::sanitize_serde_message(&error.to_string())
                ),
            )),
        },
    }
}

fn dto<T: DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_str(raw).ok()
}

/// The kind of one raw item, from the members [`shape::classify`] looks at; `None` for an
/// object of no known kind, or not an object.
fn probe(raw: &str) -> Option<ItemKind> {
    let probe: Probe<'_> = serde_json::from_str(raw).ok()?;
    shape::classify_by(
        |name| {
            CLASSIFYING_MEMBERS
                .iter()
                .position(|member| *member == name)
                .is_some_and(|at| probe.present & (1 << at) != 0)
        },
        |name| match name {
            "id" => probe.id.as_deref(),
            "crn" => probe.crn.as_deref(),
            "type" => probe.kind.as_deref(),
            "iam_id" => probe.iam_id.as_deref(),
            _ => None,
        },
    )
}

/// What classification needs of an object: which of [`CLASSIFYING_MEMBERS`] it has (a bit
/// each), and the string values of `id`, `crn`, `type` and `iam_id`.
#[derive(Default)]
struct Probe<'a> {
    present: u64,
    id: Option<Cow<'a, str>>,
    crn: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    iam_id: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for Probe<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ProbeVisitor)
    }
}

struct ProbeVisitor;

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Probe<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Probe<'de>, A::Error> {
        let mut probe = Probe::default();
        while let Some(Text(name)) = members.next_key()? {
            let Some(at) = CLASSIFYING_MEMBERS
                .iter()
                .position(|member| *member == name)
            else {
                members.next_value::<IgnoredAny>()?;
                continue;
            };
            probe.present |= 1 << at;
            let value = members.next_value::<MaybeText<'de>>()?.0;
            match name.as_ref() {
                "id" => probe.id = value,
                "crn" => probe.crn = value,
                "type" => probe.kind = value,
                "iam_id" => probe.iam_id = value,
                _ => {}
            }
        }
        Ok(probe)
    }
}
