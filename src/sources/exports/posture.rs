//! Account-level documents: the IAM Identity account settings
//! (`GET /v1/accounts/{id}/settings/identity`, `AccountSettingsResponse`), the IAM Access
//! Groups account settings (`GET /v2/groups/settings`, `AccountSettings`), and the Activity
//! Tracker Event Routing route and target lists (`GET /api/v2/routes` -> `RouteList`,
//! `GET /api/v2/targets` -> `TargetList` of `atrackerv2`), with a single route or target
//! object (`GET /api/v2/routes/{id}`) read like a list of one.
//!
//! Every setting keeps the origin of its own member, so a finding points at its line.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::catalogue::DocumentKind;
use super::{Sink, present, typed};
use crate::model::{
    AccessGroupSettings, IdentitySettings, Pointer, Route, RouteRule, RoutingTarget, Setting,
    UserMfa,
};

/// The members of the Access Groups settings (`AccountSettings` in `iamaccessgroupsv2`).
const GROUP_SETTINGS_MEMBERS: [&str; 4] = [
    "account_id",
    "last_modified_at",
    "last_modified_by_id",
    "public_access_enabled",
];

/// Which account-level document `object` is, by the members its SDK model requires.
pub(super) fn detect(object: &Map<String, Value>) -> Option<DocumentKind> {
    let has = |member: &str| object.contains_key(member);
    if has("account_id")
        && has("restrict_create_service_id")
        && has("restrict_create_platform_apikey")
        && has("mfa")
    {
        return Some(DocumentKind::AccountSettings);
    }
    // The effective settings (`EffectiveAccountSettingsResponse`): what the account's own
    // settings and its enterprise templates enforce together, in `effective`.
    if has("account_id") && effective(object).is_some() {
        return Some(DocumentKind::AccountSettings);
    }
    // Every member optional in the model: `public_access_enabled` is a boolean, and nothing
    // but the model's members is there.
    if object
        .get("public_access_enabled")
        .is_some_and(Value::is_boolean)
        && object
            .keys()
            .all(|name| GROUP_SETTINGS_MEMBERS.contains(&name.as_str()))
    {
        return Some(DocumentKind::AccessGroupSettings);
    }
    // `routes` and `targets` are common words: items of the right shape, or an empty list
    // alone.
    let list = |member: &str, item: fn(&Map<String, Value>) -> bool| match object.get(member) {
        Some(Value::Array(items)) => match items.first() {
            None => object.len() == 1,
            Some(first) => first.as_object().is_some_and(item),
        },
        _ => false,
    };
    if list("routes", is_route) {
        return Some(DocumentKind::AtrackerRoutes);
    }
    if list("targets", is_target) {
        return Some(DocumentKind::AtrackerTargets);
    }
    if is_route(object) {
        return Some(DocumentKind::AtrackerRoutes);
    }
    if is_target(object) {
        return Some(DocumentKind::AtrackerTargets);
    }
    None
}

/// The `effective` section of an effective settings response, when it holds a setting.
fn effective(object: &Map<String, Value>) -> Option<&Map<String, Value>> {
    object
        .get("effective")
        .and_then(Value::as_object)
        .filter(|section| {
            [
                "restrict_create_service_id",
                "restrict_create_platform_apikey",
                "mfa",
            ]
            .iter()
            .any(|member| section.contains_key(*member))
        })
}

/// The kind of a top-level array of routes or targets (what a CLI may print), judged by its
/// first item.
pub(super) fn array_kind(items: &[Value]) -> Option<DocumentKind> {
    let first = items.first()?.as_object()?;
    if is_route(first) {
        Some(DocumentKind::AtrackerRoutes)
    } else if is_target(first) {
        Some(DocumentKind::AtrackerTargets)
    } else {
        None
    }
}

/// Loads a top-level array of routes or targets.
pub(super) fn ingest_array(kind: DocumentKind, items: &[Value], sink: &mut Sink<'_>) {
    let root = Pointer::root();
    for (at, item) in items.iter().enumerate() {
        match kind {
            DocumentKind::AtrackerRoutes => {
                sink.builder.collections().posture.routes = true;
                route(item, &root.index(at), sink);
            }
            _ => {
                sink.builder.collections().posture.routing_targets = true;
                target(item, &root.index(at), sink);
            }
        }
    }
    if kind == DocumentKind::AtrackerRoutes {
        let list = sink.origin(&root);
        sink.builder.add_route_list(list);
    }
}

/// Whether an object's CRN, when it has one, is Activity Tracker's: the Metrics and Logs
/// Routing services' routes and targets have the same `id`, `name`, `target_type`.
fn atracker_crn(object: &Map<String, Value>) -> bool {
    match object.get("crn").and_then(Value::as_str) {
        Some(crn) => crate::model::Crn::parse(crn).is_none_or(|crn| crn.service_name == "atracker"),
        None => true,
    }
}

