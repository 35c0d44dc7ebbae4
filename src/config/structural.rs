//! The structural pass over a parsed config file: its mappings and lists as serde reads
//! them, one entry at a time. serde stops at the first mistake (`deny_unknown_fields` at
//! the first unknown field), so reading the whole file in one go would hide every other
//! mistake behind the first; here each unknown field is reported and left out, and each
//! rule and waiver is read on its own, so that one run lists them all.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{ConfigError, Target};
use super::file::{ConfigFile, RuleConfig, WaiverConfig};
use crate::model::Pointer;
use crate::sources::error::sanitize_serde_message;

/// The members of each mapping, as the types in `file.rs` declare them.
const TOP_FIELDS: &[&str] = &["rules", "waivers"];
const RULE_FIELDS: &[&str] = &["enabled", "severity", "params"];
/// The key of `rules` that lists custom rule directories; no rule has this id.
pub(super) const RULE_PATHS: &str = "paths";
const WAIVER_FIELDS: &[&str] = &["rule", "resource", "reason", "expires"];

/// What the structural pass read.
pub(super) struct Read {
    /// The rules (one whose settings are wrong is kept with default settings, so that its
    /// id is still checked); `waivers` is left empty, see `waivers`.
    pub(super) file: ConfigFile,
    /// The waivers that could be read, with their index in the file's list (the pointers
    /// of later mistakes must name the right entry).
    pub(super) waivers: Vec<(usize, WaiverConfig)>,
    pub(super) errors: Vec<ConfigError>,
}

/// Reads `value` (not null) entry by entry, collecting every structural mistake.
pub(super) fn read(value: &Value) -> Read {
    let root = Pointer::root();
    let mut read = Read {
        file: ConfigFile::default(),
        waivers: Vec::new(),
        errors: Vec::new(),
    };
    let Some(top) = value.as_object() else {
        if value.is_array() {
            read.errors.push(list_error(root));
        } else if let Err(error) = serde_path_to_error::deserialize::<_, ConfigFile>(value) {
            read.errors.push(structural_error(&error, &root));
        }
        return read;
    };
    unknown_fields(top, TOP_FIELDS, &root, &mut read.errors);
    if let Some(rules) = top.get("rules") {
        match rules.as_object() {
            Some(rules) => {
                for (id, settings) in rules {
                    let at = root.key("rules").key(id);
                    if id == RULE_PATHS {
                        read.file.rule_paths = rule_paths(settings, &at, &mut read.errors);
                        continue;
                    }
                    let config = entry::<RuleConfig>(settings, RULE_FIELDS, &at, &mut read.errors);
                    read.file
                        .rules
                        .insert(id.clone(), config.unwrap_or_default());
                }
            }
            None => whole("rules", rules, &mut read.errors),
        }
    }
    if let Some(waivers) = top.get("waivers") {
        match waivers.as_array() {
            Some(waivers) => {
                for (index, waiver) in waivers.iter().enumerate() {
                    let at = root.key("waivers").index(index);
                    if let Some(waiver) =
                        entry::<WaiverConfig>(waiver, WAIVER_FIELDS, &at, &mut read.errors)
                    {
                        read.waivers.push((index, waiver));
                    }
                }
            }
            None => whole("waivers", waivers, &mut read.errors),
        }
    }
    read
}

/// `rules.paths`: the directories of custom rules, a list of strings.
fn rule_paths(value: &Value, at: &Pointer, errors: &mut Vec<ConfigError>) -> Vec<String> {
    match serde_path_to_error::deserialize::<_, Vec<String>>(value) {
        Ok(paths) => paths,
        Err(error) => {
            errors.push(structural_error(&error, at));
            Vec::new()
        }
    }
}

/// A top-level member of the wrong type: serde's own error for it (`expected a map`).
fn whole(member: &str, value: &Value, errors: &mut Vec<ConfigError>) {
    let mut alone = Map::new();
    alone.insert(member.to_owned(), value.clone());
    if let Err(error) = serde_path_to_error::deserialize::<_, ConfigFile>(&Value::Object(alone)) {
        errors.push(structural_error(&error, &Pointer::root()));
    }
}

/// One rule's settings or one waiver: its unknown fields reported and left out, then the
/// rest read by serde.
fn entry<T: DeserializeOwned>(
    value: &Value,
    fields: &'static [&'static str],
    at: &Pointer,
    errors: &mut Vec<ConfigError>,
) -> Option<T> {
    // serde would take a list for a struct (its fields in order); the schema says mapping.
    if value.is_array() {
        errors.push(list_error(at.clone()));
        return None;
    }
    let known = match value.as_object() {
        Some(object) => {
            unknown_fields(object, fields, at, errors);
            Value::Object(
                object
                    .iter()
                    .filter(|(name, _)| fields.contains(&name.as_str()))
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect(),
            )
        }
        None => value.clone(),
    };
    match serde_path_to_error::deserialize(&known) {
        Ok(read) => Some(read),
        Err(error) => {
            errors.push(structural_error(&error, at));
            None
        }
    }
}

/// An error per member of `object` that is not one of `fields`, worded as serde words it.
fn unknown_fields(
    object: &Map<String, Value>,
    fields: &'static [&'static str],
    at: &Pointer,
    errors: &mut Vec<ConfigError>,
) {
    for name in object.keys() {
        if !fields.contains(&name.as_str()) {
            let message = <serde_json::Error as serde::de::Error>::unknown_field(name, fields);
            errors.push(
                ConfigError::at_pointer(
                    at.key(name),
                    Target::Key,
                    sanitize_serde_message(&message.to_string()),
                    "unknown field",
                )
                .help(SCHEMA_HELP),
            );
        }
    }
}

const SCHEMA_HELP: &str = "`iamlint schema config` prints the JSON Schema of this file";

/// A list where the file (or one rule's settings, or one waiver) must be a mapping.
fn list_error(pointer: Pointer) -> ConfigError {
    ConfigError::at_pointer(
        pointer,
        Target::Value,
        "expected a mapping (`name: value` lines), found a list",
        "wrong type",
    )
    .help(SCHEMA_HELP)
}

/// A serde error (wrong type, bad severity) at the member it names, below `at`.
fn structural_error(
    error: &serde_path_to_error::Error<serde_json::Error>,
    at: &Pointer,
) -> ConfigError {
    let mut pointer = at.clone();
    for segment in error.path().iter() {
        pointer = match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.index(*index),
            serde_path_to_error::Segment::Map { key } => pointer.key(key),
            serde_path_to_error::Segment::Enum { variant } => pointer.key(variant),
            serde_path_to_error::Segment::Unknown => break,
        };
    }
    let message = sanitize_serde_message(&error.inner().to_string());
    let (target, label) = if message.starts_with("unknown field") {
        (Target::Key, "unknown field")
    } else if message.starts_with("invalid type") {
        (Target::Value, "wrong type")
    } else if message.starts_with("unknown severity") {
        (Target::Value, "not a severity")
    } else {
        (Target::Value, "invalid value")
    };
    ConfigError::at_pointer(pointer, target, message, label).help(SCHEMA_HELP)
}
