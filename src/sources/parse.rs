//! Bytes -> text -> `serde_json::Value`, with the format decided by content; and the top
//! level of a JSON text without a `Value` (object, array, Terraform output), for the fast
//! path of `exports::fast`.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::text::Format;
use super::unique::UniqueValue;

/// Why a text could not be parsed, with the 1-based line and column serde reported.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub format: Format,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// The format the content says: JSON when the first non-blank character opens an object
/// or array, YAML otherwise. A `.yml`/`.yaml` file whose JSON-looking content fails as
/// JSON is retried as YAML (a YAML flow mapping also starts with `{`).
pub(super) fn sniff(text: &str) -> Format {
    match text.trim_start().chars().next() {
        Some('{' | '[') => Format::Json,
        _ => Format::Yaml,
    }
}

pub(crate) fn parse(text: &str, yaml_extension: bool) -> Result<(Value, Format), SyntaxError> {
    match sniff(text) {
        Format::Json => match serde_json::from_str::<UniqueValue>(text) {
            Ok(UniqueValue(value)) => Ok((value, Format::Json)),
            Err(json_error) => {
                if yaml_extension {
                    // A YAML file: its YAML error is the one that helps.
                    return parse_yaml(text).map(|value| (value, Format::Yaml));
                }
                let line = json_error.line().max(1);
                Err(SyntaxError {
                    format: Format::Json,
                    message: json_message(&json_error),
                    line,
                    column: char_column(text, line, json_error.column()),
                })
            }
        },
        // `sniff` never says HCL: `.tf` files are read by `terraform::hcl`.
        Format::Yaml | Format::Hcl => parse_yaml(text).map(|value| (value, Format::Yaml)),
    }
}

/// serde_json counts columns in bytes; outputs count characters.
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line - 1) else {
        return byte_column.max(1);
    };
    let mut bytes = byte_column.saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(bytes) {
        bytes -= 1;
    }
    line_text[..bytes].chars().count() + 1
}

/// Removes the " at line L column C" that serde errors embed: outputs report the place
/// separately.
fn without_location(message: &str) -> String {
    let Some(at) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[at + " at line ".len()..];
    let digits = |text: &str| text.chars().take_while(char::is_ascii_digit).count();
    let line_digits = digits(rest);
    let after_line = &rest[line_digits..];
    let Some(after_column) = after_line.strip_prefix(" column ") else {
        return message.to_owned();
    };
    let tail = &after_column[digits(after_column)..];
    format!("{}{tail}", &message[..at])
}

fn json_message(error: &serde_json::Error) -> String {
    let text = without_location(&error.to_string());
    let text = super::error::sanitize_serde_message(&text);
    format!(
        "invalid JSON: {}",
        with_expectation(&text, "expected valid JSON")
    )
}

/// Adds what was expected to a parser message that does not say it: most do ("expected
/// `,` or `}`"), some only name the problem.
fn with_expectation(message: &str, fallback: &str) -> String {
    let says_expected = message
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word == "expected");
    if says_expected {
        return message.to_owned();
    }
    const EXPECTATIONS: [(&str, &str); 14] = [
        (
            "trailing comma",
            "expected another member or element after the comma, or no comma before the bracket",
        ),
        (
            "EOF while parsing",
            "expected the rest of the document: the text ends inside it (cut short?)",
        ),
        (
            "recursion limit exceeded",
            "expected at most 128 nested objects and arrays (IAM exports nest about 10 deep)",
        ),
        (
            "number out of range",
            "expected a number that a 64-bit float can hold",
        ),
        (
            "trailing characters",
            "expected the end of the text after the document",
        ),
        (
            "control characters are not allowed",
            "expected text, not binary data",
        ),
        (
            "control character",
            "expected control characters inside strings to be escaped (\\n, \\u0000)",
        ),
        (
            "key must be a string",
            "expected a member name in double quotes",
        ),
        (
            "surrogate",
            "expected a \\u escape of a valid Unicode character",
        ),
        ("hex escape", "expected four hex digits after \\u"),
        (
            "invalid escape",
            "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
        ),
        (
            "repetition limit exceeded",
            "expected aliases that expand to a document of reasonable size",
        ),
        (
            "more than one document",
            "expected one YAML document per file",
        ),
        (
            "invalid number",
            "expected a JSON number such as 42, -1.5 or 2e10",
        ),
    ];
    let expectation = EXPECTATIONS
        .iter()
        .find(|(problem, _)| message.contains(problem))
        .map_or(fallback, |(_, expectation)| expectation);
    format!("{message}: {expectation}")
}