/// A route (`Route`): `id`, `name` and `rules` whose items name `target_ids` or `locations`.
fn is_route(object: &Map<String, Value>) -> bool {
    atracker_crn(object)
        && object.contains_key("id")
        && object.contains_key("name")
        && object
            .get("rules")
            .and_then(Value::as_array)
            .is_some_and(|rules| {
                rules
                    .iter()
                    .all(|rule| rule.get("target_ids").is_some() || rule.get("locations").is_some())
            })
}

/// A target (`Target`): `id`, `name` and `target_type`.
fn is_target(object: &Map<String, Value>) -> bool {
    atracker_crn(object)
        && !object.contains_key("destination_crn")
        && ["id", "name", "target_type"]
            .iter()
            .all(|member| object.contains_key(*member))
}

pub(super) fn ingest(kind: DocumentKind, value: &Value, sink: &mut Sink<'_>) {
    let root = Pointer::root();
    match kind {
        DocumentKind::AccountSettings => {
            sink.builder.collections().posture.identity_settings = true;
            let loaded = match value
                .get("effective")
                .filter(|_| value.as_object().and_then(effective).is_some())
            {
                // The account id is beside the section, not in it.
                Some(section) => {
                    identity_settings(section, &root.key("effective"), sink).map(|mut settings| {
                        settings.effective = true;
                        settings.account_id = settings.account_id.or_else(|| {
                            present(
                                value
                                    .get("account_id")
                                    .and_then(Value::as_str)
                                    .map(str::to_owned),
                            )
                        });
                        settings
                    })
                }
                None => identity_settings(value, &root, sink),
            };
            if let Some(settings) = loaded {
                sink.builder.add_identity_settings(settings);
            }
        }
        DocumentKind::AccessGroupSettings => group_settings(value, &root, sink),
        DocumentKind::AtrackerRoutes => {
            sink.builder.collections().posture.routes = true;
            match value.get("routes").and_then(Value::as_array) {
                Some(items) => {
                    let list = sink.origin(&root.key("routes"));
                    sink.builder.add_route_list(list);
                    for (at, item) in items.iter().enumerate() {
                        route(item, &root.key("routes").index(at), sink);
                    }
                }
                None => route(value, &root, sink),
            }
        }
        DocumentKind::AtrackerTargets => {
            sink.builder.collections().posture.routing_targets = true;
            match value.get("targets").and_then(Value::as_array) {
                Some(items) => {
                    for (at, item) in items.iter().enumerate() {
                        target(item, &root.key("targets").index(at), sink);
                    }
                }
                None => target(value, &root, sink),
            }
        }
        _ => {}
    }
}

#[derive(Deserialize)]
struct IdentitySettingsDto {
    account_id: Option<String>,
    restrict_create_service_id: Option<String>,
    restrict_create_platform_apikey: Option<String>,
    mfa: Option<String>,
    #[serde(default)]
    user_mfa: Vec<UserMfaDto>,
}

/// An entry of `user_mfa` (`AccountSettingsUserMfa`: `iam_id`, `mfa`, and the user's names).
#[derive(Deserialize)]
struct UserMfaDto {
    iam_id: Option<String>,
    mfa: Option<String>,
}

/// A text setting at `pointer/member`, when present and not empty.
fn text_setting(
    value: Option<String>,
    pointer: &Pointer,
    member: &str,
    sink: &Sink<'_>,
) -> Option<Setting<String>> {
    present(value).map(|value| Setting {
        value: value.trim().to_owned(),
        origin: sink.origin(&pointer.key(member)),
    })
}

fn identity_settings(
    value: &Value,
    pointer: &Pointer,
    sink: &mut Sink<'_>,
) -> Option<IdentitySettings> {
    let dto: IdentitySettingsDto = match typed(value, pointer) {
        Ok(dto) => dto,
        Err(problem) => {
            sink.errors.push(problem);
            return None;
        }
    };
    Some(IdentitySettings {
        account_id: present(dto.account_id),
        restrict_create_service_id: text_setting(
            dto.restrict_create_service_id,
            pointer,
            "restrict_create_service_id",
            sink,
        ),
        restrict_create_platform_apikey: text_setting(
            dto.restrict_create_platform_apikey,
            pointer,
            "restrict_create_platform_apikey",
            sink,
        ),
        mfa: text_setting(dto.mfa, pointer, "mfa", sink),
        user_mfa: dto
            .user_mfa
            .into_iter()
            .enumerate()
            .filter_map(|(at, entry)| {
                Some(UserMfa {
                    iam_id: present(entry.iam_id)?,
                    mfa: present(entry.mfa)?,
                    origin: sink.origin(&pointer.key("user_mfa").index(at)),
                })
            })
            .collect(),
        effective: false,
        origin: sink.origin(pointer),
        declaration: None,
        account: None,
    })
}

#[derive(Deserialize)]
struct GroupSettingsDto {
    account_id: Option<String>,
    public_access_enabled: Option<bool>,
}

