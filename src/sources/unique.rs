//! A `serde_json::Value` deserialized from JSON or YAML that rejects an object naming one
//! member twice.
//!
//! Both parsers would keep the last of two `"locked"` members silently, while another tool
//! (or IBM's own) may read the first: an auditor must not guess which one the account
//! holds. The duplicate is reported as a syntax error at its place.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A value whose objects have unique member names.
pub struct UniqueValue(pub Value);

impl<'de> Deserialize<'de> for UniqueValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(UniqueValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON or YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(i64::try_from(value)
            .map_or_else(|_| float(value as f64), |value| Value::Number(value.into())))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(u64::try_from(value)
            .map_or_else(|_| float(value as f64), |value| Value::Number(value.into())))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        UniqueValue::deserialize(deserializer).map(|value| value.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(items.size_hint().unwrap_or(0).min(4096));
        while let Some(UniqueValue(item)) = items.next_element()? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(name) = members.next_key::<String>()? {
            if out.contains_key(&name) {
                return Err(de::Error::custom(format_args!(
                    "duplicate member `{}` in one object: expected each member name once",
                    printable(&name)
                )));
            }
            let UniqueValue(value) = members.next_value()?;
            out.insert(name, value);
        }
        Ok(Value::Object(out))
    }
}

/// Like `serde_json::Value`, a number JSON cannot hold (NaN, infinity) becomes `null`.
fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A member name for a message: at most 60 characters, control characters escaped.
fn printable(name: &str) -> String {
    let mut out: String = name.chars().take(60).flat_map(char::escape_debug).collect();
    if name.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicate_members_in_json_and_yaml() {
        let json = serde_json::from_str::<UniqueValue>(r#"{"a": 1, "b": {"c": 2, "c": 3}}"#);
        let message = json
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(message.contains("duplicate member `c`"), "{message}");
        let yaml = serde_yaml::from_str::<UniqueValue>("a: 1\nb:\n  c: 2\n  c: 3\n");
        let message = yaml
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(message.contains("duplicate member `c`"), "{message}");
    }

    #[test]
    fn reads_what_value_reads() {
        let text = r#"{"a": [1, -2, 3.5, true, null, "x"], "b": {}, "c": 18446744073709551615}"#;
        let unique = serde_json::from_str::<UniqueValue>(text)
            .map(|value| value.0)
            .ok();
        assert_eq!(unique, serde_json::from_str::<Value>(text).ok());
    }
}
