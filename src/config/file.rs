//! The shape of `iamlint.yaml` as serde reads it and schemars describes it: one set of
//! types for both, so the shipped JSON Schema cannot drift from what the loader accepts.
//!
//! What serde cannot know (which rule ids exist, which parameters each rule declares and
//! their types) is checked afterwards in `validate.rs`, against the registry; the schema
//! spells the same facts out per rule (`schema.rs`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

use crate::rules::Severity;

// NOTE: the `///` docs of these types become the schema's descriptions: one line each, as
// schemars keeps line breaks.

/// `iamlint.yaml`: settings for `iamlint check` (nearest above the working directory).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a mapping with `rules`")]
#[schemars(title = "iamlint configuration (iamlint.yaml)")]
pub struct ConfigFile {
    /// Settings per rule, keyed by rule id; rules not named here run with their defaults.
    #[serde(default)]
    #[schemars(schema_with = "super::schema::rules_property")]
    pub rules: BTreeMap<String, RuleConfig>,
}

/// The settings of one rule.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping of rule settings (`enabled`, `severity`, `params`)"
)]
pub struct RuleConfig {
    /// `false` turns the rule off (`--select` on the command line turns it back on).
    pub enabled: Option<bool>,
    /// Report every finding of the rule with this severity instead of the rule's own.
    pub severity: Option<SeverityName>,
    /// Values for the rule's parameters by name (`iamlint explain <id>` lists them).
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
}

/// A severity as the config file spells it (`info` ... `critical`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityName(pub Severity);

impl<'de> Deserialize<'de> for SeverityName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map(SeverityName)
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for SeverityName {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Severity")
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        // Lowest first, the order people read a scale in.
        let names: Vec<&str> = Severity::DESCENDING
            .iter()
            .rev()
            .map(|severity| severity.as_str())
            .collect();
        json_schema!({
            "type": "string",
            "enum": names,
            "description": "How bad a finding is, lowest first. `info` never fails a run.",
        })
    }
}
