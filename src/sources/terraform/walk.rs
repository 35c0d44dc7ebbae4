//! Walks the module trees of `terraform show -json` output (`planned_values`,
//! `prior_state.values`, a state's `values`) into a flat list of resource instances, and
//! reads what `resource_changes` says about each.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::address::{Address, IndexKey, parse_address};
use crate::model::{Change, Pointer};

/// One resource instance of a module tree.
#[derive(Debug)]
pub(super) struct TfResource<'a> {
    pub address: String,
    /// The address its placeholders (`<ADDRESS.crn>`, `ServiceId-<ADDRESS>`) are spelled
    /// with: the address, qualified by the root module's directory when several root
    /// modules are checked in one run (`envB/ibm_resource_key.k`), so that one address in
    /// two roots is two entities, not one merged copy.
    pub id_address: String,
    pub parsed: Address,
    /// `values`: the attributes (in a plan, those known before apply).
    pub values: Option<&'a Map<String, Value>>,
    /// The resource object itself.
    pub pointer: Pointer,
    /// What the plan does with it (`None` in a state or a prior state).
    pub change: Option<Change>,
    /// `change.after_unknown` of the plan: which attributes are computed at apply time.
    pub unknown: Option<&'a Value>,
}

impl<'a> TfResource<'a> {
    /// The value at `path` below `values`, if present.
    pub(super) fn value(&self, path: &[&str]) -> Option<&'a Value> {
        let mut current = self.values?.get(*path.first()?)?;
        for token in &path[1..] {
            current = match current {
                Value::Object(members) => members.get(*token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }

    /// The pointer of the value at `path` below `values`.
    pub(super) fn value_pointer(&self, path: &[&str]) -> Pointer {
        path.iter()
            .fold(self.pointer.key("values"), |pointer, token| {
                pointer.key(token)
            })
    }

    /// A non-empty string at `path` (`null` and `""` both mean absent).
    pub(super) fn text(&self, path: &[&str]) -> Option<String> {
        self.value(path)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    }

    /// Whether the plan marks the value at `path` as computed at apply time.
    pub(super) fn is_unknown(&self, path: &[&str]) -> bool {
        let mut current = match self.unknown {
            Some(Value::Bool(flag)) => return *flag,
            Some(value) => value,
            None => return false,
        };
        for token in path {
            current = match current {
                Value::Bool(flag) => return *flag,
                Value::Object(members) => match members.get(*token) {
                    Some(value) => value,
                    None => return false,
                },
                Value::Array(items) => {
                    match token.parse::<usize>().ok().and_then(|at| items.get(at)) {
                        Some(value) => value,
                        None => return false,
                    }
                }
                _ => return false,
            };
        }
        current == &Value::Bool(true)
    }
}

/// Collects every resource of a module tree (`root_module` and its `child_modules`), with
/// problems of shape reported as (pointer, message).
pub(super) fn resources<'a>(
    module: &'a Value,
    pointer: Pointer,
    out: &mut Vec<TfResource<'a>>,
    errors: &mut Vec<(Pointer, String)>,
) {
    let Some(module) = module.as_object() else {
        errors.push((pointer, "expected a module object".to_owned()));
        return;
    };
    if let Some(resources) = module.get("resources") {
        let Some(items) = resources.as_array() else {
            errors.push((pointer.key("resources"), "expected an array".to_owned()));
            return;
        };
        for (at, item) in items.iter().enumerate() {
            let item_pointer = pointer.key("resources").index(at);
            let address = item.get("address").and_then(Value::as_str);
            let Some((address, mut parsed)) =
                address.and_then(|text| parse_address(text).map(|parsed| (text, parsed)))
            else {
                errors.push((
                    item_pointer,
                    "expected a resource with an `address` such as `ibm_resource_key.name`"
                        .to_owned(),
                ));
                continue;
            };
            if parsed.index.is_none() {
                parsed.index = item.get("index").and_then(IndexKey::from_json);
            }
            out.push(TfResource {
                address: address.to_owned(),
                id_address: address.to_owned(),
                parsed,
                values: item.get("values").and_then(Value::as_object),
                pointer: item_pointer,
                change: None,
                unknown: None,
            });
        }
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for (at, child) in children.iter().enumerate() {
            resources(child, pointer.key("child_modules").index(at), out, errors);
        }
    }
}

/// One entry of `resource_changes`.
#[derive(Debug)]
pub(super) struct ResourceChange<'a> {
    pub address: String,
    pub kind: String,
    pub actions: Vec<&'a str>,
    pub before: Option<&'a Map<String, Value>>,
    pub after_unknown: Option<&'a Value>,
}

impl ResourceChange<'_> {
    /// The planned change, or `None` for a read or a delete.
    pub(super) fn change(&self) -> Option<Change> {
        match self.actions.as_slice() {
            ["create"] => Some(Change::Create),
            ["update"] => Some(Change::Update),
            ["no-op"] => Some(Change::NoOp),
            ["delete", "create"] | ["create", "delete"] => Some(Change::Replace),
            _ => None,
        }
    }

    /// Whether the resource that existed before is destroyed.
    pub(super) fn deletes(&self) -> bool {
        self.actions.contains(&"delete")
    }
}

/// Reads `resource_changes` (managed resources only).
pub(super) fn changes(plan: &Value) -> Vec<ResourceChange<'_>> {
    let Some(items) = plan.get("resource_changes").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|item| item.get("mode").and_then(Value::as_str) != Some("data"))
        .filter_map(|item| {
            let change = item.get("change")?;
            Some(ResourceChange {
                address: item.get("address")?.as_str()?.to_owned(),
                kind: item.get("type")?.as_str()?.to_owned(),
                actions: change
                    .get("actions")
                    .and_then(Value::as_array)
                    .map(|actions| actions.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default(),
                before: change.get("before").and_then(Value::as_object),
                after_unknown: change.get("after_unknown"),
            })
        })
        .collect()
}

/// Attaches each resource's planned change and unknown-value map.
pub(super) fn attach_changes<'a>(resources: &mut [TfResource<'a>], changes: &[ResourceChange<'a>]) {
    let by_address: HashMap<&str, &ResourceChange<'_>> = changes
        .iter()
        .map(|change| (change.address.as_str(), change))
        .collect();
    for resource in resources {
        if let Some(change) = by_address.get(resource.address.as_str()) {
            resource.change = change.change();
            resource.unknown = change.after_unknown;
        }
    }
}
