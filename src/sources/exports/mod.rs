//! Loaders for the API and CLI export shapes (Resource Controller, IAM Identity, IAM Policy
//! Management, IAM Access Groups), from JSON or YAML alike: both arrive here as a
//! `serde_json::Value`.

mod access_groups;
pub mod catalogue;
mod checked;
mod fast;
mod identity;
mod limits;
mod others;
mod people;
mod policy;
mod posture;
pub mod profiles;
mod resource_controller;
mod roles;
pub mod route;
pub mod shape;
pub mod snapshot;

pub use fast::{ItemRanges, ingest_text};
pub(crate) use resource_controller::credentials_of;

use serde::Deserialize;
use serde_json::Value;

use crate::model::{DocId, InventoryBuilder, Origin, Pointer};
use catalogue::DocumentKind;
use shape::{ItemKind, ListKind, Shape};

/// Receives the entities of one document, and the problems with its items.
pub struct Sink<'a> {
    pub builder: &'a mut InventoryBuilder,
    pub document: DocId,
    /// Item-level problems: where, and what was expected.
    pub errors: Vec<(Pointer, String)>,
    /// Values the loader found to be secrets beyond those the masking rules know by name
    /// (a Terraform variable marked sensitive, say): they are masked in snippets too.
    pub secret_pointers: Vec<Pointer>,
    /// For a plan iamlint built from `.tf` files: where each part of it was written, so
    /// that entities point into the configuration (`None` for every other input).
    pub route: Option<&'a route::Routes>,
    /// `Some`: a long list loaded in parallel chunks is not merged into `builder` here but
    /// kept as parts, in order, to be merged after the file's text is freed (a file's
    /// builder comes after its parts). Merging copies every entity into one list while the
    /// chunks still hold theirs: beside the text of a 25 MB policy export, that copy was
    /// the highest point of a run's memory. `None`: merged at once.
    pub deferred: Option<Vec<InventoryBuilder>>,
}

impl Sink<'_> {
    pub(crate) fn origin(&self, pointer: &Pointer) -> Origin {
        if let Some(origin) = self.route.and_then(|route| route.origin(pointer)) {
            return origin;
        }
        Origin::new(self.document, pointer.clone())
    }
}

/// Whether a document was one of the shapes iamlint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognition {
    Recognised,
    /// A kind of the catalogue that iamlint recognises and does not load.
    Skipped(DocumentKind),
    Unrecognised,
}

