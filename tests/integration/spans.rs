//! The span invariant: for every fixture, the text at each indexed span parses to the same
//! value as the pointer lookup on the whole document (and each key span names its key).

use iamlint::sources::Format;
use iamlint::sources::span::SpanIndex;
use iamlint::sources::unique::UniqueValue;
use serde_json::Value;

use crate::common;

/// The value iamlint reads, or `None` for a text it rejects (malformed, or an object naming
/// one member twice).
fn parse(text: &str, format: Format) -> Option<Value> {
    match format {
        Format::Json => serde_json::from_str::<UniqueValue>(text).ok(),
        Format::Yaml => serde_yaml::from_str::<UniqueValue>(text).ok(),
        // HCL spans are tested in `terraform::hcl::spans`.
        Format::Hcl => None,
    }
    .map(|value| value.0)
}

#[test]
fn every_span_slices_the_value_its_pointer_names() {
    let mut checked_spots = 0;
    for path in common::fixture_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the non-UTF-8 fixture
        };
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("yml" | "yaml") => Format::Yaml,
            _ => continue,
        };
        let Some(whole) = parse(&text, format) else {
            continue; // malformed fixtures have no spans to check
        };
        let index = SpanIndex::build(&text, format);
        for (pointer, spot) in index.iter() {
            let expected = whole
                .pointer(pointer.as_str())
                .unwrap_or_else(|| panic!("{}: {pointer} is not in the document", path.display()));
            // A YAML block value must keep its indentation to parse on its own.
            let line_start = text[..spot.value.start].rfind('\n').map_or(0, |at| at + 1);
            let indent = " ".repeat(text[line_start..spot.value.start].chars().count());
            let slice = format!("{indent}{}", &text[spot.value.clone()]);
            let actual = parse(&slice, format).unwrap_or_else(|| {
                panic!(
                    "{}: the span of {pointer} does not parse: {slice:?}",
                    path.display()
                )
            });
            assert_eq!(&actual, expected, "{}: span of {pointer}", path.display());
            if let Some(key) = &spot.key {
                let name: String = match format {
                    Format::Json => serde_json::from_str(&text[key.clone()]).unwrap(),
                    Format::Yaml => serde_yaml::from_str(&text[key.clone()]).unwrap(),
                    Format::Hcl => text[key.clone()].to_owned(),
                };
                assert_eq!(
                    Some(name),
                    pointer.tokens().last().map(|token| token.into_owned()),
                    "{}: key of {pointer}",
                    path.display()
                );
            }
            checked_spots += 1;
        }
    }
    assert!(checked_spots > 1000, "only {checked_spots} spans checked");
}
