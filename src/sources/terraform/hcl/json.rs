//! Terraform's JSON configuration syntax (`.tf.json`, `.tfvars.json`), written out as the
//! native syntax it stands for, so that one evaluator reads both. Places are unaffected:
//! the span index of a JSON file is its JSON index, whose pointers
//! (`/resource/<type>/<name>/<argument>`) are the ones the native syntax's index uses.
//!
//! As in Terraform, strings in a configuration are templates (`"${var.x}"`), while variable
//! defaults and `.tfvars.json` values are literal. Which members are nested blocks depends
//! on the provider's schema; the blocks of the IBM IAM resources and Terraform's own are
//! known here, and any other member is an argument (which evaluates to the same value).

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Members that are nested blocks, not arguments.
const BLOCKS: &[&str] = &[
    "resources",
    "resource_attributes",
    "resource_tags",
    "rule_conditions",
    "conditions",
    "lifecycle",
    "timeouts",
    "provisioner",
    "connection",
    "content",
];

/// How deep JSON values nest before the text is refused (as hcl-edit refuses deeper HCL).
const MAX_DEPTH: usize = 64;

/// The native syntax of a `.tf.json` (`variables: false`) or `.tfvars.json` text; `Err`
/// has the line, the column and what was expected.
pub(crate) fn to_native(text: &str, variables: bool) -> Result<String, (usize, usize, String)> {
    let value: Value = serde_json::from_str(text).map_err(|error| {
        (
            error.line().max(1),
            error.column().max(1),
            format!("invalid JSON: {error}"),
        )
    })?;
    let Value::Object(top) = value else {
        return Err((1, 1, "expected a JSON object at the top level".to_owned()));
    };
    let mut out = String::new();
    if variables {
        for (name, value) in &top {
            if is_identifier(name) {
                let _ = writeln!(out, "{name} = {}", expression(value, Syntax::Literal, 0));
            }
        }
        return Ok(out);
    }
    for (kind, members) in &top {
        match kind.as_str() {
            "resource" | "data" => {
                for (resource_type, named) in objects(members) {
                    for (name, bodies) in objects(named) {
                        for body in bodies_of(bodies) {
                            let _ =
                                write!(out, "{kind} {} {} ", quoted(resource_type), quoted(name));
                            block(&mut out, body, Syntax::Template, 1);
                        }
                    }
                }
            }
            "module" | "output" | "provider" | "variable" => {
                let syntax = if kind == "variable" {
                    Syntax::Literal
                } else {
                    Syntax::Template
                };
                for (name, bodies) in objects(members) {
                    for body in bodies_of(bodies) {
                        let _ = write!(out, "{kind} {} ", quoted(name));
                        block(&mut out, body, syntax, 1);
                    }
                }
            }
            "locals" => {
                for body in bodies_of(members) {
                    out.push_str("locals ");
                    block(&mut out, body, Syntax::Template, 1);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// Strings are templates (a configuration).
    Template,
    /// Strings are text (variable defaults, `.tfvars.json`).
    Literal,
}

/// The members of an object, or of each object of an array of them: Terraform's JSON
/// syntax lets any level of labels be written as an array of objects
/// (`"resource": [{"ibm_iam_service_id": {...}}, {...}]`); nothing for another value.
fn objects(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    let listed: &[Value] = value.as_array().map_or(&[], Vec::as_slice);
    value
        .as_object()
        .into_iter()
        .chain(listed.iter().filter_map(Value::as_object))
        .flat_map(Map::iter)
}

/// One body, or each body of a list of them.
fn bodies_of(value: &Value) -> Vec<&Map<String, Value>> {
    match value {
        Value::Object(body) => vec![body],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

fn block(out: &mut String, body: &Map<String, Value>, syntax: Syntax, depth: usize) {
    out.push_str("{\n");
    for (name, value) in body {
        if !is_identifier(name) || depth > MAX_DEPTH {
            continue;
        }
        if name == "dynamic" {
            for (label, bodies) in objects(value) {
                for inner in bodies_of(bodies) {
                    let _ = write!(out, "dynamic {} ", quoted(label));
                    block(out, inner, syntax, depth + 1);
                }
            }
            continue;
        }
        if BLOCKS.contains(&name.as_str()) && !bodies_of(value).is_empty() {
            for inner in bodies_of(value) {
                let _ = write!(out, "{name} ");
                block(out, inner, syntax, depth + 1);
            }
            continue;
        }
        // A variable's type and validation are not values.
        if syntax == Syntax::Literal && matches!(name.as_str(), "type" | "validation") {
            continue;
        }
        let syntax = if syntax == Syntax::Literal && name == "description" {
            Syntax::Literal
        } else {
            syntax
        };
        let _ = writeln!(out, "{name} = {}", expression(value, syntax, depth));
    }
    out.push_str("}\n");
}

/// A value in HCL's native syntax. With [`Syntax::Literal`] its strings are text (`${` and
/// `%{` escaped so that they stay text); with [`Syntax::Template`] they are templates.
fn expression(value: &Value, syntax: Syntax, depth: usize) -> String {
    match value {
        Value::String(text) => match syntax {
            Syntax::Literal => quoted(text),
            Syntax::Template => template(text),
        },
        Value::Array(items) if depth <= MAX_DEPTH => format!(
            "[{}]",
            items
                .iter()
                .map(|item| expression(item, syntax, depth + 1))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(members) if depth <= MAX_DEPTH => format!(
            "{{ {} }}",
            members
                .iter()
                .map(|(key, item)| format!(
                    "{} = {}",
                    quoted(key),
                    expression(item, syntax, depth + 1)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(_) | Value::Object(_) => "null".to_owned(),
        other => other.to_string(),
    }
}

/// A template string: escapes what a quoted HCL string needs, keeps `${...}` and `%{...}`.
fn template(text: &str) -> String {
    format!("\"{}\"", escape(text, false))
}

/// A quoted HCL string holding `text` as text.
fn quoted(text: &str) -> String {
    format!("\"{}\"", escape(text, true))
}

fn escape(text: &str, literal: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if literal && chars.peek() == Some(&'{') => {
                out.push(ch);
                out.push(ch);
            }
            ch if ch.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
    out
}

/// Whether a name can be written bare in HCL.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_configuration_reads_as_its_native_syntax() {
        let text = r#"{
          "variable": {"region": {"type": "string", "default": "${not} a template"}},
          "resource": {"ibm_iam_service_policy": {"p": {
            "iam_service_id": "${ibm_iam_service_id.s.id}",
            "roles": ["Viewer"],
            "resources": {"service": "kms"}
          }}}
        }"#;
        let native = to_native(text, false).unwrap();
        assert!(
            native.contains("default = \"$${not} a template\""),
            "{native}"
        );
        assert!(
            native.contains("iam_service_id = \"${ibm_iam_service_id.s.id}\""),
            "{native}"
        );
        assert!(
            native.contains("resources {\nservice = \"kms\"\n}"),
            "{native}"
        );
        assert!(hcl_edit::parser::parse_body(&native).is_ok(), "{native}");
        let (line, _, message) = to_native("{\n  \"resource\": [,\n}", false).unwrap_err();
        assert_eq!(line, 2);
        assert!(message.starts_with("invalid JSON"));
    }

    #[test]
    fn arrays_of_objects_stand_for_their_objects_at_every_label_level() {
        let as_object = r#"{"resource": {"ibm_iam_service_id": {"a": {"name": "a"}},
            "ibm_iam_service_policy": {"p": {"roles": ["Viewer"]}}}}"#;
        let as_arrays = r#"{"resource": [
            {"ibm_iam_service_id": [{"a": {"name": "a"}}]},
            {"ibm_iam_service_policy": {"p": [{"roles": ["Viewer"]}]}}
        ]}"#;
        let native = to_native(as_object, false).ok();
        assert!(
            native
                .as_deref()
                .is_some_and(|text| text.contains("resource \"ibm_iam_service_id\" \"a\""))
        );
        assert_eq!(to_native(as_arrays, false).ok(), native);
    }
}
