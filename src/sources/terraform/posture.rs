//! Account-level IBM provider resources -> the model: `ibm_iam_account_settings`,
//! `ibm_iam_access_group_account_settings`, `ibm_atracker_target`, `ibm_atracker_route`.
//! Each setting points at its attribute in the plan; an attribute the plan computes (or
//! leaves out, which leaves the account's value as it is) is `None`. A target id computed at
//! apply time becomes a `<...>` placeholder.

use serde_json::Value;

use super::entities::declaration;
use super::identity::placeholder;
use super::walk::TfResource;
use crate::model::{
    AccessGroupSettings, IdentitySettings, Route, RouteRule, RoutingTarget, Setting,
};
use crate::sources::exports::Sink;

fn text_setting(resource: &TfResource<'_>, name: &str, sink: &Sink<'_>) -> Option<Setting<String>> {
    resource.text(&[name]).map(|value| Setting {
        value,
        origin: sink.origin(&resource.value_pointer(&[name])),
    })
}

pub(super) fn identity_settings(resource: &TfResource<'_>, sink: &mut Sink<'_>) {
    let settings = IdentitySettings {
        account_id: resource.text(&["account_id"]),
        restrict_create_service_id: text_setting(resource, "restrict_create_service_id", sink),
        restrict_create_platform_apikey: text_setting(
            resource,
            "restrict_create_platform_apikey",
            sink,
        ),
        mfa: text_setting(resource, "mfa", sink),
        // The resource's `user_mfa` blocks are not read yet.
        user_mfa: Vec::new(),
        effective: false,
        origin: sink.origin(&resource.pointer),
        declaration: declaration(resource),
        account: None,
    };
    sink.builder.add_identity_settings(settings);
}

pub(super) fn access_group_settings(resource: &TfResource<'_>, sink: &mut Sink<'_>) {
    let enabled = resource
        .value(&["public_access_enabled"])
        .and_then(Value::as_bool)
        .map(|value| Setting {
            value,
            origin: sink.origin(&resource.value_pointer(&["public_access_enabled"])),
        });
    let settings = AccessGroupSettings {
        account_id: resource.text(&["account_id"]),
        public_access_enabled: enabled,
        origin: sink.origin(&resource.pointer),
        declaration: declaration(resource),
        account: None,
    };
    sink.builder.add_access_group_settings(settings);
}

pub(super) fn target(resource: &TfResource<'_>, sink: &mut Sink<'_>) {
    sink.builder.add_routing_target(RoutingTarget {
        id: resource
            .text(&["id"])
            .unwrap_or_else(|| placeholder(&resource.id_address, "id")),
        name: resource.text(&["name"]),
        crn: resource.text(&["crn"]),
        target_type: resource.text(&["target_type"]),
        write_status: None,
        origin: sink.origin(&resource.pointer),
        declaration: declaration(resource),
        account: None,
    });
}

pub(super) fn route(resource: &TfResource<'_>, sink: &mut Sink<'_>) {
    let texts = |value: Option<&Value>| -> Vec<Option<String>> {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let rules = resource
        .value(&["rules"])
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    let rules = (0..rules)
        .map(|at| {
            let index = at.to_string();
            let written = texts(resource.value(&["rules", &index, "target_ids"]));
            // A target id the plan computes (a target it creates) is a placeholder.
            let mut target_ids: Vec<String> = written
                .iter()
                .enumerate()
                .map(|(slot, id)| {
                    id.clone().unwrap_or_else(|| {
                        placeholder(
                            &resource.id_address,
                            &format!("rules[{at}].target_ids[{slot}]"),
                        )
                    })
                })
                .collect();
            if target_ids.is_empty() && resource.is_unknown(&["rules", &index, "target_ids"]) {
                target_ids.push(placeholder(
                    &resource.id_address,
                    &format!("rules[{at}].target_ids"),
                ));
            }
            RouteRule {
                target_ids,
                locations: texts(resource.value(&["rules", &index, "locations"]))
                    .into_iter()
                    .flatten()
                    .collect(),
                locations_unknown: resource.is_unknown(&["rules", &index, "locations"]),
                origin: sink.origin(&resource.value_pointer(&["rules", &index])),
            }
        })
        .collect();
    sink.builder.add_route(Route {
        id: resource
            .text(&["id"])
            .unwrap_or_else(|| placeholder(&resource.id_address, "id")),
        name: resource.text(&["name"]),
        crn: resource.text(&["crn"]),
        rules,
        receive_global_events: resource
            .value(&["receive_global_events"])
            .and_then(serde_json::Value::as_bool),
        origin: sink.origin(&resource.pointer),
        declaration: declaration(resource),
        account: None,
    });
}
