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
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::catalogue::DocumentKind;
use super::shape::{self, CLASSIFYING_MEMBERS, ItemKind, ListKind, Shape};
use super::{
    Recognition, Sink, access_groups, checked, identity, limits, policy, resource_controller,
};
use crate::model::{InventoryBuilder, Pointer};
use crate::sources::parse::{MaybeText, Member, Text, Top};
use crate::sources::unique::{self, UniqueValue};

/// Lists longer than this are loaded in parallel chunks of this many items.
const CHUNK: usize = 1024;

/// The byte ranges of the items of each list read, by list pointer.
pub type ItemRanges = Vec<(Pointer, Vec<Range<usize>>)>;

/// Loads a JSON document from its text, or `None` when the caller must parse it whole.
/// Also says where the items of the lists it read are in the text, and hands those places
/// to `place` (whose result comes back beside them): `place` runs beside the items' loading
/// when there are many, since it is a serial pass over the whole text (the item table of a
/// 40 MB export left every other core idle at the end of its load).
pub fn ingest_text<T: Send>(
    text: &str,
    sink: &mut Sink<'_>,
    place: impl FnOnce(&ItemRanges) -> T + Send,
) -> Option<(Recognition, ItemRanges, T)> {
    match serde_json::from_str::<Top<'_>>(text).ok()? {
        Top::Array(items) => {
            // An array of routes or targets goes through the `Value` path (`posture`).
            let first = items
                .first()
                .and_then(|raw| serde_json::from_str::<UniqueValue>(raw.get()).ok());
            if first.is_some_and(|first| super::posture::array_kind(&[first.0]).is_some()) {
                return None;
            }
            if let Some(kind) = shape::skipped_items(items.iter().map(|raw| probe(raw.get()))) {
                // A kind with a loader of its own is read by the `Value` path.
                kind.skip_reason()?;
                return skipped(text, kind, place);
            }
            let root = Pointer::root();
            let ranges = vec![(root.clone(), ranges_in(text, &items))];
            let (placed, loaded) = beside(
                items.len(),
                || place(&ranges),
                || ingest_items(&items, &root, sink, Kinds::Any).ok(),
            );
            loaded?;
            Some((Recognition::Recognised, ranges, placed))
        }
        Top::Object(members) => ingest_object(text, members, sink, place),
        Top::Other => None,
    }
}