/// Adds every entity of `value` to the sink.
pub fn ingest(value: &Value, sink: &mut Sink<'_>) -> Recognition {
    let root = Pointer::root();
    match shape::detect(value) {
        Shape::Lists(lists) => {
            if let Some(kind) =
                skipped_lists(&lists, |item| item.as_object().and_then(shape::classify))
            {
                return Recognition::Skipped(kind);
            }
            // A bundle of one account may carry its identity limits next to its lists.
            if value.as_object().is_some_and(limits::detect) {
                limits::ingest(value, sink);
            }
            bundled_profiles_and_roles(value, sink);
            for (kind, items) in lists {
                let pointer = root.key(kind.member());
                match kind {
                    ListKind::Resources => ingest_list(items, &pointer, sink, |item| {
                        shape::resource_item(item.as_object().and_then(shape::classify))
                    }),
                    ListKind::ServiceIds => {
                        sink.builder.collections().service_ids = true;
                        ingest_list(items, &pointer, sink, |_| ItemKind::ServiceId);
                    }
                    ListKind::ApiKeys => {
                        sink.builder.collections().api_keys = true;
                        ingest_list(items, &pointer, sink, |_| ItemKind::ApiKey);
                    }
                    ListKind::Policies => {
                        sink.builder.collections().policies = true;
                        ingest_list(items, &pointer, sink, |item| {
                            match item.as_object().and_then(shape::classify) {
                                Some(ItemKind::PolicyV2) => ItemKind::PolicyV2,
                                _ => ItemKind::PolicyV1,
                            }
                        });
                    }
                    ListKind::AccessGroups => {
                        sink.builder.collections().access_groups = true;
                        ingest_list(items, &pointer, sink, |_| ItemKind::AccessGroup);
                    }
                    ListKind::AccessGroupMembers => {
                        sink.builder.collections().access_group_members = true;
                        if let Some(document) = value.as_object() {
                            access_groups::members(document, items, &pointer, sink);
                        }
                    }
                }
            }
        }
        Shape::CliArray(items) => {
            if let Some(kind) = posture::array_kind(items) {
                posture::ingest_array(kind, items, sink);
                return Recognition::Recognised;
            }
            let kinds = || {
                items
                    .iter()
                    .map(|item| item.as_object().and_then(shape::classify))
            };
            if let Some(kind) = shape::skipped_items(kinds()) {
                return loaded_kind(kind, value, sink);
            }
            for (at, item) in items.iter().enumerate() {
                let pointer = root.index(at);
                match item.as_object().and_then(shape::classify) {
                    Some(kind) => ingest_item(kind, item, &pointer, sink),
                    None => sink.errors.push((pointer, UNKNOWN_ITEM.to_owned())),
                }
            }
        }
        Shape::Single(kind) => ingest_item(kind, value, &root, sink),
        Shape::Snapshot => snapshot::ingest(value, sink),
        Shape::IdentityLimits => limits::ingest(value, sink),
        Shape::People(kind) => people::ingest(kind, value, sink),
        Shape::PeopleBundle => people::ingest_bundle(value, sink),
        Shape::Posture(kind) => posture::ingest(kind, value, sink),
        Shape::Skipped(kind) => return loaded_kind(kind, value, sink),
        Shape::Unrecognised => return Recognition::Unrecognised,
    }
    Recognition::Recognised
}

/// Members a bundle of one account's exports may carry beside its lists: trusted profiles
/// and custom roles (by their list names, with items of their kind).
pub(super) const BUNDLED: [&str; 2] = ["profiles", "custom_roles"];

fn bundled_profiles_and_roles(value: &Value, sink: &mut Sink<'_>) {
    let of_kind = |member: &str, kind: ItemKind| match value.get(member) {
        Some(Value::Array(items)) => items
            .first()
            .is_none_or(|first| first.as_object().and_then(shape::classify) == Some(kind)),
        _ => false,
    };
    if of_kind("profiles", ItemKind::TrustedProfile) {
        profiles::ingest(DocumentKind::TrustedProfiles, value, sink);
    }
    if of_kind("custom_roles", ItemKind::CustomRole) {
        roles::ingest(value, sink);
    }
}

/// A document of a kind the shape detector sets aside: loaded by its kind's loader when the
/// catalogue says the kind is loaded (profiles, custom roles), else skipped.
fn loaded_kind(kind: DocumentKind, value: &Value, sink: &mut Sink<'_>) -> Recognition {
    if kind.skip_reason().is_some() {
        return Recognition::Skipped(kind);
    }
    match kind {
        DocumentKind::Roles | DocumentKind::CustomRoles => roles::ingest(value, sink),
        _ => {
            if !profiles::ingest(kind, value, sink) {
                return Recognition::Skipped(kind);
            }
        }
    }
    Recognition::Recognised
}

/// A document of lists is skipped when it holds one list, of Resource Controller items all
/// of skipped kinds (`{"rows_count", "resources": [bindings]}`); `classify` reads one item.
fn skipped_lists<T>(
    lists: &[(ListKind, &[T])],
    classify: impl Fn(&T) -> Option<ItemKind>,
) -> Option<DocumentKind> {
    match lists {
        [(ListKind::Resources, items)] => shape::skipped_items(
            items
                .iter()
                .map(|item| Some(shape::resource_item(classify(item)))),
        ),
        _ => None,
    }
}

fn ingest_list(
    items: &[Value],
    pointer: &Pointer,
    sink: &mut Sink<'_>,
    kind_of: impl Fn(&Value) -> ItemKind,
) {
    for (at, item) in items.iter().enumerate() {
        ingest_item(kind_of(item), item, &pointer.index(at), sink);
    }
}

