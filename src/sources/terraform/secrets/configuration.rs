//! Secrets a plan prints besides values: its `variables`, and constants and variable
//! defaults in its `configuration`. Here the configuration also says what is sensitive:
//! `sensitive = true` on variables and outputs, and which variables feed a credential of the
//! IBM provider (`ibmcloud_api_key = var.x`, `apikey = var.y`).

use std::collections::HashSet;

use serde_json::Value;

use super::provider::{is_provider_credential, sensitive_depth};
use super::{Found, Marks, Owner, record, resource_owner, value_owner};
use crate::model::{Pointer, SecretEvidence};

/// Whether the configuration declares root output `name` sensitive.
pub(super) fn sensitive_output(document: &Value, name: &str) -> bool {
    document
        .get("configuration")
        .and_then(|configuration| configuration.get("root_module"))
        .and_then(|module| module.get("outputs"))
        .and_then(|outputs| outputs.get(name))
        .and_then(|output| output.get("sensitive"))
        == Some(&Value::Bool(true))
}

/// Whether a module's configuration declares its variable `name` sensitive.
fn sensitive_variable(module: Option<&Value>, name: &str) -> bool {
    module
        .and_then(|module| module.get("variables"))
        .and_then(|variables| variables.get(name))
        .and_then(|variable| variable.get("sensitive"))
        == Some(&Value::Bool(true))
}

/// The evidence a module's variable carries as a whole: declared sensitive, or feeding a
/// credential of the provider.
fn variable_evidence(
    module: Option<&Value>,
    fed: &HashSet<String>,
    name: &str,
) -> Option<SecretEvidence> {
    if sensitive_variable(module, name) {
        Some(SecretEvidence::Terraform)
    } else if fed.contains(name) {
        Some(SecretEvidence::Provider)
    } else {
        None
    }
}

/// The provider blocks of the root module: `(provider name, expressions)`.
fn root_providers(document: &Value) -> Vec<(&str, &Value)> {
    let Some(providers) = document
        .pointer("/configuration/provider_config")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    providers
        .iter()
        .filter(|(_, provider)| provider.get("module_address").is_none())
        .filter_map(|(key, provider)| {
            let name = provider
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_else(|| key.split('.').next().unwrap_or(key));
            Some((name, provider.get("expressions")?))
        })
        .collect()
}

/// The variables of `module` that feed a credential: a provider-sensitive attribute of one
/// of its resources, or (for the root module) a credential argument of the `ibm` provider.
fn fed_variables(module: Option<&Value>, providers: &[(&str, &Value)]) -> HashSet<String> {
    let mut fed = HashSet::new();
    for (name, expressions) in providers {
        if let Some(arguments) = expressions.as_object() {
            for (argument, expression) in arguments {
                if is_provider_credential(name, argument) {
                    referenced_variables(expression, &mut fed);
                }
            }
        }
    }
    let resources = module
        .and_then(|module| module.get("resources"))
        .and_then(Value::as_array);
    for item in resources.into_iter().flatten() {
        if let Some(resource_type) = item.get("type").and_then(Value::as_str) {
            sensitive_references(
                item.get("expressions"),
                resource_type,
                &mut Vec::new(),
                &mut fed,
            );
        }
    }
    fed
}

fn sensitive_references(
    map: Option<&Value>,
    resource_type: &str,
    path: &mut Vec<String>,
    fed: &mut HashSet<String>,
) {
    let Some(arguments) = map.and_then(Value::as_object) else {
        return;
    };
    for (name, expression) in arguments {
        path.push(name.clone());
        match expression {
            Value::Array(blocks) => {
                for block in blocks {
                    sensitive_references(Some(block), resource_type, path, fed);
                }
            }
            expression => {
                let attributes: Vec<&str> = path.iter().map(String::as_str).collect();
                if sensitive_depth(resource_type, &attributes).is_some() {
                    referenced_variables(expression, fed);
                }
            }
        }
        path.pop();
    }
}

/// The `var.<name>` an expression's `references` name.
fn referenced_variables(expression: &Value, fed: &mut HashSet<String>) {
    let references = expression.get("references").and_then(Value::as_array);
    for reference in references.into_iter().flatten().filter_map(Value::as_str) {
        if let Some(rest) = reference.strip_prefix("var.") {
            let name = rest.split(['.', '[']).next().unwrap_or(rest);
            if !name.is_empty() {
                fed.insert(name.to_owned());
            }
        }
    }
}

pub(super) fn variables(document: &Value, found: &mut Vec<Found>) {
    let Some(variables) = document.get("variables").and_then(Value::as_object) else {
        return;
    };
    let root = document.pointer("/configuration/root_module");
    let fed = fed_variables(root, &root_providers(document));
    for (name, variable) in variables {
        let Some(value) = variable.get("value") else {
            continue;
        };
        let variable_pointer = Pointer::root().key("variables").key(name);
        let owner = value_owner(format!("var.{name}"), &variable_pointer);
        let marks = Marks {
            whole: variable_evidence(root, &fed, name),
            name,
            ..Marks::default()
        };
        record(
            value,
            &variable_pointer.key("value"),
            "value",
            marks,
            &owner,
            true,
            found,
        );
    }
}

