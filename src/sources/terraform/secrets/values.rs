//! Secrets in the values of a plan or state: resource attributes (`values`, and the
//! `before`/`after` of `resource_changes`) and outputs.

use serde_json::Value;

use super::configuration::sensitive_output;
use super::{Found, Marks, record, resource_owner, value_owner};
use crate::model::{Pointer, SecretEvidence};

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
            let marks = Marks {
                mask: item.get("sensitive_values"),
                resource_type: Some(resource_type),
                ..Marks::default()
            };
            let owner = resource_owner(address, resource_type, Some(values), &item_pointer);
            record(
                values,
                &item_pointer.key("values"),
                "values",
                marks,
                &owner,
                before,
                found,
            );
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
            let named = change
                .get("after")
                .filter(|after| after.is_object())
                .or(Some(values));
            let marks = Marks {
                mask: change.get(mask),
                resource_type: Some(resource_type),
                ..Marks::default()
            };
            let owner = resource_owner(address, resource_type, named, &item_pointer);
            record(
                values,
                &item_pointer.key("change").key(side),
                side,
                marks,
                &owner,
                before,
                found,
            );
        }
    }
}

/// The outputs of a state (or of a plan's `planned_values`/`prior_state`): sensitive when
/// they say so or the configuration declares them so, else judged by name and value.
pub(super) fn outputs(
    document: &Value,
    outputs: Option<&Value>,
    pointer: &Pointer,
    before: bool,
    found: &mut Vec<Found>,
) {
    let Some(outputs) = outputs.and_then(Value::as_object) else {
        return;
    };
    for (name, output) in outputs {
        let Some(value) = output.get("value") else {
            continue;
        };
        let sensitive =
            output.get("sensitive") == Some(&Value::Bool(true)) || sensitive_output(document, name);
        let output_pointer = pointer.key(name);
        let owner = value_owner(format!("output.{name}"), &output_pointer);
        let marks = Marks {
            whole: sensitive.then_some(SecretEvidence::Terraform),
            name,
            ..Marks::default()
        };
        record(
            value,
            &output_pointer.key("value"),
            "value",
            marks,
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
        let declared = sensitive_output(document, name);
        for (side, mask, before) in [
            ("before", "before_sensitive", true),
            ("after", "after_sensitive", false),
        ] {
            let Some(value) = change.get(side) else {
                continue;
            };
            let marks = Marks {
                mask: change.get(mask),
                whole: declared.then_some(SecretEvidence::Terraform),
                name,
                ..Marks::default()
            };
            let owner = value_owner(format!("output.{name}"), &change_pointer);
            record(
                value,
                &change_pointer.key(side),
                side,
                marks,
                &owner,
                before,
                found,
            );
        }
    }
}
