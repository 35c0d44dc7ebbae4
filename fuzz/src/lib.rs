//! What the fuzz targets share: run the whole pipeline on one input file, and check the
//! span index's invariants on one text.
//!
//! Loaders are driven through the public `pipeline::run`, the same path `iamlint check`
//! takes (discovery, reading, format detection, loading, rules, both renderers), so the
//! targets keep working whatever the loaders become inside.

use std::path::PathBuf;
use std::sync::OnceLock;

use iamlint::pipeline::Request;
use iamlint::report::{RunReport, human, json};
use iamlint::rules::Settings;
use iamlint::sources::span::{SpanIndex, line_column, offset_of};
use iamlint::sources::{Format, LoadOptions};

/// A private directory for this process's input file (in memory when /dev/shm exists).
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::path::Path::new("/dev/shm");
        let base = if base.is_dir() {
            base.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("iamlint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        dir
    })
}

/// Writes `data` as `input.<extension>`, checks it as `iamlint check` would, and renders
/// both outputs. Any panic on the way is a finding of the fuzzer.
pub fn check_file(data: &[u8], extension: &str) {
    check_file_with(data, extension, &LoadOptions::default());
}

/// [`check_file`] with load options (the Terraform view of a plan).
pub fn check_file_with(data: &[u8], extension: &str, options: &LoadOptions) {
    if extension == "json" {
        fast_loader_agrees(data);
    }
    let path = scratch().join(format!("input.{extension}"));
    std::fs::write(&path, data).expect("the scratch file is writable");
    let settings = Settings {
        now: "2026-11-01T00:00:00Z".parse().ok(),
        ..Settings::default()
    };
    let Ok(checked) = iamlint::pipeline::run(&Request::new(&[path], options, &settings)) else {
        return;
    };
    let report = RunReport::new(&checked.loaded, &checked.findings);
    let rendered = json::render(&report);
    assert!(serde_json::from_str::<serde_json::Value>(&rendered).is_ok());
    let _ = human::render(&report, human::Style::default());
}

/// The fast JSON loader (raw list items into DTOs) must load what the `Value` loader loads:
/// the same entities in the same order and the same item errors, whenever it takes a text.
fn fast_loader_agrees(data: &[u8]) {
    use iamlint::model::{DocId, InventoryBuilder};
    use iamlint::sources::exports::{self, Sink};
    use iamlint::sources::unique::UniqueValue;

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(UniqueValue(value)) = serde_json::from_str::<UniqueValue>(text) else {
        return;
    };
    if iamlint::sources::terraform::detect(&value) {
        return;
    }
    let load = |fast: bool| {
        let mut builder = InventoryBuilder::default();
        let mut sink = Sink {
            builder: &mut builder,
            document: DocId(0),
            errors: Vec::new(),
            secret_pointers: Vec::new(),
            route: None,
            deferred: None,
        };
        let recognised = if fast {
            exports::ingest_text(text, &mut sink, |_| ()).map(|(recognition, ..)| recognition)
        } else {
            Some(exports::ingest(&value, &mut sink))
        };
        let errors = std::mem::take(&mut sink.errors);
        recognised.map(|recognition| (recognition, format!("{builder:?}"), errors))
    };
    if let Some(fast) = load(true) {
        assert_eq!(Some(fast), load(false), "the fast loader disagrees");
    }
}

/// Builds both span indexes of `text` and checks that every span lies inside the text on
/// character boundaries (renderers slice the text with them), that offsets and line/column
/// pairs convert back and forth, and, for JSON that serde accepts, that each indexed span
/// holds the value the pointer names.
pub fn span_invariants(text: &str) {
    for format in [Format::Json, Format::Yaml] {
        let index = SpanIndex::build(text, format);
        for (pointer, spot) in index.iter() {
            for range in std::iter::once(&spot.value).chain(spot.key.as_ref()) {
                assert!(
                    range.start <= range.end && range.end <= text.len(),
                    "{pointer}: {range:?}"
                );
                assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            }
            let _ = index.find(&pointer.key("missing").index(3));
        }
        let masked = iamlint::sources::secrets::mask_parsed(text, &index);
        let _ = SpanIndex::build(&masked, format);
    }
    let _ = iamlint::sources::secrets::mask_unparsed(text);
    for offset in [0, text.len() / 3, text.len() / 2, text.len()] {
        let (line, column) = line_column(text, offset);
        let back = offset_of(text, line, column);
        assert!(back <= text.len());
    }
    // As iamlint does, only a text without duplicate members is a parsed document (with
    // them, the two parsers would disagree about which member counts).
    if let Ok(iamlint::sources::unique::UniqueValue(whole)) = serde_json::from_str(text) {
        let index = SpanIndex::build(text, Format::Json);
        for (pointer, spot) in index.iter() {
            let Some(expected) = whole.pointer(pointer.as_str()) else {
                panic!("{pointer} is indexed but not in the document");
            };
            let slice = &text[spot.value.clone()];
            let parsed: serde_json::Value =
                serde_json::from_str(slice).expect("a span holds a value");
            assert_eq!(&parsed, expected, "{pointer}");
        }
    }
}
