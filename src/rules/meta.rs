//! Rule metadata, read from `rules/<id>.yaml` (compiled into the binary).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::finding::Severity;

/// A reference: a documentation page or a benchmark control.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

/// One tunable of a rule and its default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub default: serde_json::Value,
    pub description: String,
    /// The value type, when the default does not show it (an empty list, say).
    #[serde(default, rename = "type")]
    pub declared_type: Option<ParamType>,
}

impl ParamSpec {
    /// The type a value of this parameter must have: the declared one, else the default's.
    pub fn value_type(&self) -> Option<ParamType> {
        self.declared_type.or_else(|| ParamType::of(&self.default))
    }
}

/// The value types a rule parameter can have; config values are checked against them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamType {
    /// A whole number, zero or more (counts, limits, days).
    Integer,
    /// Any number.
    Number,
    Boolean,
    String,
    /// A list of strings (service names, say).
    StringList,
}

impl ParamType {
    /// The type a default value shows; `None` when it is ambiguous (an empty list, `null`).
    pub fn of(value: &serde_json::Value) -> Option<Self> {
        use serde_json::Value;
        match value {
            Value::Number(number) if number.is_u64() => Some(Self::Integer),
            Value::Number(_) => Some(Self::Number),
            Value::Bool(_) => Some(Self::Boolean),
            Value::String(_) => Some(Self::String),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                Some(Self::StringList)
            }
            Value::Array(_) | Value::Null | Value::Object(_) => None,
        }
    }

    /// `value` as rules read it, or `None` when it is not of this type. JSON Schema counts
    /// `20.0` as an integer, so it is one here too (and becomes `20`).
    pub fn normalize(self, value: &serde_json::Value) -> Option<serde_json::Value> {
        use serde_json::Value;
        let fits = match self {
            Self::Integer => {
                if value.is_u64() {
                    true
                } else {
                    // A whole float in range converts exactly (`as` saturates, and -0.0 is 0).
                    let whole = value.as_f64().filter(|number| {
                        number.fract() == 0.0 && *number >= 0.0 && *number <= u64::MAX as f64
                    });
                    return whole.map(|number| Value::from(number as u64));
                }
            }
            Self::Number => value.is_number(),
            Self::Boolean => value.is_boolean(),
            Self::String => value.is_string(),
            Self::StringList => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
        };
        fits.then(|| value.clone())
    }

    /// The short name `iamlint explain` shows.
    pub fn name(self) -> &'static str {
        match self {
            Self::Integer => "whole number",
            Self::Number => "number",
            Self::Boolean => "true/false",
            Self::String => "string",
            Self::StringList => "list of strings",
        }
    }

    /// What a value of this type is, for error messages ("expected ...").
    pub fn describe(self) -> &'static str {
        match self {
            Self::Integer => "a whole number (0 or more)",
            Self::Number => "a number",
            Self::Boolean => "true or false",
            Self::String => "a string",
            Self::StringList => "a list of strings",
        }
    }

    /// The JSON Schema of a value of this type.
    pub fn json_schema(self) -> serde_json::Value {
        match self {
            Self::Integer => serde_json::json!({"type": "integer", "minimum": 0}),
            Self::Number => serde_json::json!({"type": "number"}),
            Self::Boolean => serde_json::json!({"type": "boolean"}),
            Self::String => serde_json::json!({"type": "string"}),
            Self::StringList => {
                serde_json::json!({"type": "array", "items": {"type": "string"}})
            }
        }
    }
}

/// Example fixtures named in the metadata; a test checks they behave as declared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: Option<String>,
    pub good: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    #[serde(deserialize_with = "severity")]
    pub severity: Severity,
    pub category: String,
    pub summary: String,
    pub rationale: String,
    /// Prose: how to fix it.
    pub remediation: String,
    /// The command (or change) with `<PLACEHOLDERS>`; findings fill in the real values.
    pub fix: String,
    pub references: Vec<Reference>,
    #[serde(default)]
    pub params: BTreeMap<String, ParamSpec>,
    #[serde(default)]
    pub examples: Examples,
    /// The CIS IBM Cloud Foundations Benchmark controls the rule checks (`"1.3"`). Custom
    /// rules name them here; built-in rules are mapped in `rules/benchmarks/cis.yaml`.
    #[serde(default)]
    pub cis: Vec<String>,
}

fn severity<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Severity, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

impl RuleMeta {
    pub fn parse(yaml: &str) -> Result<Self, String> {
        serde_yaml::from_str(yaml).map_err(|error| error.to_string())
    }

    /// The `fix` steps, one per line (commands and the `# ...` lines between them), without
    /// the YAML block's indentation: a renderer must keep the lines apart, since a `#` line
    /// joined to the next step would comment it out.
    pub fn fix_steps(&self) -> String {
        self.fix
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The `fix` command with each `<NAME>` replaced by its value.
    pub fn fix_with(&self, values: &[(&str, &str)]) -> String {
        let mut command = self.fix.trim().to_owned();
        for (name, value) in values {
            command = command.replace(&format!("<{name}>"), value);
        }
        command
    }
}
