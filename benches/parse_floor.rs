//! The parse floor: the least any tool must do with an export, reading every input file
//! into a `serde_json::Value` (YAML through serde_yaml) and keeping the values, on one
//! thread. Benchmarks state iamlint's time and memory as ratios to this, measured in the
//! same run on the same files.
//!
//! `cargo build --release --example parse_floor && target/release/examples/parse_floor DIR`
//! (also compiled into the criterion benchmarks as a module, and into
//! `parse_floor_jemalloc.rs`, the same floor with the `iamlint` binary's allocator).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The files iamlint reads below `dir`: `.json`, `.yml` and `.yaml`, in sorted order.
pub(crate) fn input_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| {
            path.extension()
                .and_then(|extension| extension.to_str())
                .is_some_and(|extension| matches!(extension, "json" | "yml" | "yaml"))
        })
        .collect();
    files.sort();
    files
}

/// Reads and parses every input file below `dir`; returns the values and the bytes read.
pub(crate) fn parse_all(dir: &Path) -> (Vec<Value>, u64) {
    let mut values = Vec::new();
    let mut bytes = 0u64;
    for path in input_files(dir) {
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        bytes += text.len() as u64;
        let yaml = path
            .extension()
            .is_some_and(|extension| extension != "json");
        let value = if yaml {
            serde_yaml::from_slice::<Value>(&text).ok()
        } else {
            serde_json::from_slice::<Value>(&text).ok()
        };
        values.extend(value);
    }
    (values, bytes)
}

#[allow(dead_code, clippy::print_stdout, clippy::print_stderr)]
pub(crate) fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse_floor DIR");
        return std::process::ExitCode::from(2);
    };
    let start = std::time::Instant::now();
    let (values, bytes) = parse_all(Path::new(&dir));
    println!(
        "parsed {} documents, {:.1} MB, in {:.3} s",
        values.len(),
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    std::process::ExitCode::SUCCESS
}
