//! The Terraform functions iamlint evaluates: those IAM configurations use to build names,
//! lists and maps. Any other function is unknown, with its name as the reason.

use serde_json::{Map, Value};

use super::eval::json_number;
use super::value::Val;

/// Calls function `name`; unknown arguments make an unknown result.
pub(crate) fn call(name: &str, args: Vec<Val>) -> Val {
    if args.iter().any(|arg| arg.known().is_none()) {
        return Val::unknown_from(args.iter());
    }
    let values: Vec<&Value> = args.iter().filter_map(Val::known).collect();
    let result = match (name, values.as_slice()) {
        ("tostring", [value]) => text_of(value).map(Value::String),
        ("tonumber", [value]) => match value {
            Value::Number(_) => Some((*value).clone()),
            Value::String(text) => text.trim().parse::<f64>().ok().map(json_number),
            _ => None,
        },
        ("tobool", [value]) => match value {
            Value::Bool(_) => Some((*value).clone()),
            Value::String(text) => text.parse::<bool>().ok().map(Value::Bool),
            _ => None,
        },
        ("tolist" | "toset", [Value::Array(items)]) => {
            let mut items = items.clone();
            if name == "toset" {
                items.sort_by_key(ToString::to_string);
                items.dedup();
            }
            Some(Value::Array(items))
        }
        ("tomap", [Value::Object(members)]) => Some(Value::Object(members.clone())),
        ("lower", [Value::String(text)]) => Some(Value::String(text.to_lowercase())),
        ("upper", [Value::String(text)]) => Some(Value::String(text.to_uppercase())),
        ("trimspace", [Value::String(text)]) => Some(Value::String(text.trim().to_owned())),
        ("join", [Value::String(separator), rest @ ..]) => {
            let mut parts = Vec::new();
            for list in rest {
                let Value::Array(items) = list else {
                    return unknown(name);
                };
                for item in items {
                    let Some(text) = text_of(item) else {
                        return unknown(name);
                    };
                    parts.push(text);
                }
            }
            Some(Value::String(parts.join(separator)))
        }
        ("split", [Value::String(separator), Value::String(text)]) if !separator.is_empty() => {
            Some(Value::Array(
                text.split(separator.as_str())
                    .map(|part| Value::String(part.to_owned()))
                    .collect(),
            ))
        }
        ("replace", [Value::String(text), Value::String(from), Value::String(to)])
            if !from.starts_with('/') =>
        {
            Some(Value::String(text.replace(from.as_str(), to)))
        }
        ("concat", lists) => {
            let mut out = Vec::new();
            for list in lists {
                let Value::Array(items) = list else {
                    return unknown(name);
                };
                out.extend(items.iter().cloned());
            }
            Some(Value::Array(out))
        }
        ("merge", maps) => {
            let mut out = Map::new();
            for map in maps {
                match map {
                    Value::Object(members) => {
                        out.extend(members.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                    Value::Null => {}
                    _ => return unknown(name),
                }
            }
            Some(Value::Object(out))
        }
        ("keys", [Value::Object(members)]) => Some(Value::Array(
            members
                .keys()
                .map(|key| Value::String(key.clone()))
                .collect(),
        )),
        ("values", [Value::Object(members)]) => {
            Some(Value::Array(members.values().cloned().collect()))
        }
        ("length", [value]) => match value {
            Value::Array(items) => Some(Value::from(items.len())),
            Value::Object(members) => Some(Value::from(members.len())),
            Value::String(text) => Some(Value::from(text.chars().count())),
            _ => None,
        },
        ("element", [Value::Array(items), Value::Number(at)]) if !items.is_empty() => at
            .as_u64()
            .and_then(|at| usize::try_from(at).ok())
            .and_then(|at| items.get(at % items.len()).cloned()),
        ("lookup", [Value::Object(members), Value::String(key), rest @ ..]) => members
            .get(key)
            .cloned()
            .or_else(|| rest.first().map(|v| (*v).clone())),
        ("contains", [Value::Array(items), value]) => Some(Value::Bool(items.contains(value))),
        ("distinct", [Value::Array(items)]) => {
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                if !out.contains(item) {
                    out.push(item.clone());
                }
            }
            Some(Value::Array(out))
        }
        ("flatten", [Value::Array(items)]) => Some(Value::Array(flatten(items))),
        ("coalesce", values) => values
            .iter()
            .find(|value| !value.is_null() && value.as_str() != Some(""))
            .map(|value| (*value).clone()),
        ("jsonencode", [value]) => serde_json::to_string(value).ok().map(Value::String),
        ("jsondecode", [Value::String(text)]) => serde_json::from_str(text).ok(),
        ("format", [Value::String(pattern), rest @ ..]) => format(pattern, rest),
        _ => return unknown(name),
    };
    result.map_or_else(|| unknown(name), Val::Known)
}

fn unknown(name: &str) -> Val {
    Val::unknown(format!(
        "function `{name}(...)` is not evaluated by iamlint"
    ))
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn flatten(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .flat_map(|item| match item {
            Value::Array(inner) => flatten(inner),
            other => vec![other.clone()],
        })
        .collect()
}

/// `format` with `%s`, `%d`, `%v` and `%%` only.
fn format(pattern: &str, args: &[&Value]) -> Option<Value> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'v' => out.push_str(&text_of(args.next()?)?),
            _ => return None,
        }
    }
    Some(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_functions_evaluate_and_others_are_unknown_with_their_name() {
        let text = |text: &str| Val::text(text);
        assert_eq!(
            call(
                "format",
                vec![text("%s-%d"), text("ci"), Val::Known(Value::from(2))]
            ),
            text("ci-2")
        );
        assert_eq!(call("lower", vec![text("CI")]), text("ci"));
        let Val::Unknown(unknown) = call("cidrsubnet", vec![text("10.0.0.0/8")]) else {
            panic!("expected unknown");
        };
        assert!(unknown.reason.unwrap_or_default().contains("cidrsubnet"));
    }
}
