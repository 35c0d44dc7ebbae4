//! The fast JSON loader (`exports::ingest_text`, raw list items into DTOs) gives exactly
//! what the `Value` loader (`exports::ingest`) gives: the same entities in the same order,
//! the same item errors at the same pointers, for every JSON fixture it reads.

use iamlint::model::{DocId, InventoryBuilder};
use iamlint::sources::exports::{self, Recognition, Sink};
use iamlint::sources::unique::UniqueValue;

use crate::common;

/// What one loader made of a text: recognition, entities (as Debug text) and errors.
type Outcome = (Option<Recognition>, String, Vec<(String, String)>);

/// A sink into `builder`; `deferred`: long lists' chunks kept as parts, as a file read
/// from disk keeps them.
fn sink(builder: &mut InventoryBuilder, deferred: bool) -> Sink<'_> {
    Sink {
        builder,
        document: DocId(7),
        errors: Vec::new(),
        secret_pointers: Vec::new(),
        route: None,
        deferred: deferred.then(Vec::new),
    }
}

fn load(text: &str, fast: bool) -> Outcome {
    let mut builder = InventoryBuilder::default();
    let mut sink = sink(&mut builder, false);
    let recognition = if fast {
        exports::ingest_text(text, &mut sink, |_| ()).map(|(recognition, ..)| recognition)
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
    // Chunks kept as parts (as a file read from disk keeps them, to merge after its text
    // is freed) and merged in order give the same builder.
    let mut builder = InventoryBuilder::default();
    let mut sink = sink(&mut builder, true);
    let recognition =
        exports::ingest_text(&text, &mut sink, |_| ()).map(|(recognition, ..)| recognition);
    let parts = sink.deferred.take().unwrap_or_default();
    assert!(parts.len() >= 3, "the chunks were merged at once");
    let mut merged = InventoryBuilder::default();
    for part in parts {
        merged.absorb(part);
    }
    merged.absorb(builder);
    assert_eq!((recognition, format!("{merged:?}")), (fast.0, fast.1));
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
        deferred: None,
    };
    let place = |ranges: &exports::ItemRanges| ItemTable::new(skipped, &text, ranges);
    let Some((_, _, items)) = exports::ingest_text(&text, &mut sink, place) else {
        return 0;
    };
    let stamp = std::fs::metadata(path)
        .ok()
        .as_ref()
        .and_then(FileStamp::of)
        .expect("a regular file");
    let name = path.display().to_string();
    let mut unread =
        Document::unread(name.clone(), path.into(), Format::Json, stamp).with_items(items);
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

/// The items of the list `member` of a fixture (or of its top-level array).
fn fixture_items(path: &str, member: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).expect("fixture");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON fixture");
    let list = if member.is_empty() {
        value
    } else {
        value[member].clone()
    };
    list.as_array().cloned().unwrap_or_default()
}

