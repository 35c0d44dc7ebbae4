//! Secrets in the values of a plan or state: resource attributes (`values`, and the
//! `before`/`after` of `resource_changes`) and outputs.

use serde_json::Value;

use super::{Found, leaves, resource_owner, value_owner, whole_value};
use crate::model::Pointer;
use crate::sources::secrets::is_secret_name;

pub(super) fn module(
    module: Option<&Value>,
    pointer: &Pointer,
    before: bool,
    found: &mut Vec<Found>,
) {
    let Some(module) = module else { return };
    if let Some(items) = module.get("resources").and_then(Value::as_array) {
        for (at, item) in items.iter().enumerate() {
            let item_pointer = pointer.key("resources").index(at);
            let (Some(address), Some(resource_type), Some(values)) = (
                item.get("address").and_then(Value::as_str),
                item.get("type").and_then(Value::as_str),
                item.get("values"),
            ) else {
                continue;
            };
            let mut out = Vec::new();
            leaves(
                values,
                &item_pointer.key("values"),
                &mut Vec::new(),
                item.get("sensitive_values"),
                false,
                &mut out,
            );
            for (secret, member) in out {
                found.push(Found {
                    pointer: secret,
                    member,
                    owner: resource_owner(address, resource_type, Some(values), &item_pointer),
                    before,
                });
            }
        }
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for (at, child) in children.iter().enumerate() {
            self::module(
                Some(child),
                &pointer.key("child_modules").index(at),
                before,
                found,
            );
        }
    }
}

pub(super) fn resource_changes(document: &Value, found: &mut Vec<Found>) {
    let Some(items) = document.get("resource_changes").and_then(Value::as_array) else {
        return;
    };
    for (at, item) in items.iter().enumerate() {
        let item_pointer = Pointer::root().key("resource_changes").index(at);
        let (Some(address), Some(resource_type), Some(change)) = (
            item.get("address").and_then(Value::as_str),
            item.get("type").and_then(Value::as_str),
            item.get("change"),
        ) else {
            continue;
        };
        for (side, mask, before) in [
            ("before", "before_sensitive", true),
            ("after", "after_sensitive", false),
        ] {
            let Some(values) = change.get(side) else {
                continue;
            };
            let mut out = Vec::new();
            leaves(
                values,
                &item_pointer.key("change").key(side),
                &mut Vec::new(),
                change.get(mask),
                false,
                &mut out,
            );
            let named = change
                .get("after")
                .filter(|after| after.is_object())
                .or(Some(values));
            for (secret, member) in out {
                found.push(Found {
                    pointer: secret,
                    member,
                    owner: resource_owner(address, resource_type, named, &item_pointer),
                    before,
                });
            }
        }
    }
}

pub(super) fn outputs(
    outputs: Option<&Value>,
    pointer: &Pointer,
    before: bool,
    found: &mut Vec<Found>,
) {
    let Some(outputs) = outputs.and_then(Value::as_object) else {
        return;
    };
    for (name, output) in outputs {
        let sensitive = output.get("sensitive") == Some(&Value::Bool(true)) || is_secret_name(name);
        let Some(value) = output.get("value").filter(|_| sensitive) else {
            continue;
        };
        let output_pointer = pointer.key(name);
        let owner = value_owner(format!("output.{name}"), &output_pointer);
        whole_value(
            value,
            &output_pointer.key("value"),
            "value",
            &owner,
            before,
            found,
        );
    }
}

pub(super) fn output_changes(document: &Value, found: &mut Vec<Found>) {
    let Some(changes) = document.get("output_changes").and_then(Value::as_object) else {
        return;
    };
    for (name, change) in changes {
        let change_pointer = Pointer::root().key("output_changes").key(name);
        for (side, mask, before) in [
            ("before", "before_sensitive", true),
            ("after", "after_sensitive", false),
        ] {
            let Some(value) = change.get(side) else {
                continue;
            };
            let mut out = Vec::new();
            leaves(
                value,
                &change_pointer.key(side),
                &mut Vec::new(),
                change.get(mask),
                is_secret_name(name) || change.get(mask) == Some(&Value::Bool(true)),
                &mut out,
            );
            for (secret, _) in out {
                found.push(Found {
                    pointer: secret,
                    member: side.to_owned(),
                    owner: value_owner(format!("output.{name}"), &change_pointer),
                    before,
                });
            }
        }
    }
}
