//! A `serde_json::Value` deserialized from JSON or YAML that rejects an object naming one
//! member twice.
//!
//! Both parsers would keep the last of two `"locked"` members silently, while another tool
//! (or IBM's own) may read the first: an auditor must not guess which one the account
//! holds. The duplicate is reported as a syntax error at its place.

use std::borrow::Cow;

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
                return Err(duplicate(&name));
            }
            let UniqueValue(value) = members.next_value()?;
            out.insert(name, value);
        }
        Ok(Value::Object(out))
    }
}

/// Checks that every object of a JSON text names each member once, without building
/// anything: the fast loader's counterpart of [`UniqueValue`], with the same error at the
/// same place.
pub fn check_json(text: &str) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Unique::deserialize(&mut deserializer)?;
    deserializer.end()
}

/// Any value, walked for duplicate members and dropped.
struct Unique;

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_i128<E>(self, _: i128) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_u128<E>(self, _: u128) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Unique, A::Error> {
        while items.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Unique, A::Error> {
        // IBM objects have a few dozen members at most: a linear search beats hashing, and
        // the names borrowed from the text fit on the stack (millions of objects, no
        // allocation each); escaped names and a long tail go to a vector.
        const INLINE: usize = 24;
        let mut inline: [&'de str; INLINE] = [""; INLINE];
        let mut count = 0;
        let mut spilled: Vec<Cow<'de, str>> = Vec::new();
        while let Some(MemberName(name)) = members.next_key()? {
            let seen = inline[..count].contains(&name.as_ref()) || spilled.contains(&name);
            if seen {
                return Err(duplicate(&name));
            }
            members.next_value::<Unique>()?;
            match name {
                Cow::Borrowed(borrowed) if count < INLINE => {
                    inline[count] = borrowed;
                    count += 1;
                }
                name => spilled.push(name),
            }
        }
        Ok(Unique)
    }
}

/// A member name, borrowed from the text unless it holds escapes.
struct MemberName<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for MemberName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = MemberName<'de>;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a member name")
            }

            fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Self::Value, E> {
                Ok(MemberName(Cow::Borrowed(name)))
            }

            fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
                Ok(MemberName(Cow::Owned(name.to_owned())))
            }

            fn visit_string<E>(self, name: String) -> Result<Self::Value, E> {
                Ok(MemberName(Cow::Owned(name)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// Like `serde_json::Value`, a number JSON cannot hold (NaN, infinity) becomes `null`.
fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// The error for a member named twice in one object, raised where the second name is read.
fn duplicate<E: de::Error>(name: &str) -> E {
    E::custom(format_args!(
        "duplicate member `{}` in one object: expected each member name once",
        printable(name)
    ))
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
    fn the_check_agrees_with_the_value() {
        let many: Vec<String> = (0..30).map(|at| format!("\"m{at}\": {at}")).collect();
        let many = format!("{{{}}}", many.join(", "));
        let many_twice = format!("{}, \"m3\": 0, \"m29\": 1}}", &many[..many.len() - 1]);
        let late_twice = format!("{}, \"m29\": 1}}", &many[..many.len() - 1]);
        for text in [many.as_str(), many_twice.as_str(), late_twice.as_str()] {
            let value = serde_json::from_str::<UniqueValue>(text).map(|_| ());
            assert_eq!(
                value.map_err(|error| error.to_string()),
                check_json(text).map_err(|error| error.to_string()),
                "{text}"
            );
        }
        for text in [
            r#"{"a": 1, "b": {"c": 2, "c": 3}}"#,
            r#"[{"a": 1}, {"a": 2, "b": [{"x": 1, "y": 2, "x": 3}]}]"#,
            r#"{"a\u0041": 1, "aA": 2}"#,
            r#"{"a": 1, "b": 2}"#,
            r#"{"a": [1, 2"#,
        ] {
            let value = serde_json::from_str::<UniqueValue>(text).map(|_| ());
            let check = check_json(text);
            assert_eq!(
                value.map_err(|error| error.to_string()),
                check.map_err(|error| error.to_string()),
                "{text}"
            );
        }
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
