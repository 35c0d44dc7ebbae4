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
}

fn severity<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Severity, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

impl RuleMeta {
    pub fn parse(yaml: &str) -> Result<Self, String> {
        serde_yaml::from_str(yaml).map_err(|error| error.to_string())
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
