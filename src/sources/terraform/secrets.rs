//! Where a `terraform show -json` document prints secrets in clear text: resource
//! attributes marked sensitive (`sensitive_values`, `before_sensitive`, `after_sensitive`) or
//! named like secrets (`credentials`, `credentials_json`, `apikey`), sensitive variables and
//! outputs, and secret-named constants in the configuration (a provider's
//! `ibmcloud_api_key`).
//!
//! Every place found is masked in snippets. The places of the view being checked become
//! `ExposedSecret`s: their pointer and member name only, never the value.

use serde_json::Value;

use super::TerraformView;
use crate::model::{EntityKind, EntityRef, ExposedSecret, Origin, Pointer};
use crate::sources::exports::Sink;
use crate::sources::secrets::{
    REDACTED, is_public_credential_member, is_secret_name, is_secret_pointer,
};

/// Who a secret belongs to.
struct Owner {
    kind: EntityKind,
    address: String,
    id: Option<String>,
    name: Option<String>,
    pointer: Pointer,
}

/// One secret value.
struct Found {
    pointer: Pointer,
    member: String,
    owner: Owner,
    /// Also part of the state before the plan (prior state, and what the file holds whatever
    /// the view: variables, configuration).
    before: bool,
}

/// Finds every secret of the document, marks all for masking, and records those of the view.
pub(super) fn scan(document: &Value, plan: bool, view: TerraformView, sink: &mut Sink<'_>) {
    let mut found = Vec::new();
    let root = Pointer::root();
    let trees: &[(&[&str], bool)] = if plan {
        &[
            (&["planned_values"], false),
            (&["prior_state", "values"], true),
        ]
    } else {
        &[(&["values"], true)]
    };
    for (path, before) in trees {
        let mut pointer = root.clone();
        let mut node = Some(document);
        for token in *path {
            node = node.and_then(|node| node.get(*token));
            pointer = pointer.key(token);
        }
        if let Some(values) = node {
            module(
                values.get("root_module"),
                &pointer.key("root_module"),
                *before,
                &mut found,
            );
            outputs(
                values.get("outputs"),
                &pointer.key("outputs"),
                *before,
                &mut found,
            );
        }
    }
    resource_changes(document, &mut found);
    output_changes(document, &mut found);
    variables(document, &mut found);
    configuration(document, &mut found);
    let container = if plan {
        "Terraform plan"
    } else {
        "Terraform state"
    };
    for secret in found {
        sink.secret_pointers.push(secret.pointer.clone());
        let relevant = !plan || view == TerraformView::Planned || secret.before;
        if !relevant {
            continue;
        }
        let owner = secret.owner;
        sink.builder.add_exposed_secret(ExposedSecret {
            entity: EntityRef {
                kind: owner.kind,
                id: owner.id.unwrap_or_else(|| owner.address.clone()),
                name: owner.name,
                origin: Origin::new(sink.document, owner.pointer),
                address: Some(owner.address),
            },
            member: secret.member,
            container: container.to_owned(),
            origin: Origin::new(sink.document, secret.pointer),
        });
    }
}

/// The entity kind iamlint maps a resource type to.
fn kind_of(resource_type: &str) -> EntityKind {
    match resource_type {
        "ibm_resource_instance" => EntityKind::ResourceInstance,
        "ibm_resource_key" => EntityKind::ResourceKey,
        "ibm_iam_service_id" => EntityKind::ServiceId,
        "ibm_iam_service_api_key" => EntityKind::ApiKey,
        kind if kind.starts_with("ibm_iam_") && kind.ends_with("_policy") => EntityKind::Policy,
        _ => EntityKind::TerraformValue,
    }
}

