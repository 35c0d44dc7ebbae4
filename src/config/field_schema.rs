//! The schemas of single config fields that schemars cannot derive: the `rules` property,
//! filled in from the registry (every rule id is a property, and each rule's `params` lists
//! exactly its declared parameters with their types, defaults and descriptions, so an editor
//! can complete and check them), and a waiver's `rule` (one of the registered ids), `reason`
//! (a visible character) and `expires` (a calendar date), as the loader requires. A leaf
//! module: `file.rs` names these functions in its `schema_with` attributes.

use std::collections::BTreeMap;

use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use crate::rules::{self, ParamType, REGISTRY, RuleMeta, metadata};

/// The schema of `rules`: one property per registered rule, nothing else.
/// `base` is the schema of one rule's settings (`RuleConfig`), which the config file's types
/// give (`file.rs` passes it in, so that this module needs nothing from them).
pub(super) fn rules_property(base: &Schema) -> Schema {
    let mut properties = Map::new();
    for (entry, meta) in REGISTRY.iter().zip(metadata()) {
        let Ok(meta) = meta else { continue };
        let mut rule = base.clone();
        rule.insert(
            "description".to_owned(),
            Value::from(format!(
                "{} (`{}`, default severity {}).",
                meta.title, entry.id, meta.severity
            )),
        );
        if let Some(Value::Object(rule_properties)) = rule.get_mut("properties") {
            rule_properties.insert("params".to_owned(), params_schema(meta));
        }
        properties.insert(entry.id.to_owned(), rule.to_value());
    }
    properties.insert(
        "paths".to_owned(),
        serde_json::json!({
            "type": "array",
            "items": {"type": "string"},
            "description": "Directories of custom Rego rules (`<namespace>/<name>.rego` with its `.yaml`), relative to this file.",
        }),
    );
    let mut custom = base.clone();
    custom.insert(
        "description".to_owned(),
        Value::from("A custom rule (`<namespace>/<name>`, from `paths` or `--rules`); custom rules take no parameters."),
    );
    json_schema!({
        "type": "object",
        "description": "Settings per rule, keyed by rule id (`iamlint rules` lists them), and `paths`, the directories of custom rules.",
        "properties": properties,
        "patternProperties": {CUSTOM_ID_PATTERN: custom.to_value()},
        "additionalProperties": false,
    })
}

/// The `params` object of one rule: its declared parameters and no others.
fn params_schema(meta: &RuleMeta) -> Value {
    let mut properties = Map::new();
    for (name, spec) in &meta.params {
        let mut param = match spec.value_type() {
            Some(value_type) => value_type.json_schema(),
            // An undeclared type is a registry-test failure; accept anything meanwhile.
            None => Value::Object(Map::new()),
        };
        if let Value::Object(param) = &mut param {
            param.insert(
                "description".to_owned(),
                Value::from(spec.description.trim()),
            );
            param.insert("default".to_owned(), spec.default.clone());
            // The rule's typed parameters are the authority on what they accept: a list
            // they refuse empty is `minItems: 1` here too.
            if spec.value_type() == Some(ParamType::StringList) {
                let empty = BTreeMap::from([(name.clone(), Value::Array(Vec::new()))]);
                if rules::validate_params(&meta.id, &empty).is_err() {
                    param.insert("minItems".to_owned(), Value::from(1));
                }
            }
        }
        properties.insert(name.clone(), param);
    }
    let description = if meta.params.is_empty() {
        format!("`{}` takes no parameters.", meta.id)
    } else {
        format!("Parameters of `{}`.", meta.id)
    };
    serde_json::json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": false,
    })
}

/// The spelling of a custom rule id: namespaced, lower-case parts (see `custom::load`).
const CUSTOM_ID_PATTERN: &str = "^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)+$";

/// A waiver's `rule`: one of the registered rule ids, or a custom rule's.
pub(super) fn rule_id(_generator: &mut SchemaGenerator) -> Schema {
    let ids: Vec<&str> = REGISTRY.iter().map(|entry| entry.id).collect();
    json_schema!({
        "type": "string",
        "anyOf": [{"enum": ids}, {"pattern": CUSTOM_ID_PATTERN}],
        "description": "The id of the rule whose findings are waived (`iamlint rules` lists them).",
    })
}

/// A waiver's `resource`: any text with something in it.
pub(super) fn resource_pattern(_generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": "\\S",
        "description": "The finding's resource: its id or CRN, or its Terraform address, exactly or as a glob (`*`, `?`, `{a,b}`; brackets are literal).",
    })
}

/// A waiver's `reason`: required, and not blank.
pub(super) fn reason(_generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": "\\S",
        "description": "Why the finding is accepted; shown wherever the waived finding is listed.",
    })
}

/// A waiver's `expires`: a calendar date (or nothing, as `expires:` alone says).
pub(super) fn date(_generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["string", "null"],
        "format": "date",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "description": "The date (YYYY-MM-DD, UTC) on which the waiver stops applying; without it, it never expires.",
    })
}