/// Constants and variable defaults anywhere in `configuration`.
pub(super) fn configuration(document: &Value, found: &mut Vec<Found>) {
    let Some(configuration) = document.get("configuration") else {
        return;
    };
    let pointer = Pointer::root().key("configuration");
    if let Some(providers) = configuration
        .get("provider_config")
        .and_then(Value::as_object)
    {
        for (key, provider) in providers {
            let provider_pointer = pointer.key("provider_config").key(key);
            let name = provider
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_else(|| key.split('.').next().unwrap_or(key));
            expressions(
                provider.get("expressions"),
                &provider_pointer.key("expressions"),
                Arguments::Provider(name),
                &mut Vec::new(),
                &value_owner(format!("provider.{key}"), &provider_pointer),
                found,
            );
        }
    }
    let providers = root_providers(document);
    config_module(
        configuration.get("root_module"),
        &pointer.key("root_module"),
        "",
        &providers,
        found,
    );
}

fn config_module(
    module: Option<&Value>,
    pointer: &Pointer,
    prefix: &str,
    providers: &[(&str, &Value)],
    found: &mut Vec<Found>,
) {
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
                Arguments::Resource(resource_type),
                &mut Vec::new(),
                &owner,
                found,
            );
        }
    }
    let fed = fed_variables(Some(module), providers);
    if let Some(variables) = module.get("variables").and_then(Value::as_object) {
        for (name, variable) in variables {
            let Some(default) = variable.get("default") else {
                continue;
            };
            let variable_pointer = pointer.key("variables").key(name);
            let owner = value_owner(format!("{prefix}var.{name}"), &variable_pointer);
            let marks = Marks {
                whole: variable_evidence(Some(module), &fed, name),
                name,
                ..Marks::default()
            };
            record(
                default,
                &variable_pointer.key("default"),
                "default",
                marks,
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
            let called = call.get("module");
            expressions(
                call.get("expressions"),
                &call_pointer.key("expressions"),
                Arguments::ModuleCall {
                    module: called,
                    fed: &fed_variables(called, &[]),
                },
                &mut Vec::new(),
                &value_owner(format!("{prefix}module.{name}"), &call_pointer),
                found,
            );
            config_module(called, &call_pointer.key("module"), &child, &[], found);
        }
    }
}

/// Whose arguments an `expressions` map holds, for what the provider or a module says of
/// them.
#[derive(Clone, Copy)]
enum Arguments<'a> {
    /// A provider block, by provider name.
    Provider(&'a str),
    /// A resource (or data source), by type.
    Resource(&'a str),
    /// A module call: its arguments are the called module's variables.
    ModuleCall {
        module: Option<&'a Value>,
        fed: &'a HashSet<String>,
    },
}

impl Arguments<'_> {
    /// The evidence an argument at `path` carries as a whole.
    fn evidence(self, path: &[String]) -> Option<SecretEvidence> {
        let attributes: Vec<&str> = path.iter().map(String::as_str).collect();
        match self {
            Self::Provider(name) => attributes
                .last()
                .is_some_and(|argument| {
                    attributes.len() == 1 && is_provider_credential(name, argument)
                })
                .then_some(SecretEvidence::Provider),
            Self::Resource(resource_type) => {
                sensitive_depth(resource_type, &attributes).map(|_| SecretEvidence::Provider)
            }
            Self::ModuleCall { module, fed } => match attributes.as_slice() {
                [variable] => variable_evidence(module, fed, variable),
                _ => None,
            },
        }
    }
}

/// `constant_value`s of arguments (nested blocks included).
fn expressions(
    map: Option<&Value>,
    pointer: &Pointer,
    arguments: Arguments<'_>,
    path: &mut Vec<String>,
    owner: &Owner,
    found: &mut Vec<Found>,
) {
    let Some(members) = map.and_then(Value::as_object) else {
        return;
    };
    for (name, expression) in members {
        let argument_pointer = pointer.key(name);
        path.push(name.clone());
        if let Value::Array(blocks) = expression {
            for (at, block) in blocks.iter().enumerate() {
                expressions(
                    Some(block),
                    &argument_pointer.index(at),
                    arguments,
                    path,
                    owner,
                    found,
                );
            }
        } else if let Some(constant) = expression.get("constant_value") {
            let marks = Marks {
                whole: arguments.evidence(path),
                name,
                ..Marks::default()
            };
            let constant_pointer = argument_pointer.key("constant_value");
            let start = found.len();
            record(constant, &constant_pointer, name, marks, owner, true, found);
            // A member of a constant map is named from its argument: `data.token`.
            for secret in found.iter_mut().skip(start) {
                if secret.pointer != constant_pointer {
                    secret.member = format!("{name}.{}", secret.member);
                }
            }
        }
        path.pop();
    }
}