/// Runs `place` and `load`, side by side when there are more `items` than one core loads
/// in a chunk (a pair of tasks costs more than a short list's places).
fn beside<A: Send, B: Send>(
    items: usize,
    place: impl FnOnce() -> A + Send,
    load: impl FnOnce() -> B + Send,
) -> (A, B) {
    if items > CHUNK {
        rayon::join(place, load)
    } else {
        (place(), load())
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

fn ingest_object<T: Send>(
    text: &str,
    members: Vec<(Cow<'_, str>, Member<'_>)>,
    sink: &mut Sink<'_>,
    place: impl FnOnce(&ItemRanges) -> T + Send,
) -> Option<(Recognition, ItemRanges, T)> {
    // The skeleton: every other member parsed, each list reduced to its first item, which
    // is all that shape detection looks at.
    let mut skeleton = Map::new();
    let mut lists: Vec<(String, Vec<&RawValue>)> = Vec::new();
    for (name, member) in members {
        match member {
            Member::List(items) => {
                let first = match items.first() {
                    Some(first) => vec![serde_json::from_str::<UniqueValue>(first.get()).ok()?.0],
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
        Shape::Skipped(kind) if kind.skip_reason().is_some() => return skipped(text, kind, place),
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
        return skipped(text, kind, place);
    }
    if skeleton.as_object().is_some_and(limits::detect) {
        limits::ingest(&skeleton, sink);
    }
    let root = Pointer::root();
    // The lists read, in the order of `kinds`.
    let read: Vec<(ListKind, Pointer, &[&RawValue])> = kinds
        .iter()
        .filter_map(|&kind| {
            let (_, items) = lists.iter().find(|(name, _)| *name == kind.member())?;
            Some((kind, root.key(kind.member()), items.as_slice()))
        })
        .collect();
    let ranges: ItemRanges = read
        .iter()
        .map(|(_, pointer, items)| (pointer.clone(), ranges_in(text, items)))
        .collect();
    let count = read.iter().map(|(_, _, items)| items.len()).sum();
    let (placed, loaded) = beside(
        count,
        || place(&ranges),
        || load_lists(&read, &lists, &kinds, &skeleton, sink),
    );
    loaded?;
    Some((Recognition::Recognised, ranges, placed))
}

/// Loads the lists `read` of a document whose other members are `skeleton`, then checks
/// the `lists` no loader reads for duplicate members. `None` when the caller must parse
/// the document whole.
fn load_lists(
    read: &[(ListKind, Pointer, &[&RawValue])],
    lists: &[(String, Vec<&RawValue>)],
    kinds: &[ListKind],
    skeleton: &Value,
    sink: &mut Sink<'_>,
) -> Option<()> {
    for (kind, pointer, items) in read {
        let kind = *kind;
        let loaded = match kind {
            ListKind::Resources => ingest_items(items, pointer, sink, Kinds::Resources),
            ListKind::ServiceIds => {
                sink.builder.collections().service_ids = true;
                ingest_items(items, pointer, sink, Kinds::Fixed(ItemKind::ServiceId))
            }
            ListKind::ApiKeys => {
                sink.builder.collections().api_keys = true;
                ingest_items(items, pointer, sink, Kinds::Fixed(ItemKind::ApiKey))
            }
            ListKind::Policies => {
                sink.builder.collections().policies = true;
                ingest_items(items, pointer, sink, Kinds::Policies)
            }
            ListKind::AccessGroups => {
                sink.builder.collections().access_groups = true;
                ingest_items(items, pointer, sink, Kinds::Fixed(ItemKind::AccessGroup))
            }
            ListKind::AccessGroupMembers => {
                // Member lists are short and read as a whole with their links.
                sink.builder.collections().access_group_members = true;
                let values: Vec<Value> = items
                    .iter()
                    .map(|raw| serde_json::from_str::<UniqueValue>(raw.get()).map(|value| value.0))
                    .collect::<Result<_, _>>()
                    .ok()?;
                if let Some(document) = skeleton.as_object() {
                    access_groups::members(document, &values, pointer, sink);
                }
                Ok(())
            }
        };
        loaded.ok()?;
    }
    // Lists no loader reads are still checked for duplicate members (the `Value` path
    // rejects a document with one anywhere).
    let read = |name: &str| kinds.iter().any(|kind| kind.member() == name);
    for (_, items) in lists.iter().filter(|(name, _)| !read(name)) {
        if items
            .iter()
            .any(|raw| unique::check_json(raw.get()).is_err())
        {
            return None;
        }
    }
    Some(())
}

/// A document of a kind iamlint recognises and skips, once checked for duplicate members.
fn skipped<T>(
    text: &str,
    kind: DocumentKind,
    place: impl FnOnce(&ItemRanges) -> T,
) -> Option<(Recognition, ItemRanges, T)> {
    unique::check_json(text).ok()?;
    let ranges = Vec::new();
    let placed = place(&ranges);
    Some((Recognition::Skipped(kind), ranges, placed))
}

/// How the kind of each item of a list is told.
#[derive(Clone, Copy)]
enum Kinds {
    /// Every item is of this kind (a list of service IDs, say).
    Fixed(ItemKind),
    /// A Resource Controller `resources` list: instances, keys, or skipped kinds.
    Resources,
    /// A policy list: v1 or v2 policies.
    Policies,
    /// A CLI array, which may mix kinds; an item of none is an error.
    Any,
}

impl Kinds {
    /// The kind of an item that [`shape::classify_by`] says is `classified`.
    fn of(self, classified: Option<ItemKind>) -> Option<ItemKind> {
        match self {
            Kinds::Fixed(kind) => Some(kind),
            Kinds::Resources => Some(shape::resource_item(classified)),
            Kinds::Policies => Some(match classified {
                Some(ItemKind::PolicyV2) => ItemKind::PolicyV2,
                _ => ItemKind::PolicyV1,
            }),
            Kinds::Any => classified,
        }
    }
}

/// Some object of the document names a member twice: the `Value` path reads it and says
/// where.
struct Duplicate;

/// Loads the items of one list (or CLI array) at `pointer`.
fn ingest_items(
    items: &[&RawValue],
    pointer: &Pointer,
    sink: &mut Sink<'_>,
    kinds: Kinds,
) -> Result<(), Duplicate> {
    if items.len() <= CHUNK {
        let mut guess = None;
        for (at, raw) in items.iter().enumerate() {
            ingest_raw(raw.get(), &pointer.index(at), sink, kinds, &mut guess)?;
        }
        return Ok(());
    }
    let document = sink.document;
    type Chunk = Result<(InventoryBuilder, Vec<(Pointer, String)>), Duplicate>;
    let chunks: Vec<Chunk> = items
        .par_chunks(CHUNK)
        // One chunk per task, so that both cores share the last chunks.
        .with_max_len(1)
        .enumerate()
        .map(|(chunk, raws)| {
            let mut builder = InventoryBuilder::default();
            let mut part = Sink {
                builder: &mut builder,
                document,
                errors: Vec::new(),
                secret_pointers: Vec::new(),
                route: None,
                deferred: None,
            };
            let mut guess = None;
            for (at, raw) in raws.iter().enumerate() {
                let pointer = pointer.index(chunk * CHUNK + at);
                ingest_raw(raw.get(), &pointer, &mut part, kinds, &mut guess)?;
            }
            let errors = part.errors;
            Ok((builder, errors))
        })
        .collect();
    let chunks: Vec<(InventoryBuilder, Vec<(Pointer, String)>)> =
        chunks.into_iter().collect::<Result<_, _>>()?;
    if let Some(deferred) = &mut sink.deferred {
        // What the file's builder holds so far comes before the chunks.
        deferred.push(std::mem::take(sink.builder));
        for (builder, errors) in chunks {
            deferred.push(builder);
            sink.errors.extend(errors);
        }
        return Ok(());
    }
    sink.builder
        .reserve_for(chunks.iter().map(|(builder, _)| builder));
    for (builder, errors) in chunks {
        sink.builder.absorb(builder);
        sink.errors.extend(errors);
    }
    Ok(())
}

/// An item deserialized into the DTO of its kind.
enum Dto {
    Instance(resource_controller::InstanceDto),
    Key(resource_controller::KeyDto),
    ServiceId(identity::ServiceIdDto),
    ApiKey(identity::ApiKeyDto),
    PolicyV1(policy::V1Dto),
    PolicyV2(policy::V2Dto),
    AccessGroup(access_groups::GroupDto),
}

/// Deserializes `raw` as an item of `kind` (`None`: a kind without a DTO, or the item does
/// not fit), checking it for duplicate members and, with `classify`, recording its
/// classifying members.
fn decode<'de>(
    kind: ItemKind,
    raw: &'de str,
    record: &mut checked::Record<'de>,
    classify: bool,
) -> Option<Dto> {
    match kind {
        ItemKind::Instance => checked::decode(raw, record, classify).map(Dto::Instance),
        ItemKind::Key => checked::decode(raw, record, classify).map(Dto::Key),
        ItemKind::ServiceId => checked::decode(raw, record, classify).map(Dto::ServiceId),
        ItemKind::ApiKey => checked::decode(raw, record, classify).map(Dto::ApiKey),
        ItemKind::PolicyV1 => checked::decode(raw, record, classify).map(Dto::PolicyV1),
        ItemKind::PolicyV2 => checked::decode(raw, record, classify).map(Dto::PolicyV2),
        ItemKind::AccessGroup => checked::decode(raw, record, classify).map(Dto::AccessGroup),
        _ => None,
    }
}

impl Dto {
    fn kind(&self) -> ItemKind {
        match self {
            Dto::Instance(_) => ItemKind::Instance,
            Dto::Key(_) => ItemKind::Key,
            Dto::ServiceId(_) => ItemKind::ServiceId,
            Dto::ApiKey(_) => ItemKind::ApiKey,
            Dto::PolicyV1(_) => ItemKind::PolicyV1,
            Dto::PolicyV2(_) => ItemKind::PolicyV2,
            Dto::AccessGroup(_) => ItemKind::AccessGroup,
        }
    }

    fn load(self, pointer: &Pointer, sink: &mut Sink<'_>) -> super::ItemResult {
        match self {
            Dto::Instance(dto) => resource_controller::instance_from(dto, pointer, sink),
            Dto::Key(dto) => resource_controller::key_from(dto, pointer, sink),
            Dto::ServiceId(dto) => identity::service_id_from(dto, pointer, sink),
            Dto::ApiKey(dto) => identity::api_key_from(dto, pointer, sink),
            Dto::PolicyV1(dto) => policy::v1_from(dto, pointer, sink),
            Dto::PolicyV2(dto) => policy::v2_from(dto, pointer, sink),
            Dto::AccessGroup(dto) => access_groups::group_from(dto, pointer, sink),
        }
    }
}

/// Whether items of `kind` are loaded by a DTO (the others are set aside).
fn has_dto(kind: ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Instance
            | ItemKind::Key
            | ItemKind::ServiceId
            | ItemKind::ApiKey
            | ItemKind::PolicyV1
            | ItemKind::PolicyV2
            | ItemKind::AccessGroup
    )
}

/// Loads one item. Its text is read once in the usual case: deserialized into the DTO of
/// the kind its list (or the item before it) says, which also checks it for duplicate
/// members and records what classifies it; only an item of another kind than that guess is
/// read again.
fn ingest_raw(
    raw: &str,
    pointer: &Pointer,
    sink: &mut Sink<'_>,
    kinds: Kinds,
    guess: &mut Option<ItemKind>,
) -> Result<(), Duplicate> {
    let classify = !matches!(kinds, Kinds::Fixed(_));
    let guessed = match kinds {
        Kinds::Fixed(kind) => Some(kind),
        _ => *guess,
    };
    let mut record = checked::Record::default();
    let first = guessed.and_then(|kind| decode(kind, raw, &mut record, classify));
    if record.duplicate {
        return Err(Duplicate);
    }
    // A decoded item was read whole: its record is complete. Otherwise the probe reads
    // what classifies it.
    let walked = first.is_some();
    let kind = match kinds {
        Kinds::Fixed(kind) => Some(kind),
        _ if walked => kinds.of(shape::classify_by(
            |name| record.has(name),
            |name| record.text(name),
        )),
        _ => kinds.of(probe(raw)),
    };
    let unchecked = |raw: &str| match unique::check_json(raw) {
        Ok(()) => Ok(()),
        Err(_) => Err(Duplicate),
    };
    let Some(kind) = kind else {
        if !walked {
            unchecked(raw)?;
        }
        sink.errors
            .push((pointer.clone(), super::UNKNOWN_ITEM.to_owned()));
        return Ok(());
    };
    super::mark_collection(kind, sink);
    if !has_dto(kind) {
        // A kind without a DTO (a trusted profile in a CLI array, a binding among keys: few)
        // is the `Value` loader's, which loads it or sets it aside. The item passed the
        // cut, so only a duplicate member fails the parse.
        let Ok(UniqueValue(value)) = serde_json::from_str::<UniqueValue>(raw) else {
            return Err(Duplicate);
        };
        super::ingest_item(kind, &value, pointer, sink);
        return Ok(());
    }
    *guess = Some(kind);
    let dto = match first {
        Some(dto) if dto.kind() == kind => Some(dto),
        _ => {
            let mut again = checked::Record::default();
            let dto = decode(kind, raw, &mut again, false);
            if again.duplicate {
                return Err(Duplicate);
            }
            dto
        }
    };
    match dto {
        Some(dto) => {
            if let Err(problem) = dto.load(pointer, sink) {
                sink.errors.push(problem);
            }
        }
        // The item does not fit its DTO: the `Value` path names the member and the reason.
        None => match serde_json::from_str::<UniqueValue>(raw) {
            Ok(UniqueValue(value)) => super::ingest_item(kind, &value, pointer, sink),
            Err(_) if unchecked(raw).is_err() => return Err(Duplicate),
            Err(error) => sink.errors.push((
                pointer.clone(),
                format!(
                    "unexpected value: {}",
                    crate::sources::error::sanitize_serde_message(&error.to_string())
                ),
            )),
        },
    }
    Ok(())
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
