//! Secrets a plan prints besides values: its `variables`, and constants and variable
//! defaults in its `configuration`.

use serde_json::Value;

use super::{Found, Owner, resource_owner, value_owner, whole_value};
use crate::model::Pointer;
use crate::sources::secrets::is_secret_name;

/// Whether the configuration declares variable `name` of the root module sensitive.
fn sensitive_variable(document: &Value, name: &str) -> bool {
    document
        .pointer(&format!(
            "/configuration/root_module/variables/{}/sensitive",
            Pointer::root().key(name).as_str().trim_start_matches('/')
        ))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub(super) fn variables(document: &Value, found: &mut Vec<Found>) {
    let Some(variables) = document.get("variables").and_then(Value::as_object) else {
        return;
    };
    for (name, variable) in variables {
        if !(sensitive_variable(document, name) || is_secret_name(name)) {
            continue;
        }
        let Some(value) = variable.get("value") else {
            continue;
        };
        let variable_pointer = Pointer::root().key("variables").key(name);
        let owner = value_owner(format!("var.{name}"), &variable_pointer);
        whole_value(
            value,
            &variable_pointer.key("value"),
            "value",
            &owner,
            true,
            found,
        );
    }
}

/// Secret-named constants and sensitive variable defaults anywhere in `configuration`.
pub(super) fn configuration(document: &Value, found: &mut Vec<Found>) {
    let Some(configuration) = document.get("configuration") else {
        return;
    };
    let pointer = Pointer::root().key("configuration");
    if let Some(providers) = configuration
        .get("provider_config")
        .and_then(Value::as_object)
    {
        for (name, provider) in providers {
            let provider_pointer = pointer.key("provider_config").key(name);
            expressions(
                provider.get("expressions"),
                &provider_pointer.key("expressions"),
                &value_owner(format!("provider.{name}"), &provider_pointer),
                found,
            );
        }
    }
    config_module(
        configuration.get("root_module"),
        &pointer.key("root_module"),
        "",
        found,
    );
}

fn config_module(module: Option<&Value>, pointer: &Pointer, prefix: &str, found: &mut Vec<Found>) {
    let Some(module) = module else { return };
    if let Some(items) = module.get("resources").and_then(Value::as_array) {
        for (at, item) in items.iter().enumerate() {
            let item_pointer = pointer.key("resources").index(at);
            let (Some(address), Some(resource_type)) = (
                item.get("address").and_then(Value::as_str),
                item.get("type").and_then(Value::as_str),
            ) else {
                continue;
            };
            let owner = resource_owner(
                &format!("{prefix}{address}"),
                resource_type,
                None,
                &item_pointer,
            );
            expressions(
                item.get("expressions"),
                &item_pointer.key("expressions"),
                &owner,
                found,
            );
        }
    }
    if let Some(variables) = module.get("variables").and_then(Value::as_object) {
        for (name, variable) in variables {
            let sensitive =
                variable.get("sensitive") == Some(&Value::Bool(true)) || is_secret_name(name);
            let Some(default) = variable.get("default").filter(|_| sensitive) else {
                continue;
            };
            let variable_pointer = pointer.key("variables").key(name);
            let owner = value_owner(format!("{prefix}var.{name}"), &variable_pointer);
            whole_value(
                default,
                &variable_pointer.key("default"),
                "default",
                &owner,
                true,
                found,
            );
        }
    }
    if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
        for (name, call) in calls {
            let call_pointer = pointer.key("module_calls").key(name);
            let child = format!("{prefix}module.{name}.");
            expressions(
                call.get("expressions"),
                &call_pointer.key("expressions"),
                &value_owner(format!("{prefix}module.{name}"), &call_pointer),
                found,
            );
            config_module(
                call.get("module"),
                &call_pointer.key("module"),
                &child,
                found,
            );
        }
    }
}

/// `constant_value`s of secret-named arguments (nested blocks included).
fn expressions(map: Option<&Value>, pointer: &Pointer, owner: &Owner, found: &mut Vec<Found>) {
    let Some(arguments) = map.and_then(Value::as_object) else {
        return;
    };
    for (name, expression) in arguments {
        let argument_pointer = pointer.key(name);
        let blocks: Vec<(Pointer, &Value)> = match expression {
            Value::Array(blocks) => blocks
                .iter()
                .enumerate()
                .map(|(at, block)| (argument_pointer.index(at), block))
                .collect(),
            _ => Vec::new(),
        };
        for (block_pointer, block) in blocks {
            expressions(Some(block), &block_pointer, owner, found);
        }
        let Some(constant) = expression.get("constant_value") else {
            continue;
        };
        if !is_secret_name(name) {
            continue;
        }
        whole_value(
            constant,
            &argument_pointer.key("constant_value"),
            name,
            owner,
            true,
            found,
        );
    }
}