/// The error for an element of a CLI array that is no object iamlint reads.
const UNKNOWN_ITEM: &str = "expected a resource instance, resource key, service ID, API key, \
                            policy or access group object in this array";

/// Notes that the inputs hold a collection of `kind` (see `Collections`).
fn mark_collection(kind: ItemKind, sink: &mut Sink<'_>) {
    let collections = sink.builder.collections();
    match kind {
        ItemKind::Instance => collections.instances = true,
        ItemKind::Key => collections.keys = true,
        ItemKind::ServiceId => collections.service_ids = true,
        ItemKind::ApiKey => collections.api_keys = true,
        ItemKind::PolicyV1 | ItemKind::PolicyV2 => collections.policies = true,
        ItemKind::AccessGroup => collections.access_groups = true,
        // Recognised and skipped: no collection of the model.
        ItemKind::ResourceBinding
        | ItemKind::ResourceAlias
        | ItemKind::Reclamation
        | ItemKind::TrustedProfile
        | ItemKind::ProfileLink
        | ItemKind::ProfileClaimRule
        | ItemKind::AccessGroupRule
        | ItemKind::PolicyTemplate
        | ItemKind::PolicyAssignment
        | ItemKind::CustomRole
        | ItemKind::ResourceGroup
        | ItemKind::CbrRule
        | ItemKind::CbrZone
        | ItemKind::MetricsRouting
        | ItemKind::LogsRouting
        | ItemKind::Secret
        | ItemKind::IdentityTemplate => {}
    }
}

fn ingest_item(kind: ItemKind, item: &Value, pointer: &Pointer, sink: &mut Sink<'_>) {
    mark_collection(kind, sink);
    let result = match kind {
        ItemKind::Instance => resource_controller::instance(item, pointer, sink),
        ItemKind::Key => resource_controller::key(item, pointer, sink),
        ItemKind::ServiceId => identity::service_id(item, pointer, sink),
        ItemKind::ApiKey => identity::api_key(item, pointer, sink),
        ItemKind::PolicyV1 => policy::v1(item, pointer, sink),
        ItemKind::PolicyV2 => policy::v2(item, pointer, sink),
        ItemKind::AccessGroup => access_groups::group(item, pointer, sink),
        ItemKind::TrustedProfile => profiles::profile(item, pointer, sink),
        ItemKind::ProfileLink => profiles::link(item, pointer, sink),
        ItemKind::ProfileClaimRule => profiles::claim_rule(item, pointer, None, sink),
        ItemKind::CustomRole => roles::custom_role(item, pointer, sink),
        // An item of a skipped kind in a list or array of loaded ones: set aside.
        _ => Ok(()),
    };
    if let Err(problem) = result {
        sink.errors.push(problem);
    }
}

/// A problem with one item: where it is and what was expected.
type ItemResult = Result<(), (Pointer, String)>;

/// Deserializes `value` into `T`; a failure names the exact member as a pointer.
fn typed<'de, T: Deserialize<'de>>(
    value: &'de Value,
    pointer: &Pointer,
) -> Result<T, (Pointer, String)> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut at = pointer.clone();
        for segment in error.path().iter() {
            at = match segment {
                serde_path_to_error::Segment::Seq { index } => at.index(*index),
                serde_path_to_error::Segment::Map { key } => at.key(key),
                serde_path_to_error::Segment::Enum { variant } => at.key(variant),
                serde_path_to_error::Segment::Unknown => break,
            };
        }
        let message = super::error::sanitize_serde_message(&error.inner().to_string());
        let message = super::error::friendly_type_names(&message);
        (at, format!("unexpected value: {message}"))
    })
}

/// Treats `""` like a missing value, as IBM APIs use both for "absent".
fn present(text: Option<String>) -> Option<String> {
    text.filter(|text| !text.trim().is_empty())
}

/// [`present`] without taking the text.
fn present_ref(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|text| !text.trim().is_empty())
}

/// Whether `object` has at least one of `members` (the export shapes are told apart by them).
fn has_any(object: &serde_json::Map<String, Value>, members: &[&str]) -> bool {
    members.iter().any(|member| object.contains_key(*member))
}
