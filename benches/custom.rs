//! Criterion benchmarks of custom Rego rules (issue 16) on the synthetic account
//! (`examples/gen`):
//!
//! - `floor`: every input into a `serde_json::Value` (benches/parse_floor.rs), the bound
//!   the model conversion is measured against;
//! - `document`: the input document built from the inventory and handed to regorus as a
//!   value (`custom::document::value_of`, as a run builds it), once per run;
//!   `document-json`: the same through a `serde_json::Value` (the way before `to_rego`);
//!   `document-rule`: what a run with the bench rule converts (only the members and
//!   fields its Rego reads, `custom::needs`);
//! - `builtin`: the built-in `serviceid-unrestricted` alone;
//! - `rego`: `benches/custom_rules/bench/serviceid-unrestricted.rego`, the same rule in
//!   Rego, evaluated by regorus over the inventory (document, engine, denials to findings);
//! - `check` and `check+rego`: what `iamlint check` does before rendering (load, every
//!   built-in rule, places of the findings), without and with that custom rule.
//!
//! `cargo bench --bench custom` generates scales 1 and 10 once into the temp dir;
//! `IAMLINT_BENCH_DIR=DIR cargo bench --bench custom` measures only the account in DIR
//! (`cargo run --release --example gen -- --scale 10 --out DIR`). The load average is
//! printed before and after. Figures go to BENCHMARKS.md, beside regorus on raw JSON
//! (benches/rego).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iamlint::custom;
use iamlint::pipeline::{self, Request};
use iamlint::rules::{self, Settings};
use iamlint::sources::{self, LoadOptions};

#[path = "../examples/gen/account/mod.rs"]
#[allow(dead_code)]
mod account;
#[path = "generated.rs"]
mod generated;
#[path = "parse_floor.rs"]
#[allow(dead_code)]
mod parse_floor;
use generated::account_dir;

/// The allocator of the `iamlint` binary (src/main.rs), so that what a run pays is timed
/// as it pays it; the `floor` in the same process uses it too (the jemalloc floor of
/// BENCHMARKS.md), so the ratios compare one allocator with itself.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn load(dir: &Path) -> sources::Loaded {
    sources::load(&[dir.to_path_buf()], &LoadOptions::default()).expect("valid options")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_else(|_| "unknown".to_owned())
}

// The load average goes beside the figures (BENCHMARKS.md states it).
#[allow(clippy::print_stderr)]
fn custom_rules(criterion: &mut Criterion, name: &str, dir: &Path, large: bool) {
    eprintln!("{name}: load average before: {}", load_average().trim());
    let mut group = criterion.benchmark_group(format!("custom-{name}"));
    if large {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(30));
    } else {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(10));
    }
    let loaded = load(dir);
    group.bench_function("floor", |bench| bench.iter(|| parse_floor::parse_all(dir)));
    group.bench_function("document", |bench| {
        bench
            .iter(|| custom::document::value_of(&loaded.inventory, &custom::needs::Needs::whole()));
    });
    // What a run with the bench rule converts: only the members its Rego reads.
    let rule_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("benches/custom_rules/bench/serviceid-unrestricted.rego"),
    )
    .expect("the bench rule is readable");
    let needs = custom::needs::Needs::of_rules([rule_text.as_str()]);
    group.bench_function("document-rule", |bench| {
        bench.iter(|| custom::document::value_of(&loaded.inventory, &needs));
    });
    group.bench_function("document-json", |bench| {
        bench.iter(|| custom::document::to_value_through_json(&custom::build(&loaded.inventory)));
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
    let paths = [dir.to_path_buf()];
    let options = LoadOptions::default();
    let every_rule = Settings {
        skip_evaluated: true,
        now: Some(iamlint::model::Timestamp::now()),
        ..Settings::default()
    };
    group.bench_function("check", |bench| {
        bench.iter(|| pipeline::run(&Request::new(&paths, &options, &every_rule)));
    });
    group.bench_function("check+rego", |bench| {
        bench.iter(|| {
            pipeline::run(&Request {
                custom: Some(&custom_rules),
                ..Request::new(&paths, &options, &every_rule)
            })
        });
    });
    group.finish();
    eprintln!("{name}: load average after: {}", load_average().trim());
}

fn accounts(criterion: &mut Criterion) {
    if let Some(dir) = std::env::var_os("IAMLINT_BENCH_DIR") {
        let dir = PathBuf::from(dir);
        let name = dir.file_name().map_or_else(
            || "dir".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
        custom_rules(criterion, &name, &dir, true);
        return;
    }
    custom_rules(criterion, "scale-1", &account_dir(1), false);
    custom_rules(criterion, "scale-10", &account_dir(10), true);
}

criterion_group!(benches, accounts);
criterion_main!(benches);
