//! Bytes -> text -> `serde_json::Value`, with the format decided by content.

use serde_json::Value;

use super::document::Format;

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
        Format::Json => match serde_json::from_str::<Value>(text) {
            Ok(value) => Ok((value, Format::Json)),
            Err(json_error) => {
                if yaml_extension && let Ok(value) = parse_yaml(text) {
                    return Ok((value, Format::Yaml));
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
    format!(
        "invalid JSON: {}",
        super::error::sanitize_serde_message(&text)
    )
}

fn parse_yaml(text: &str) -> Result<Value, SyntaxError> {
    serde_yaml::from_str::<Value>(text).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((1, 1), |location| (location.line(), location.column()));
        let text = without_location(&error.to_string());
        SyntaxError {
            format: Format::Yaml,
            message: format!(
                "invalid YAML: {}",
                super::error::sanitize_serde_message(&text)
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
