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
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `rules` and `waivers`"
)]
#[schemars(title = "iamlint configuration (iamlint.yaml)")]
pub struct ConfigFile {
    /// Settings per rule, keyed by rule id; rules not named here run with their defaults.
    #[serde(default)]
    #[schemars(schema_with = "rules_schema")]
    pub rules: BTreeMap<String, RuleConfig>,
    /// Findings accepted on purpose: counted and listed in every output, never failing a run.
    #[serde(default)]
    pub waivers: Vec<WaiverConfig>,
    /// `rules.paths`: directories of custom Rego rules, relative to the config file (read by
    /// `structural.rs`; the schema shows it under `rules`).
    #[serde(skip)]
    #[schemars(skip)]
    pub rule_paths: Vec<String>,
}

/// The schema of `rules`, with the registry's rules (see `field_schema::rules_property`).
fn rules_schema(generator: &mut SchemaGenerator) -> Schema {
    super::field_schema::rules_property(&RuleConfig::json_schema(generator))
}

/// One waiver: the findings of `rule` on `resource` are accepted, for `reason`, until `expires`.
// NOTE: the fields are `Option`s so that `validate` can report every missing one at once,
// with its place; the schema still marks them required (`schemars(required)`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a waiver (a mapping with `rule`, `resource`, `reason` and optionally `expires`)"
)]
pub struct WaiverConfig {
    /// The id of the rule whose findings are waived (`iamlint rules` lists them).
    #[schemars(required, schema_with = "super::field_schema::rule_id")]
    pub rule: Option<String>,
    /// The finding's resource: its id or CRN, or its Terraform address, exactly or as a glob (`*`, `?`, `{a,b}`; brackets are literal).
    #[schemars(required, schema_with = "super::field_schema::resource_pattern")]
    pub resource: Option<String>,
    /// Why the finding is accepted; shown wherever the waived finding is listed.
    #[schemars(required, schema_with = "super::field_schema::reason")]
    pub reason: Option<String>,
    /// The date (YYYY-MM-DD, UTC) on which the waiver stops applying; without it, it never expires.
    #[serde(default)]
    #[schemars(schema_with = "super::field_schema::date")]
    pub expires: Option<String>,
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
