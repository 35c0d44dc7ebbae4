//! The fast JSON loader (`exports::ingest_text`, raw list items into DTOs) gives exactly
//! what the `Value` loader (`exports::ingest`) gives: the same entities in the same order,
//! the same item errors at the same pointers, for every JSON fixture it reads.

use iamlint::model::{DocId, InventoryBuilder};
use iamlint::sources::exports::{self, Recognition, Sink};
use iamlint::sources::unique::UniqueValue;

use crate::common;

/// What one loader made of a text: recognition, entities (as Debug text) and errors.
type Outcome = (Option<Recognition>, String, Vec<(String, String)>);

fn load(text: &str, fast: bool) -> Outcome {
    let mut builder = InventoryBuilder::default();
    let mut sink = Sink {
        builder: &mut builder,
        document: DocId(7),
        errors: Vec::new(),
        secret_pointers: Vec::new(),
        route: None,
    };
    let recognition = if fast {
        exports::ingest_text(text, &mut sink).map(|(recognition, _)| recognition)
    } else {
        let value = serde_json::from_str::<UniqueValue>(text)
            .ok()
            .map(|value| value.0);
        value.map(|value| exports::ingest(&value, &mut sink))
    };
    let errors = sink
        .errors
        .iter()
        .map(|(pointer, message)| (pointer.to_string(), message.clone()))
        .collect();
    (recognition, format!("{builder:?}"), errors)
}

#[test]
fn the_fast_loader_agrees_with_the_value_loader() {
    let mut compared = 0;
    for path in common::fixture_files() {
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if serde_json::from_str::<UniqueValue>(&text).is_err()
            || text.contains("\"format_version\"")
        {
            continue; // malformed, or Terraform (read by its own loader)
        }
        let (recognition, entities, errors) = load(&text, true);
        if recognition.is_none() {
            continue; // a shape the fast path leaves to the Value path
        }
        let expected = load(&text, false);
        assert_eq!(
            (recognition, entities, errors),
            expected,
            "{}",
            path.display()
        );
        compared += 1;
    }
    assert!(compared >= 50, "only {compared} fixtures compared");
}

#[test]
fn long_lists_load_in_chunks_in_list_order() {
    // Past one chunk (1,024 items), with a broken item in the second chunk.
    let items: Vec<String> = (0..2_500)
        .map(|at| match at {
            1_500 => r#"{"id": 5}"#.to_owned(),
            _ => format!(
                r#"{{"id": "ServiceId-{at:08}-0000-0000-0000-000000000000", "name": "s{at}"}}"#
            ),
        })
        .collect();
    let text = format!(r#"{{"serviceids": [{}]}}"#, items.join(", "));
    let fast = load(&text, true);
    assert_eq!(fast, load(&text, false));
    assert_eq!(fast.2.len(), 1, "{:?}", fast.2);
    assert_eq!(fast.2[0].0, "/serviceids/1500/id");
}

/// Every place resolved from one list item read alone (the item table of an unread
/// document) is the place resolved from the whole text: in every JSON fixture, and in a
/// copy of a list export with a byte-order mark and CRLF line ends.
#[test]
fn places_from_one_item_equal_places_from_the_whole_text() {
    let mut compared = 0;
    for path in common::fixture_files() {
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            compared += compare_places(&path);
        }
    }
    assert!(compared > 1_000, "only {compared} places compared");
    let dir = common::TempDir::new("bom-crlf-items");
    let copy = dir.0.join("keys.json");
    let text = std::fs::read_to_string("fixtures/demo/resource_keys.json").expect("demo keys");
    std::fs::write(&copy, format!("\u{feff}{}", text.replace('\n', "\r\n"))).expect("copy");
    assert!(compare_places(&copy) > 100);
}

/// Compares the places of every indexed pointer of one file; how many were compared.
fn compare_places(path: &std::path::Path) -> usize {
    use iamlint::sources::items::ItemTable;
    use iamlint::sources::span::SpanIndex;
    use iamlint::sources::{Document, FileStamp, Format};
    use std::sync::Arc;

    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    let skipped = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let text = text.trim_start_matches('\u{feff}').to_owned();
    if serde_json::from_str::<UniqueValue>(&text).is_err() {
        return 0;
    }
    let mut builder = InventoryBuilder::default();
    let mut sink = Sink {
        builder: &mut builder,
        document: DocId(0),
        errors: Vec::new(),
        secret_pointers: Vec::new(),
        route: None,
    };
    let Some((_, ranges)) = exports::ingest_text(&text, &mut sink) else {
        return 0;
    };
    let stamp = std::fs::metadata(path)
        .ok()
        .as_ref()
        .and_then(FileStamp::of)
        .expect("a regular file");
    let name = path.display().to_string();
    let mut unread = Document::unread(name.clone(), path.into(), Format::Json, stamp)
        .with_items(ItemTable::new(skipped, &text, ranges));
    let whole = Document::new(
        name,
        path.into(),
        Format::Json,
        Arc::from(text.as_str()),
        true,
    );
    let index = SpanIndex::build(&text, Format::Json);
    let pointers: Vec<_> = index.iter().map(|(pointer, _)| pointer.clone()).collect();
    unread.resolve(&pointers);
    for pointer in &pointers {
        assert_eq!(
            (
                unread.locate(pointer),
                unread.label_place(pointer),
                unread.source_span(pointer)
            ),
            (
                whole.locate(pointer),
                whole.label_place(pointer),
                whole.source_span(pointer)
            ),
            "{}: {pointer}",
            path.display()
        );
    }
    pointers.len()
}