fn parse_yaml(text: &str) -> Result<Value, SyntaxError> {
    serde_yaml::from_str::<UniqueValue>(text)
        .map(|value| value.0)
        .map_err(|error| {
            let (line, column) = error
                .location()
                .map_or((1, 1), |location| (location.line(), location.column()));
            let text = without_location(&error.to_string());
            let text = super::error::sanitize_serde_message(&text);
            SyntaxError {
                format: Format::Yaml,
                message: format!(
                    "invalid YAML: {}",
                    with_expectation(&text, "expected valid YAML")
                ),
                line: line.max(1),
                column: column.max(1),
            }
        })
}

// The top level of a JSON text read without a `Value` tree, for the fast path of
// `exports::fast`: what kind of document it is (object, array, anything else; Terraform
// output is told apart by its first member), its members with lists cut into raw items.

/// The top level of a document: its members (lists as their raw items) or its items as
/// raw text, in document order.
pub(crate) enum Top<'a> {
    Object(Vec<(Cow<'a, str>, Member<'a>)>),
    Array(Vec<&'a RawValue>),
    Other,
}

/// A member of the top-level object: a list, cut into its raw items in the same scan, or
/// any other value, parsed (the skeleton holds it).
pub(crate) enum Member<'a> {
    List(Vec<&'a RawValue>),
    Value(Value),
}

/// The member that marks `terraform show -json` output: its documents are read by the
/// Terraform loader from a `Value`, so the fast path stops at once.
const TERRAFORM_MARK: &str = "format_version";

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object or array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Top<'de>, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Member<'de>)> = Vec::new();
        while let Some(Text(name)) = members.next_key()? {
            if name == TERRAFORM_MARK {
                return Err(de::Error::custom("a Terraform document"));
            }
            // A member named twice: the `Value` path reports it (a document has a few).
            if out.iter().any(|(other, _)| *other == name) {
                return Err(de::Error::custom("a duplicate member"));
            }
            out.push((name, members.next_value::<Member<'de>>()?));
        }
        Ok(Top::Object(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Top<'de>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = items.next_element::<&'de RawValue>()? {
            out.push(item);
        }
        Ok(Top::Array(out))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
}

impl<'de> Deserialize<'de> for Member<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Member<'de>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = items.next_element::<&'de RawValue>()? {
            out.push(item);
        }
        Ok(Member::List(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, members: A) -> Result<Member<'de>, A::Error> {
        UniqueValue::deserialize(de::value::MapAccessDeserializer::new(members))
            .map(|value| Member::Value(value.0))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::from(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::from(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::String(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::String(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Member<'de>, E> {
        Ok(Member::Value(Value::Null))
    }
}

/// A string, borrowed from the text unless it holds escapes.
pub(crate) struct Text<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(TextVisitor)
            .map(|text| Text(text.0.unwrap_or_default()))
    }
}

/// Any value; kept when it is a string.
pub(crate) struct MaybeText<'de>(pub(crate) Option<Cow<'de, str>>);

impl<'de> Deserialize<'de> for MaybeText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = MaybeText<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(MaybeText(Some(Cow::Borrowed(text))))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(MaybeText(Some(Cow::Owned(text.to_owned()))))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(MaybeText(Some(Cow::Owned(text))))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(MaybeText(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(MaybeText(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self::Value, A::Error> {
        while members.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(MaybeText(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_embedded_locations() {
        assert_eq!(
            without_location("did not find ',' at line 3 column 1, while parsing"),
            "did not find ',', while parsing"
        );
        assert_eq!(
            without_location("EOF while parsing at line 2 column 5"),
            "EOF while parsing"
        );
    }

    #[test]
    fn json_columns_count_characters() {
        let text = "{\n \"ñ\" x";
        assert_eq!(char_column(text, 2, 7), 6);
    }
}