fn resource_owner(
    address: &str,
    resource_type: &str,
    values: Option<&Value>,
    pointer: &Pointer,
) -> Owner {
    let text = |name: &str| {
        values
            .and_then(|values| values.get(name))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    Owner {
        kind: kind_of(resource_type),
        address: address.to_owned(),
        id: text("crn").or_else(|| text("id")),
        name: text("name"),
        pointer: pointer.clone(),
    }
}

fn value_owner(address: String, pointer: &Pointer) -> Owner {
    Owner {
        kind: EntityKind::TerraformValue,
        address,
        id: None,
        name: None,
        pointer: pointer.clone(),
    }
}

/// Whether a sensitivity mask (`true`, or an object/array mirroring the value) marks `path`.
fn marked(mask: Option<&Value>, path: &[String]) -> bool {
    let mut current = match mask {
        Some(mask) => mask,
        None => return false,
    };
    for token in path {
        current = match current {
            Value::Bool(flag) => return *flag,
            Value::Object(members) => match members.get(token) {
                Some(next) => next,
                None => return false,
            },
            Value::Array(items) => match token.parse::<usize>().ok().and_then(|at| items.get(at)) {
                Some(next) => next,
                None => return false,
            },
            _ => return false,
        };
    }
    current == &Value::Bool(true)
}

/// Whether a leaf holds something worth hiding (not empty, not already redacted).
fn holds_secret(value: &Value) -> bool {
    match value {
        Value::String(text) => {
            let text = text.trim();
            !text.is_empty() && text != REDACTED && !text.starts_with("REDACTED")
        }
        Value::Number(_) => true,
        _ => false,
    }
}

/// Every secret leaf below `value`: marked by `mask`, named like a secret, or below a
/// secret-named member (`sensitive` marks the whole value).
fn leaves(
    value: &Value,
    pointer: &Pointer,
    path: &mut Vec<String>,
    mask: Option<&Value>,
    sensitive: bool,
    out: &mut Vec<(Pointer, String)>,
) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                path.push(name.clone());
                leaves(member, &pointer.key(name), path, mask, sensitive, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                path.push(at.to_string());
                leaves(item, &pointer.index(at), path, mask, sensitive, out);
                path.pop();
            }
        }
        leaf if holds_secret(leaf) => {
            // Terraform marks a key's whole `credentials` map sensitive; its IAM members
            // (the service ID and role) are not secrets and stay readable.
            let public = path
                .windows(2)
                .any(|pair| pair[0] == "credentials" && is_public_credential_member(&pair[1]));
            let secret = !public
                && (sensitive
                    || marked(mask, path)
                    || is_secret_pointer(pointer)
                    || path.iter().any(|token| is_secret_name(token)));
            if secret {
                out.push((pointer.clone(), path.join(".")));
            }
        }
        _ => {}
    }
}

fn module(module: Option<&Value>, pointer: &Pointer, before: bool, found: &mut Vec<Found>) {
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

fn resource_changes(document: &Value, found: &mut Vec<Found>) {
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

fn outputs(outputs: Option<&Value>, pointer: &Pointer, before: bool, found: &mut Vec<Found>) {
    let Some(outputs) = outputs.and_then(Value::as_object) else {
        return;
    };
    for (name, output) in outputs {
        let sensitive = output.get("sensitive") == Some(&Value::Bool(true)) || is_secret_name(name);
        let Some(value) = output.get("value").filter(|_| sensitive) else {
            continue;
        };
        let output_pointer = pointer.key(name);
        let mut out = Vec::new();
        leaves(
            value,
            &output_pointer.key("value"),
            &mut Vec::new(),
            None,
            true,
            &mut out,
        );
        for (secret, _) in out {
            found.push(Found {
                pointer: secret,
                member: "value".to_owned(),
                owner: value_owner(format!("output.{name}"), &output_pointer),
                before,
            });
        }
    }
}

fn output_changes(document: &Value, found: &mut Vec<Found>) {
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

fn variables(document: &Value, found: &mut Vec<Found>) {
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
        let mut out = Vec::new();
        leaves(
            value,
            &variable_pointer.key("value"),
            &mut Vec::new(),
            None,
            true,
            &mut out,
        );
        for (secret, _) in out {
            found.push(Found {
                pointer: secret,
                member: "value".to_owned(),
                owner: value_owner(format!("var.{name}"), &variable_pointer),
                before: true,
            });
        }
    }
}

/// Secret-named constants and sensitive variable defaults anywhere in `configuration`.
fn configuration(document: &Value, found: &mut Vec<Found>) {
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
            let mut out = Vec::new();
            leaves(
                default,
                &variable_pointer.key("default"),
                &mut Vec::new(),
                None,
                true,
                &mut out,
            );
            for (secret, _) in out {
                found.push(Found {
                    pointer: secret,
                    member: "default".to_owned(),
                    owner: value_owner(format!("{prefix}var.{name}"), &variable_pointer),
                    before: true,
                });
            }
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
        let mut out = Vec::new();
        leaves(
            constant,
            &argument_pointer.key("constant_value"),
            &mut Vec::new(),
            None,
            true,
            &mut out,
        );
        for (secret, _) in out {
            found.push(Found {
                pointer: secret,
                member: name.clone(),
                owner: Owner {
                    kind: owner.kind,
                    address: owner.address.clone(),
                    id: owner.id.clone(),
                    name: owner.name.clone(),
                    pointer: owner.pointer.clone(),
                },
                before: true,
            });
        }
    }
}
