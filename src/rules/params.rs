//! Typed rule parameters.
//!
//! A rule that takes parameters declares them twice, for two readers: in `rules/<id>.yaml`
//! (defaults and descriptions, for users and the config schema) and as a `Params` struct in
//! its module (for its logic). [`fill`] joins them: the YAML defaults, overlaid with the
//! user's values, deserialized into the struct. The same call validates a config file when
//! it loads (`RuleEntry::validate`), so a value the struct refuses is a config error with a
//! location, never a silent fallback at run time; the registry test fills every rule's
//! struct from its YAML alone, so the two declarations cannot drift apart.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::RuleMeta;

/// The parameters of a rule that takes only an age in days (`apikey-unused`,
/// `user-inactive`; each YAML gives its own default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Days {
    pub days: u64,
}

/// The parameters of a rule that takes none.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// The rule's defaults from its YAML, overlaid with `overrides`, as the rule's `P`.
pub fn fill<P: DeserializeOwned>(
    meta: &RuleMeta,
    overrides: &BTreeMap<String, Value>,
) -> Result<P, String> {
    let mut values: Map<String, Value> = meta
        .params
        .iter()
        .map(|(name, spec)| (name.clone(), spec.default.clone()))
        .collect();
    values.extend(
        overrides
            .iter()
            .map(|(name, value)| (name.clone(), value.clone())),
    );
    serde_json::from_value(Value::Object(values)).map_err(|error| error.to_string())
}

/// A list that must name at least one item (an empty list of audited services would turn
/// a rule off without saying so; `enabled: false` does that openly).
pub fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let items = Vec::<String>::deserialize(deserializer)?;
    if items.is_empty() {
        return Err(D::Error::custom("the list must name at least one item"));
    }
    Ok(items)
}
