//! Shape detection: which IBM document a parsed value is, decided by its content.

use serde_json::{Map, Value};

/// The kind of one object: an item of a list, a CLI array element, or a whole document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Instance,
    Key,
    ServiceId,
    ApiKey,
    PolicyV1,
    PolicyV2,
    AccessGroup,
}

/// The list members iamlint reads from an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Resource Controller v2 `{rows_count, next_url, resources: [...]}`.
    Resources,
    /// IAM Identity `{serviceids: [...]}`.
    ServiceIds,
    /// IAM Identity `{apikeys: [...]}`.
    ApiKeys,
    /// IAM Policy Management v1 or v2 `{policies: [...]}`.
    Policies,
    /// IAM Access Groups `{groups: [...]}` (`GET /v2/groups`, `ibmcloud iam access-groups`).
    AccessGroups,
    /// IAM Access Groups `{members: [...]}` (`GET /v2/groups/{id}/members`).
    AccessGroupMembers,
}

impl ListKind {
    pub fn member(self) -> &'static str {
        match self {
            Self::Resources => "resources",
            Self::ServiceIds => "serviceids",
            Self::ApiKeys => "apikeys",
            Self::Policies => "policies",
            Self::AccessGroups => "groups",
            Self::AccessGroupMembers => "members",
        }
    }
}

/// The shapes a document can have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape<'a> {
    /// An API list response; or several list members in one object (a bundle of one
    /// account's exports, iamlint's own convenience shape).
    Lists(Vec<(ListKind, &'a [Value])>),
    /// `ibmcloud ... --output json`: a top-level array.
    CliArray(&'a [Value]),
    /// One object of a known kind.
    Single(ItemKind),
    /// The `snapshot.json` of a live snapshot.
    Snapshot,
    /// IAM Identity `/v1/accounts/{id}/limits/identity`.
    IdentityLimits,
    Unrecognised,
}

/// What was tried, for the error on an explicitly named file of an unknown shape.
pub const SHAPES_TRIED: &str = "a Resource Controller list {\"resources\": [...]}, an IAM Identity \
list {\"serviceids\": [...]} or {\"apikeys\": [...]}, an IAM policy list {\"policies\": [...]}, \
an IAM access group list {\"groups\": [...]} or member list {\"members\": [...]}, \
an `ibmcloud ... --output json` array, a single resource instance, resource key, service ID, \
API key, policy or access group object, an IAM identity limits document, or an iamlint \
snapshot.json";

pub fn detect(value: &Value) -> Shape<'_> {
    match value {
        Value::Array(items) => Shape::CliArray(items),
        Value::Object(object) => detect_object(object),
        _ => Shape::Unrecognised,
    }
}

fn first_kind(items: &[Value]) -> Option<ItemKind> {
    items.first()?.as_object().and_then(classify)
}

fn detect_object(object: &Map<String, Value>) -> Shape<'_> {
    if super::snapshot::detect(object) {
        return Shape::Snapshot;
    }
    let mut lists = Vec::new();
    for kind in [
        ListKind::Resources,
        ListKind::ServiceIds,
        ListKind::ApiKeys,
        ListKind::Policies,
        ListKind::AccessGroups,
        ListKind::AccessGroupMembers,
    ] {
        let Some(Value::Array(items)) = object.get(kind.member()) else {
            continue;
        };
        // `resources` and `policies` are common words (a Terraform state has `resources`):
        // require the API wrapper or items of the right kind.
        let accepted = match kind {
            ListKind::Resources => {
                object.contains_key("rows_count")
                    || object.contains_key("next_url")
                    || matches!(first_kind(items), Some(ItemKind::Instance | ItemKind::Key))
            }
            ListKind::Policies => {
                items.is_empty()
                    || matches!(
                        first_kind(items),
                        Some(ItemKind::PolicyV1 | ItemKind::PolicyV2)
                    )
            }
            ListKind::ServiceIds | ListKind::ApiKeys => true,
            // `groups` and `members` are common words too: require access group items, or
            // an empty list whose links name the Access Groups API.
            ListKind::AccessGroups => {
                matches!(first_kind(items), Some(ItemKind::AccessGroup))
                    || (items.is_empty() && names_access_groups_api(object))
            }
            ListKind::AccessGroupMembers => match items.first() {
                Some(first) => first.get("iam_id").is_some_and(Value::is_string),
                None => names_access_groups_api(object),
            },
        };
        if accepted {
            lists.push((kind, items.as_slice()));
        }
    }
    if !lists.is_empty() {
        return Shape::Lists(lists);
    }
    // In a bundle with lists, the limits are read too (see `exports::ingest`).
    if super::limits::detect(object) {
        return Shape::IdentityLimits;
    }
    classify(object).map_or(Shape::Unrecognised, Shape::Single)
}

/// Whether a list response's `first`/`last` links point at the IAM Access Groups API.
fn names_access_groups_api(object: &Map<String, Value>) -> bool {
    ["first", "last", "next", "previous"].iter().any(|link| {
        object
            .get(*link)
            .and_then(|link| link.get("href"))
            .and_then(Value::as_str)
            .is_some_and(|href| href.contains("/v2/groups"))
    })
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// Classifies one object by the members only that kind has.
pub fn classify(object: &Map<String, Value>) -> Option<ItemKind> {
    classify_by(|name| object.contains_key(name), |name| text(object, name))
}

/// The members [`classify_by`] asks about (for loaders that do not build the object).
pub const CLASSIFYING_MEMBERS: [&str; 13] = [
    "id",
    "crn",
    "type",
    "source_crn",
    "subjects",
    "roles",
    "control",
    "subject",
    "resource",
    "unique_instance_crns",
    "action_when_leaked",
    "guid",
    "resource_plan_id",
];

/// [`classify`] over any view of an object: whether it has a member (of
/// [`CLASSIFYING_MEMBERS`]), and a member's value when it is a string.
pub fn classify_by<'a>(
    has: impl Fn(&str) -> bool,
    text: impl Fn(&str) -> Option<&'a str>,
) -> Option<ItemKind> {
    let id = text("id").unwrap_or("");
    let crn = text("crn").or(Some(id)).unwrap_or("");
    if has("source_crn") || crn.contains(":resource-key:") {
        return Some(ItemKind::Key);
    }
    if has("subjects") && has("roles") {
        return Some(ItemKind::PolicyV1);
    }
    if has("control") || (has("subject") && has("resource")) {
        return Some(ItemKind::PolicyV2);
    }
    if id.starts_with("ServiceId-") || has("unique_instance_crns") {
        return Some(ItemKind::ServiceId);
    }
    if id.starts_with("ApiKey-") || has("action_when_leaked") {
        return Some(ItemKind::ApiKey);
    }
    if id.starts_with("AccessGroupId-") {
        return Some(ItemKind::AccessGroup);
    }
    let instance_like =
        has("guid") || has("resource_plan_id") || text("type") == Some("service_instance");
    if crn.starts_with("crn:v1:") && instance_like {
        return Some(ItemKind::Instance);
    }
    None
}