fn group_settings(value: &Value, pointer: &Pointer, sink: &mut Sink<'_>) {
    sink.builder.collections().posture.access_group_settings = true;
    let dto: GroupSettingsDto = match typed(value, pointer) {
        Ok(dto) => dto,
        Err(problem) => return sink.errors.push(problem),
    };
    let settings = AccessGroupSettings {
        account_id: present(dto.account_id),
        public_access_enabled: dto.public_access_enabled.map(|value| Setting {
            value,
            origin: sink.origin(&pointer.key("public_access_enabled")),
        }),
        origin: sink.origin(pointer),
        declaration: None,
        account: None,
    };
    sink.builder.add_access_group_settings(settings);
}

#[derive(Deserialize)]
struct RuleDto {
    #[serde(default)]
    target_ids: Vec<String>,
    #[serde(default)]
    locations: Vec<String>,
}

#[derive(Deserialize)]
struct RouteDto {
    id: String,
    name: Option<String>,
    crn: Option<String>,
    #[serde(default)]
    rules: Vec<RuleDto>,
    /// Only in routes of the retired v1 API.
    receive_global_events: Option<bool>,
}

fn route(value: &Value, pointer: &Pointer, sink: &mut Sink<'_>) {
    let dto: RouteDto = match typed(value, pointer) {
        Ok(dto) => dto,
        Err(problem) => return sink.errors.push(problem),
    };
    let rules = dto
        .rules
        .into_iter()
        .enumerate()
        .map(|(at, rule)| RouteRule {
            target_ids: rule.target_ids,
            locations: rule.locations,
            locations_unknown: false,
            origin: sink.origin(&pointer.key("rules").index(at)),
        })
        .collect();
    sink.builder.add_route(Route {
        id: dto.id,
        name: present(dto.name),
        crn: present(dto.crn),
        rules,
        receive_global_events: dto.receive_global_events,
        origin: sink.origin(pointer),
        declaration: None,
        account: None,
    });
}

#[derive(Deserialize)]
struct WriteStatusDto {
    status: Option<String>,
}

#[derive(Deserialize)]
struct TargetDto {
    id: String,
    name: Option<String>,
    crn: Option<String>,
    target_type: Option<String>,
    write_status: Option<WriteStatusDto>,
}

fn target(value: &Value, pointer: &Pointer, sink: &mut Sink<'_>) {
    let dto: TargetDto = match typed(value, pointer) {
        Ok(dto) => dto,
        Err(problem) => return sink.errors.push(problem),
    };
    sink.builder.add_routing_target(RoutingTarget {
        id: dto.id,
        name: present(dto.name),
        crn: present(dto.crn),
        target_type: present(dto.target_type),
        write_status: dto.write_status.and_then(|status| present(status.status)),
        origin: sink.origin(pointer),
        declaration: None,
        account: None,
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kind(value: Value) -> Option<DocumentKind> {
        detect(value.as_object()?)
    }

    #[test]
    fn settings_routes_and_targets_are_recognised_by_their_model_members() {
        let identity = json!({"account_id": "a", "restrict_create_service_id": "RESTRICTED",
            "restrict_create_platform_apikey": "NOT_SET", "mfa": "NONE", "entity_tag": "1"});
        assert_eq!(kind(identity), Some(DocumentKind::AccountSettings));
        let groups = json!({"account_id": "a", "public_access_enabled": true});
        assert_eq!(kind(groups), Some(DocumentKind::AccessGroupSettings));
        // A boolean among other members is no settings document.
        assert_eq!(
            kind(json!({"public_access_enabled": true, "name": "x"})),
            None
        );
        let routes = json!({"routes": [{"id": "r", "name": "n", "rules": [{"target_ids": [], "locations": ["global"]}]}]});
        assert_eq!(kind(routes), Some(DocumentKind::AtrackerRoutes));
        assert_eq!(
            kind(json!({"routes": []})),
            Some(DocumentKind::AtrackerRoutes)
        );
        assert_eq!(kind(json!({"routes": [], "page": 1})), None);
        let targets = json!({"targets": [{"id": "t", "name": "n", "target_type": "cloud_logs"}]});
        assert_eq!(kind(targets), Some(DocumentKind::AtrackerTargets));
        assert_eq!(kind(json!({"targets": [{"id": "t"}]})), None);
        let effective = json!({"account_id": "a", "effective": {"mfa": "NONE"}, "account": {}});
        assert_eq!(kind(effective), Some(DocumentKind::AccountSettings));
        assert_eq!(kind(json!({"account_id": "a", "effective": {}})), None);
    }

    #[test]
    fn an_array_of_routes_or_targets_is_known_by_its_first_item() {
        let route = json!({"id": "r", "name": "n", "rules": [{"locations": ["*"]}]});
        assert_eq!(array_kind(&[route]), Some(DocumentKind::AtrackerRoutes));
        let target = json!({"id": "t", "name": "n", "target_type": "cloud_logs"});
        assert_eq!(array_kind(&[target]), Some(DocumentKind::AtrackerTargets));
        assert_eq!(array_kind(&[json!({"id": "ServiceId-1"})]), None);
        assert_eq!(array_kind(&[]), None);
    }
}
