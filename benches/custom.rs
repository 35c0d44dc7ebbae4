//! Criterion benchmarks of custom Rego rules (issue 16) on the synthetic account
//! (`examples/gen`) at scales 1 and 10:
//!
//! - `floor`: every input into a `serde_json::Value` (benches/parse_floor.rs), the bound
//!   the model conversion is measured against;
//! - `document`: the input document built from the inventory and handed to regorus as a
//!   value (`custom::build` + `custom::document::to_value`), once per run;
//! - `builtin`: the built-in `serviceid-unrestricted` alone;
//! - `rego`: `benches/custom_rules/bench/serviceid-unrestricted.rego`, the same rule in
//!   Rego, evaluated by regorus over the inventory (document, engine, denials to findings).
//!
//! `cargo bench --bench custom`; the data is generated once into the temp dir. Figures go
//! to BENCHMARKS.md, beside regorus on raw JSON (benches/rego).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iamlint::custom;
use iamlint::rules::{self, Settings};
use iamlint::sources::{self, LoadOptions};

#[path = "../examples/gen/account/mod.rs"]
#[allow(dead_code)]
mod account;
#[path = "parse_floor.rs"]
#[allow(dead_code)]
mod parse_floor;

/// The generated account of `scale`, made once and kept in the temp dir (shared with
/// `benches/phases.rs`).
fn account_dir(scale: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamlint-bench-scale-{scale}"));
    if !dir.join("expected.json").is_file() {
        let options = account::Options { scale, seed: 1 };
        account::generate(options, &dir).expect("the generator writes");
    }
    dir
}

fn load(dir: &Path) -> sources::Loaded {
    sources::load(&[dir.to_path_buf()], &LoadOptions::default()).expect("valid options")
}

fn custom_rules(criterion: &mut Criterion, scale: usize) {
    let dir = account_dir(scale);
    let mut group = criterion.benchmark_group(format!("custom-scale-{scale}"));
    if scale > 1 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(30));
    } else {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(10));
    }
    let loaded = load(&dir);
    group.bench_function("floor", |bench| bench.iter(|| parse_floor::parse_all(&dir)));
    group.bench_function("document", |bench| {
        bench.iter(|| custom::document::to_value(&custom::build(&loaded.inventory)));
    });
    let builtin = Settings {
        skip_evaluated: true,
        ..Settings::only(&["serviceid-unrestricted"])
    };
    group.bench_function("builtin", |bench| {
        bench.iter(|| rules::run(&loaded.inventory, &builtin));
    });
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/custom_rules");
    let custom_rules = custom::load(&[rules_dir]);
    assert!(custom_rules.errors.is_empty(), "{:?}", custom_rules.errors);
    let rego = Settings::only(&["bench/serviceid-unrestricted"]);
    group.bench_function("rego", |bench| {
        bench.iter(|| custom::evaluate(&custom_rules, &loaded.inventory, &rego));
    });
    group.finish();
}

fn scale_1(criterion: &mut Criterion) {
    custom_rules(criterion, 1);
}

fn scale_10(criterion: &mut Criterion) {
    custom_rules(criterion, 10);
}

criterion_group!(benches, scale_1, scale_10);
criterion_main!(benches);
