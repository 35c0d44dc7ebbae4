//! Bytes -> text -> `serde_json::Value`, with the format decided by content.

use serde_json::Value;

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
        Format::Yaml => parse_yaml(text).map(|value| (value, Format::Yaml)),
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
