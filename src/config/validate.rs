//! What serde cannot check in a config file: that each rule id exists, and that each
//! parameter is one the rule declares, with a value its typed `Params` accept. Every mistake
//! is collected (not only the first), each with the pointer of the offending key or value.

use std::collections::BTreeMap;

use serde_json::Value;

use super::RuleSettings;
use super::error::{ConfigError, Target};
use super::file::ConfigFile;
use crate::model::Pointer;
use crate::rules::{self, RuleMeta, lookup};

/// The validated settings per rule id, and every mistake found.
pub(super) fn validate(file: &ConfigFile) -> (BTreeMap<String, RuleSettings>, Vec<ConfigError>) {
    let mut settings = BTreeMap::new();
    let mut errors = Vec::new();
    for (id, rule) in &file.rules {
        let rule_pointer = Pointer::root().key("rules").key(id);
        let Some(meta) = rules::meta(id) else {
            // A custom rule (loaded after the config, from its `paths`): its settings are
            // kept as written; it takes no parameters.
            if lookup::is_custom_id(id) {
                settings.insert(
                    id.clone(),
                    RuleSettings {
                        enabled: rule.enabled,
                        severity: rule.severity.map(|name| name.0),
                        params: BTreeMap::new(),
                    },
                );
                continue;
            }
            if !lookup::exists(id) {
                errors.push(
                    ConfigError::at_pointer(
                        rule_pointer,
                        Target::Key,
                        format!(
                            "unknown rule `{id}`{}",
                            lookup::did_you_mean(lookup::suggest_rule(id))
                        ),
                        "no rule has this id",
                    )
                    .help("`iamlint rules` lists every rule id"),
                );
            }
            continue;
        };
        let mut params = BTreeMap::new();
        for (name, value) in &rule.params {
            let param_pointer = rule_pointer.key("params").key(name);
            if let Some(value) = check_param(meta, name, value, param_pointer, &mut errors) {
                params.insert(name.clone(), value);
            }
        }
        // What the value type cannot say (a list that must not be empty, say), the rule's
        // typed parameters do; tried one parameter at a time, so each error has its place.
        let refused: Vec<String> = params
            .iter()
            .filter_map(|(name, value)| {
                let alone = BTreeMap::from([(name.clone(), value.clone())]);
                let why = rules::validate_params(id, &alone).err()?;
                errors.push(
                    ConfigError::at_pointer(
                        rule_pointer.key("params").key(name),
                        Target::Value,
                        format!("parameter `{name}` of rule `{id}`: {why}"),
                        "not accepted by the rule",
                    )
                    .help(format!("see `iamlint explain {id}`")),
                );
                Some(name.clone())
            })
            .collect();
        for name in refused {
            params.remove(&name);
        }
        settings.insert(
            id.clone(),
            RuleSettings {
                enabled: rule.enabled,
                severity: rule.severity.map(|name| name.0),
                params,
            },
        );
    }
    (settings, errors)
}

/// The parameter's value as the rule reads it; `None` after pushing why it is not
/// acceptable.
fn check_param(
    meta: &RuleMeta,
    name: &str,
    value: &Value,
    pointer: Pointer,
    errors: &mut Vec<ConfigError>,
) -> Option<Value> {
    let Some(spec) = meta.params.get(name) else {
        let known: Vec<&str> = meta.params.keys().map(String::as_str).collect();
        let help = if known.is_empty() {
            format!("`{}` takes no parameters", meta.id)
        } else {
            format!("`{}` takes: {}", meta.id, known.join(", "))
        };
        errors.push(
            ConfigError::at_pointer(
                pointer,
                Target::Key,
                format!(
                    "rule `{}` has no parameter `{name}`{}",
                    meta.id,
                    lookup::did_you_mean(lookup::suggest(name, known.iter().copied()))
                ),
                "unknown parameter",
            )
            .help(help),
        );
        return None;
    };
    let Some(value_type) = spec.value_type() else {
        // The rule's YAML leaves the type open (the registry test rejects that); take
        // the value as it is rather than refuse a config for the rule's omission.
        return Some(value.clone());
    };
    let normalized = value_type.normalize(value);
    if normalized.is_none() {
        errors.push(
            ConfigError::at_pointer(
                pointer,
                Target::Value,
                format!(
                    "parameter `{name}` of rule `{}` must be {}",
                    meta.id,
                    value_type.describe()
                ),
                format!("expected {}", value_type.describe()),
            )
            .help(format!("its default is {}", spec.default)),
        );
    }
    normalized
}
