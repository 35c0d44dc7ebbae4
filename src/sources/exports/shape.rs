//! Shape detection: which IBM document a parsed value is, decided by its content.
//!
//! Over 400 lines: the document-level detection (`detect`) and the item-level classification
//! (`classify`) of every IBM kind are one ordered set of decisions; kept in one file so that
//! two kinds can never both claim the same document.

use serde_json::{Map, Value};

use super::catalogue::DocumentKind;
use super::has_any;
use crate::model::Crn;

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
    /// The kinds below are recognised and skipped (see [`ItemKind::skipped_as`]).
    ResourceBinding,
    ResourceAlias,
    Reclamation,
    TrustedProfile,
    ProfileLink,
    ProfileClaimRule,
    AccessGroupRule,
    PolicyTemplate,
    PolicyAssignment,
    CustomRole,
    /// Items of other services' lists, told by their CRNs (see `classify_by`).
    ResourceGroup,
    CbrRule,
    CbrZone,
    MetricsRouting,
    LogsRouting,
    Secret,
    IdentityTemplate,
}

impl ItemKind {
    /// The document kind an item of a skipped kind belongs to; `None` for a loaded kind.
    pub fn skipped_as(self) -> Option<DocumentKind> {
        Some(match self {
            Self::Instance
            | Self::Key
            | Self::ServiceId
            | Self::ApiKey
            | Self::PolicyV1
            | Self::PolicyV2
            | Self::AccessGroup => return None,
            Self::ResourceBinding => DocumentKind::ResourceBindings,
            Self::ResourceAlias => DocumentKind::ResourceAliases,
            Self::Reclamation => DocumentKind::Reclamations,
            Self::TrustedProfile => DocumentKind::TrustedProfiles,
            Self::ProfileLink => DocumentKind::ProfileLinks,
            Self::ProfileClaimRule => DocumentKind::ProfileClaimRules,
            Self::AccessGroupRule => DocumentKind::AccessGroupRules,
            Self::PolicyTemplate => DocumentKind::PolicyTemplates,
            Self::PolicyAssignment => DocumentKind::PolicyAssignments,
            Self::CustomRole => DocumentKind::CustomRoles,
            Self::ResourceGroup => DocumentKind::ResourceGroups,
            Self::CbrRule => DocumentKind::CbrRules,
            Self::CbrZone => DocumentKind::CbrZones,
            Self::MetricsRouting => DocumentKind::MetricsRouting,
            Self::LogsRouting => DocumentKind::LogsRouting,
            Self::Secret => DocumentKind::Secrets,
            Self::IdentityTemplate => DocumentKind::IdentityTemplates,
        })
    }
}

/// What a document of items is, from the kinds of its items: skipped when every item is of
/// a skipped kind (the first one names it), else loaded. An empty list is loaded.
pub fn skipped_items(mut kinds: impl Iterator<Item = Option<ItemKind>>) -> Option<DocumentKind> {
    let first = kinds.next()??.skipped_as()?;
    kinds
        .all(|kind| kind.and_then(ItemKind::skipped_as).is_some())
        .then_some(first)
}

