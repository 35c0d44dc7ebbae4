//! Inputs found by the fuzz targets (`fuzz/`), kept as regression cases: each runs through
//! the same code as its target, and none may panic. `fixtures/fuzz/<target>/` holds them;
//! the README's "Fuzzing" section says how to add one.

use std::path::{Path, PathBuf};

use iamlint::pipeline::Request;
use iamlint::report::{RunReport, human, json};
use iamlint::rules::Settings;
use iamlint::sources::span::{SpanIndex, line_column, offset_of};
use iamlint::sources::{Format, LoadOptions};

fn cases(target: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new("fixtures/fuzz").join(target))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// What the api_json, cli_array and yaml targets do: check the file and render both outputs.
fn check_and_render(path: &Path) {
    let settings = Settings {
        now: "2026-11-01T00:00:00Z".parse().ok(),
        ..Settings::default()
    };
    let checked = iamlint::pipeline::run(&Request::new(
        &[path.to_path_buf()],
        &LoadOptions::default(),
        &settings,
    ))
    .expect("valid options");
    let report = RunReport::new(&checked.loaded, &checked.findings);
    let rendered = json::render(&report);
    serde_json::from_str::<serde_json::Value>(&rendered).expect("the JSON output is JSON");
    let _ = human::render(&report, human::Style::default());
}

#[test]
fn loader_cases_load_without_panicking() {
    let mut count = 0;
    for target in ["api_json", "cli_array", "yaml"] {
        for path in cases(target) {
            check_and_render(&path);
            count += 1;
        }
    }
    assert!(count >= 30, "only {count} loader regression cases");
}

#[test]
fn span_index_cases_keep_every_span_inside_the_text() {
    let paths = cases("span_index");
    assert!(!paths.is_empty());
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for format in [Format::Json, Format::Yaml] {
            let index = SpanIndex::build(&text, format);
            for (pointer, spot) in index.iter() {
                for range in std::iter::once(&spot.value).chain(spot.key.as_ref()) {
                    assert!(
                        range.end <= text.len()
                            && text.is_char_boundary(range.start)
                            && text.is_char_boundary(range.end),
                        "{}: {pointer} {range:?}",
                        path.display()
                    );
                }
            }
            let _ = iamlint::sources::secrets::mask_parsed(&text, &index);
        }
        let (line, column) = line_column(&text, text.len() / 2);
        assert!(offset_of(&text, line, column) <= text.len());
    }
}