/// Lists and arrays that mix kinds (the loader guesses each item's kind from the item
/// before it, and must notice every change of kind), long enough to be loaded in chunks,
/// load as the `Value` loader loads them.
#[test]
fn lists_that_mix_kinds_load_as_the_value_loader_loads_them() {
    let instances = fixture_items("fixtures/demo/instances.json", "resources");
    let keys = fixture_items("fixtures/demo/resource_keys.json", "resources");
    let bindings = fixture_items("fixtures/realworld/resource_bindings.json", "resources");
    let v1 = fixture_items("fixtures/realworld/policies_v1.json", "policies");
    let v2 = fixture_items("fixtures/realworld/policies_v2.json", "policies");
    let service_ids = fixture_items("fixtures/demo/service_ids.json", "serviceids");
    let profiles = fixture_items("fixtures/realworld/cli_trusted_profiles.json", "");
    assert!(!instances.is_empty() && !keys.is_empty() && !bindings.is_empty());
    assert!(!v1.is_empty() && !v2.is_empty() && !service_ids.is_empty());
    // Every other item of another kind, then runs of one kind: 3,000 items in all.
    let mixed = |kinds: &[&Vec<serde_json::Value>]| -> Vec<serde_json::Value> {
        (0..3_000)
            .map(|at| {
                let kind = if at < 1_000 {
                    kinds[at % kinds.len()]
                } else {
                    kinds[(at / 300) % kinds.len()]
                };
                kind[at % kind.len()].clone()
            })
            .collect()
    };
    let resources = mixed(&[&instances, &keys, &bindings]);
    let policies = mixed(&[&v1, &v2]);
    let mut any = mixed(&[&instances, &keys, &service_ids, &v1, &v2]);
    any.extend(profiles.iter().cloned());
    any.push(serde_json::json!("not an object"));
    for text in [
        serde_json::json!({"rows_count": 3000, "resources": resources}).to_string(),
        serde_json::json!({"limit": 3000, "policies": policies}).to_string(),
        serde_json::Value::Array(any).to_string(),
    ] {
        let fast = load(&text, true);
        assert!(fast.0.is_some(), "the fast path reads it");
        let value = load(&text, false);
        let at = fast
            .1
            .bytes()
            .zip(value.1.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let around = |text: &str| {
            text.get(at.saturating_sub(300)..(at + 200).min(text.len()))
                .unwrap_or("")
                .to_owned()
        };
        assert!(
            fast.1 == value.1,
            "entities differ:\nfast:  {}\nvalue: {}",
            around(&fast.1),
            around(&value.1)
        );
        assert_eq!((fast.0, fast.2), (value.0, value.2));
    }
}

/// A member named twice anywhere (an item's own member, deep inside a member no loader
/// reads, an item set aside, a list no loader reads, the top level, a skipped document)
/// sends the document to the `Value` path, which reports it: the fast path takes none.
#[test]
fn a_duplicate_member_anywhere_leaves_the_document_to_the_value_path() {
    let key = r#"{"id": "crn:v1:bluemix:public:cloud-object-storage:global:a/0ba4dba0a120b7e8a7f8b8f8e8d8c8b8:6a7b::resource-key:1a2b", "guid": "1a2b", "name": "k", "source_crn": "crn:v1:bluemix:public:cloud-object-storage:global:a/0ba4dba0a120b7e8a7f8b8f8e8d8c8b8:6a7b::", "state": "active"}"#;
    let binding = r#"{"id": "crn:v1:bluemix:public:cloud-object-storage:global:a/0ba4dba0a120b7e8a7f8b8f8e8d8c8b8:6a7b::resource-binding:9f8e", "source_crn": "crn:v1:x", "target_crn": "crn:v1:y", "extra": {"a": 1, "a": 2}}"#;
    let keys = |item: &str, count: usize| vec![item; count].join(", ");
    let short = keys(key, 3);
    let long = keys(key, 2_000);
    for text in [
        format!(
            r#"{{"resources": [{short}, {}]}}"#,
            key.replace(r#""name": "k""#, r#""name": "k", "name": "l""#)
        ),
        format!(
            r#"{{"resources": [{long}, {}]}}"#,
            key.replace(
                r#""state""#,
                r#""credentials": {"x": {"y": 1, "y": 2}}, "state""#
            )
        ),
        format!(r#"{{"resources": [{short}, {binding}]}}"#),
        format!(r#"{{"resources": [{short}], "extra": [{{"a": 1}}, {{"b": 1, "b": 2}}]}}"#),
        format!(r#"{{"resources": [{short}], "next_url": {{"a": 1, "a": 2}}}}"#),
        format!(r#"{{"rows_count": 1, "resources": [{short}], "rows_count": 2}}"#),
        format!(r#"{{"resources": [{binding}]}}"#),
        format!(
            r#"[{short}, {}]"#,
            key.replace(r#""guid""#, r#""e\u0041": 1, "eA": 2, "guid""#)
        ),
    ] {
        assert!(
            serde_json::from_str::<UniqueValue>(&text).is_err(),
            "the test text has a duplicate: {text}"
        );
        let fast = load(&text, true);
        assert!(fast.0.is_none(), "the fast path took a duplicate: {text}");
    }
}