/// The kind of one item of a Resource Controller `resources` list: an unknown item is read
/// as an instance (whose loader says what is missing).
pub fn resource_item(kind: Option<ItemKind>) -> ItemKind {
    match kind {
        Some(
            kind @ (ItemKind::Key
            | ItemKind::ResourceBinding
            | ItemKind::ResourceAlias
            | ItemKind::Reclamation),
        ) => kind,
        _ => ItemKind::Instance,
    }
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
    /// A document about the account's people and activity (users, the account and its
    /// owner, the activity and MFA reports), read whole by `exports::people`.
    People(DocumentKind),
    /// iamlint's bundle of such documents, one per member.
    PeopleBundle,
    /// An account-level document: IAM Identity or Access Groups account settings, Activity
    /// Tracker Event Routing routes or targets (see `posture`).
    Posture(DocumentKind),
    /// A kind of the catalogue that is recognised and not loaded.
    Skipped(DocumentKind),
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
    if let Some(kind) = super::people::detect(object) {
        return Shape::People(kind);
    }
    if super::people::is_bundle(object) {
        return Shape::PeopleBundle;
    }
    // Documents with list members of the names iamlint loads (`apikeys`, `resources`) that
    // are not those lists: recognised first, by the members only they have.
    if let Some(kind) = detect_lookalike(object) {
        return Shape::Skipped(kind);
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
                    || matches!(
                        first_kind(items),
                        Some(
                            ItemKind::Instance
                                | ItemKind::Key
                                | ItemKind::ResourceBinding
                                | ItemKind::ResourceAlias
                                | ItemKind::Reclamation
                        )
                    )
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
            // an empty list whose links name the Access Groups API or that stands alone
            // (with its list response's own members: what `iamlint collect` writes).
            ListKind::AccessGroups => {
                matches!(first_kind(items), Some(ItemKind::AccessGroup))
                    || (items.is_empty()
                        && (names_access_groups_api(object)
                            || only_members(object, &GROUPS_LIST_MEMBERS)))
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
    if let Some(kind) = super::posture::detect(object) {
        return Shape::Posture(kind);
    }
    if let Some(kind) = detect_skipped_list(object) {
        return Shape::Skipped(kind);
    }
    match classify(object) {
        Some(kind) => match kind.skipped_as() {
            Some(skipped) => Shape::Skipped(skipped),
            None => Shape::Single(kind),
        },
        None => Shape::Unrecognised,
    }
}

/// The members of an IAM Access Groups list response (`GroupsList`).
const GROUPS_LIST_MEMBERS: [&str; 8] = [
    "groups",
    "limit",
    "offset",
    "total_count",
    "first",
    "previous",
    "next",
    "last",
];

/// Whether every member of `object` is one of `allowed`.
fn only_members(object: &Map<String, Value>, allowed: &[&str]) -> bool {
    object.keys().all(|name| allowed.contains(&name.as_str()))
}

fn is_array(object: &Map<String, Value>, member: &str) -> bool {
    object.get(member).is_some_and(Value::is_array)
}

/// Documents that hold members named like the lists iamlint loads, recognised by the
/// members their formats require (Terraform's state format; the reports, which hold
/// `apikeys` and `serviceids` too, are `exports::people`'s and detected before).
fn detect_lookalike(object: &Map<String, Value>) -> Option<DocumentKind> {
    // A raw state (`terraform.tfstate`): its `resources` are Terraform's, not Resource
    // Controller's.
    if object.get("version").is_some_and(Value::is_number)
        && object
            .get("terraform_version")
            .is_some_and(Value::is_string)
        && has_any(object, &["serial"])
        && has_any(object, &["lineage"])
        && is_array(object, "resources")
    {
        return Some(DocumentKind::TerraformState);
    }
    None
}

/// Documents of the other kinds the catalogue knows and iamlint does not load.
fn detect_skipped_list(object: &Map<String, Value>) -> Option<DocumentKind> {
    if reference_only(object) {
        return Some(DocumentKind::ReportReference);
    }
    if object.get("apikey").is_some_and(Value::is_string)
        && has_any(
            object,
            &[
                "iam_apikey_name",
                "iam_apikey_description",
                "iam_role_crn",
                "iam_serviceid_crn",
            ],
        )
    {
        return Some(DocumentKind::ServiceCredentials);
    }
    if ["custom_roles", "service_roles", "system_roles"]
        .iter()
        .all(|member| is_array(object, member))
    {
        return Some(DocumentKind::Roles);
    }
    // List responses: the list's own member name, with items of its kind; an empty list
    // only with its response's own members (`links`, `rules` are common words).
    let list = |member: &str, kinds: &[ItemKind], wrapper: &[&str]| match object.get(member) {
        Some(Value::Array(items)) => match items.first() {
            None => only_members(object, wrapper),
            Some(first) => first
                .as_object()
                .and_then(classify)
                .is_some_and(|kind| kinds.contains(&kind)),
        },
        _ => false,
    };
    const PAGED: [&str; 7] = [
        "context",
        "offset",
        "limit",
        "first",
        "previous",
        "next",
        "total_count",
    ];
    let wrapper = |member: &'static str| -> Vec<&'static str> {
        PAGED.iter().copied().chain([member]).collect()
    };
    let named = [
        (
            "custom_roles",
            ItemKind::CustomRole,
            DocumentKind::CustomRoles,
        ),
        (
            "policy_templates",
            ItemKind::PolicyTemplate,
            DocumentKind::PolicyTemplates,
        ),
        (
            "assignments",
            ItemKind::PolicyAssignment,
            DocumentKind::PolicyAssignments,
        ),
        (
            "profiles",
            ItemKind::TrustedProfile,
            DocumentKind::TrustedProfiles,
        ),
        ("links", ItemKind::ProfileLink, DocumentKind::ProfileLinks),
    ];
    if let Some((_, _, kind)) = named
        .iter()
        .find(|(member, item, _)| list(member, &[*item], &wrapper(member)))
    {
        return Some(*kind);
    }
    // `serviceid_groups` is an array in `/v1/serviceid_groups` (an object in the limits).
    if let Some(Value::Array(items)) = object.get("serviceid_groups") {
        let group = |item: &Value| {
            ["id", "name", "account_id"]
                .iter()
                .all(|m| item.get(m).is_some())
        };
        let accepted = match items.first() {
            None => only_members(object, &wrapper("serviceid_groups")),
            Some(first) => group(first),
        };
        if accepted {
            return Some(DocumentKind::ServiceIdGroups);
        }
    }
    if let Some(kind) = super::others::detect(object) {
        return Some(kind);
    }
    if let Some(Value::Array(items)) = object.get("rules") {
        return match items.first().and_then(Value::as_object).and_then(classify) {
            None if items.is_empty() && only_members(object, &["rules", "context"]) => {
                Some(DocumentKind::ClaimRules)
            }
            Some(ItemKind::AccessGroupRule) => Some(DocumentKind::AccessGroupRules),
            Some(ItemKind::ProfileClaimRule) => Some(DocumentKind::ProfileClaimRules),
            _ => None,
        };
    }
    None
}

/// `{"reference": "..."}`: the answer to a request for an activity or MFA report.
fn reference_only(object: &Map<String, Value>) -> bool {
    object.len() == 1 && object.get("reference").is_some_and(Value::is_string)
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
pub const CLASSIFYING_MEMBERS: [&str; 35] = [
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
    "iam_id",
    "target_crn",
    "resource_instance_id",
    "entity_crn",
    "entity_type_id",
    "cr_type",
    "link",
    "conditions",
    "expiration",
    "access_group_id",
    "name",
    "account_id",
    "version",
    "policy",
    "state",
    "template",
    "target",
    "resources",
    "status",
    "display_name",
    "actions",
    "service_name",
];

/// [`classify`] over any view of an object: whether it has a member (of
/// [`CLASSIFYING_MEMBERS`]), and a member's value when it is a string.
pub fn classify_by<'a>(
    has: impl Fn(&str) -> bool,
    text: impl Fn(&str) -> Option<&'a str>,
) -> Option<ItemKind> {
    let id = text("id").unwrap_or("");
    let crn = text("crn").or(Some(id)).unwrap_or("");
    // Resource Controller entities by the resource type of their CRN first, then by shape:
    // a binding has `source_crn` like a key, and `target_crn` as well.
    let parsed = Crn::parse(crn);
    let resource_type = parsed.as_ref().map(|crn| crn.resource_type);
    match resource_type {
        Some("resource-key") => return Some(ItemKind::Key),
        Some("resource-binding") => return Some(ItemKind::ResourceBinding),
        Some("resource-alias") => return Some(ItemKind::ResourceAlias),
        _ => {}
    }
    if let Some(kind) = parsed.as_ref().and_then(other_service) {
        return Some(kind);
    }
    if has("source_crn") {
        return Some(if has("target_crn") {
            ItemKind::ResourceBinding
        } else {
            ItemKind::Key
        });
    }
    if has("resource_instance_id") && has("target_crn") {
        return Some(ItemKind::ResourceAlias);
    }
    if has("entity_crn") && has("entity_type_id") {
        return Some(ItemKind::Reclamation);
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
    // An instance CRN has no resource type (a key, binding or alias CRN has one).
    if crn.starts_with("crn:v1:") && resource_type.is_none_or(str::is_empty) && instance_like {
        return Some(ItemKind::Instance);
    }
    classify_other(has, text)
}

/// Items of the services beside IAM that users export with it, by the service and resource
/// type of their CRNs (resource groups, context-based restrictions, the Metrics and Logs
/// Routing services, Secrets Manager, IAM Identity templates).
fn other_service(crn: &Crn<'_>) -> Option<ItemKind> {
    Some(match (crn.service_name, crn.resource_type) {
        ("resource-controller", "resource-group") => ItemKind::ResourceGroup,
        ("context-based-restrictions", "rule") => ItemKind::CbrRule,
        ("context-based-restrictions", "zone") => ItemKind::CbrZone,
        ("metrics-router", _) => ItemKind::MetricsRouting,
        ("logs-router", _) => ItemKind::LogsRouting,
        ("secrets-manager", "secret") => ItemKind::Secret,
        ("iam-identity", "template") => ItemKind::IdentityTemplate,
        _ => return None,
    })
}

/// The skipped item kinds that have no CRN of their own to tell them apart, by the members
/// their SDK models require.
fn classify_other<'a>(
    has: impl Fn(&str) -> bool,
    text: impl Fn(&str) -> Option<&'a str>,
) -> Option<ItemKind> {
    let all = |members: &[&str]| members.iter().all(|member| has(member));
    if text("iam_id").is_some_and(|iam_id| iam_id.starts_with("iam-Profile-")) {
        return Some(ItemKind::TrustedProfile);
    }
    if all(&["cr_type", "link"]) {
        return Some(ItemKind::ProfileLink);
    }
    if all(&["access_group_id", "conditions"]) {
        return Some(ItemKind::AccessGroupRule);
    }
    if all(&["type", "expiration", "conditions"]) {
        return Some(ItemKind::ProfileClaimRule);
    }
    if all(&["name", "account_id", "version", "policy", "state"]) {
        return Some(ItemKind::PolicyTemplate);
    }
    if all(&["template", "target"]) && (has("resources") || has("status")) {
        return Some(ItemKind::PolicyAssignment);
    }
    if all(&[
        "name",
        "display_name",
        "actions",
        "service_name",
        "account_id",
    ]) {
        return Some(ItemKind::CustomRole);
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kind(value: Value) -> Option<ItemKind> {
        value.as_object().and_then(classify)
    }

    fn shape(value: &Value) -> Shape<'_> {
        detect(value)
    }

    const ACCOUNT: &str = "a/4f5e6d7c8b9a0f1e2d3c4b5a69788796";

    #[test]
    fn resource_controller_items_go_by_the_resource_type_of_their_crn() {
        let crn = |kind: &str| format!("crn:v1:bluemix:public:cos:global:{ACCOUNT}:inst:{kind}");
        let item = |crn: String| json!({"id": crn, "guid": "g", "source_crn": "x"});
        assert_eq!(kind(item(crn("resource-key:k"))), Some(ItemKind::Key));
        assert_eq!(
            kind(item(crn("resource-binding:b"))),
            Some(ItemKind::ResourceBinding)
        );
        assert_eq!(
            kind(json!({"crn": crn("resource-alias:a"), "guid": "a"})),
            Some(ItemKind::ResourceAlias)
        );
        assert_eq!(
            kind(json!({"crn": crn(":"), "guid": "inst"})),
            Some(ItemKind::Instance)
        );
        // Without a CRN: a binding has a target as well as a source; an alias names its
        // instance and a target.
        assert_eq!(
            kind(json!({"source_crn": "s", "target_crn": "t"})),
            Some(ItemKind::ResourceBinding)
        );
        assert_eq!(kind(json!({"source_crn": "s"})), Some(ItemKind::Key));
        assert_eq!(
            kind(json!({"resource_instance_id": "i", "target_crn": "t"})),
            Some(ItemKind::ResourceAlias)
        );
        assert_eq!(
            kind(json!({"entity_crn": "c", "entity_type_id": "t", "resource_instance_id": "i"})),
            Some(ItemKind::Reclamation)
        );
    }

    #[test]
    fn reports_are_not_lists_of_api_keys() {
        let report = json!({
            "reference": "r", "report_duration": "720", "created_by": "IBMid-1",
            "apikeys": [{"id": "ApiKey-1", "name": "k", "type": "user"}],
            "serviceids": [{"id": "ServiceId-1", "name": "s"}]
        });
        assert_eq!(shape(&report), Shape::People(DocumentKind::ActivityReport));
        let mfa = json!({"reference": "r", "report_time": "t", "users": []});
        assert_eq!(shape(&mfa), Shape::People(DocumentKind::MfaReport));
        // Without the report's own members, `apikeys` is the API key list...
        let list = json!({"apikeys": [{"id": "ApiKey-1"}]});
        assert!(matches!(shape(&list), Shape::Lists(_)));
        // ...unless its items are a report's (cut out of it with `jq`, say).
        let cut = json!({"apikeys": [{"id": "ApiKey-1", "name": "k", "last_authn": "t"}]});
        assert_eq!(shape(&cut), Shape::People(DocumentKind::ActivityReport));
    }

    #[test]
    fn a_raw_terraform_state_is_not_a_resource_list() {
        let state = json!({
            "version": 4, "terraform_version": "1.9.8", "serial": 3, "lineage": "l",
            "resources": [{"mode": "managed", "type": "ibm_iam_service_id", "instances": []}]
        });
        assert_eq!(shape(&state), Shape::Skipped(DocumentKind::TerraformState));
    }

    #[test]
    fn an_empty_group_list_is_recognised_only_with_the_list_members() {
        for empty in [
            json!({"groups": []}),
            json!({"limit": 0, "offset": 0, "total_count": 0, "groups": []}),
        ] {
            assert!(matches!(shape(&empty), Shape::Lists(_)), "{empty}");
        }
        // `groups` is a common word: an empty one among other members is not a group list.
        assert_eq!(
            shape(&json!({"groups": [], "name": "team"})),
            Shape::Unrecognised
        );
    }

    #[test]
    fn credentials_are_a_secret_file_and_limits_keep_their_object_members() {
        let credentials = json!({"apikey": "secret", "iam_serviceid_crn": "crn:v1:x"});
        assert_eq!(
            shape(&credentials),
            Shape::Skipped(DocumentKind::ServiceCredentials)
        );
        let limits = json!({"serviceid_groups": {"limit": 50, "count": 1}});
        assert_eq!(shape(&limits), Shape::IdentityLimits);
        let groups = json!({"serviceid_groups": [{"id": "g", "name": "n", "account_id": "a"}]});
        assert_eq!(
            shape(&groups),
            Shape::Skipped(DocumentKind::ServiceIdGroups)
        );
    }

    #[test]
    fn empty_lists_of_common_words_need_their_response_members() {
        assert_eq!(
            shape(&json!({"links": []})),
            Shape::Skipped(DocumentKind::ProfileLinks)
        );
        assert_eq!(
            shape(&json!({"links": [], "title": "t"})),
            Shape::Unrecognised
        );
        assert_eq!(
            shape(&json!({"rules": []})),
            Shape::Skipped(DocumentKind::ClaimRules)
        );
        assert_eq!(
            shape(&json!({"rules": [], "extends": "x"})),
            Shape::Unrecognised
        );
        assert_eq!(shape(&json!({"rules": [{"x": 1}]})), Shape::Unrecognised);
    }

    /// The fast loader's probe knows only [`CLASSIFYING_MEMBERS`]: classification must ask
    /// about no other member, or the two loaders would disagree.
    #[test]
    fn classification_asks_only_about_the_classifying_members() {
        let asked = std::cell::RefCell::new(Vec::new());
        for present in [true, false] {
            for (id, crn, iam_id) in [
                ("", "", ""),
                (
                    "ServiceId-1",
                    "crn:v1:bluemix:public:cos:global:a/1:i::",
                    "iam-Profile-1",
                ),
                (
                    "x",
                    "crn:v1:bluemix:public:cos:global:a/1:i:resource-key:k",
                    "IBMid-1",
                ),
            ] {
                classify_by(
                    |name| {
                        asked.borrow_mut().push(name.to_owned());
                        present
                    },
                    |name| {
                        // The probe keeps the text of these four members only.
                        assert!(["id", "crn", "type", "iam_id"].contains(&name), "{name}");
                        asked.borrow_mut().push(name.to_owned());
                        match name {
                            "id" => Some(id),
                            "crn" => Some(crn),
                            "iam_id" => Some(iam_id),
                            _ => None,
                        }
                    },
                );
            }
        }
        for name in asked.into_inner() {
            assert!(CLASSIFYING_MEMBERS.contains(&name.as_str()), "{name}");
        }
    }

    #[test]
    fn an_array_is_skipped_only_when_every_item_is_of_a_skipped_kind() {
        let binding = Some(ItemKind::ResourceBinding);
        assert_eq!(
            skipped_items([binding, binding].into_iter()),
            Some(DocumentKind::ResourceBindings)
        );
        assert_eq!(
            skipped_items([binding, Some(ItemKind::Key)].into_iter()),
            None
        );
        assert_eq!(skipped_items([binding, None].into_iter()), None);
        assert_eq!(skipped_items(std::iter::empty()), None);
    }
}
