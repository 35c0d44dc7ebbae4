//! Criterion benchmarks of iamlint's phases on the synthetic account (`examples/gen`) at
//! scales 1 and 10, beside the parse floor (every file into a `serde_json::Value`):
//!
//! - `floor`: read and parse every input into `serde_json::Value` (benches/parse_floor.rs);
//! - `load`: `sources::load`: discovery, reading, parsing, loading into the model, linking;
//! - `link`: `InventoryBuilder::finish` alone: deduplication and the join indexes;
//! - `rules`: every rule over the inventory;
//! - `report`: resolving the findings' places (reading the list items they point into),
//!   ordering the findings and rendering `--format json`.
//!
//! `cargo bench --bench phases`; the data is generated once into the temp dir.

use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use iamlint::model::{Inventory, InventoryBuilder};
use iamlint::report::{RunReport, json};
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

/// The allocator of the `iamlint` binary, so that the phases are timed as it runs them.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// A builder holding the loaded entities again, to time `finish` on its own.
fn builder_of(inventory: &Inventory) -> InventoryBuilder {
    let mut builder = InventoryBuilder::default();
    *builder.collections() = inventory.collections;
    inventory
        .instances
        .iter()
        .cloned()
        .for_each(|entity| builder.add_instance(entity));
    inventory
        .keys
        .iter()
        .cloned()
        .for_each(|entity| builder.add_key(entity));
    inventory
        .service_ids
        .iter()
        .cloned()
        .for_each(|entity| builder.add_service_id(entity));
    inventory
        .api_keys
        .iter()
        .cloned()
        .for_each(|entity| builder.add_api_key(entity));
    inventory
        .policies
        .iter()
        .cloned()
        .for_each(|entity| builder.add_policy(entity));
    inventory
        .placeholders
        .iter()
        .cloned()
        .for_each(|entity| builder.add_placeholder(entity));
    inventory
        .access_groups
        .iter()
        .cloned()
        .for_each(|entity| builder.add_access_group(entity));
    inventory
        .memberships
        .iter()
        .cloned()
        .for_each(|entity| builder.add_membership(entity));
    for (group, total) in &inventory.member_lists {
        builder.add_member_list(group, *total);
    }
    builder
}

/// As `iamlint check --format json` runs the rules: no record of the passes.
fn settings() -> Settings {
    Settings {
        now: account::ids::EXPORTED_AT.parse().ok(),
        skip_evaluated: true,
        ..Settings::default()
    }
}

fn load(dir: &Path) -> sources::Loaded {
    sources::load(&[dir.to_path_buf()], &LoadOptions::default()).expect("valid options")
}

fn phases(criterion: &mut Criterion, scale: usize) {
    let dir = account_dir(scale);
    let mut group = criterion.benchmark_group(format!("scale-{scale}"));
    if scale > 1 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(30));
    } else {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(10));
    }
    group.bench_function("floor", |bench| bench.iter(|| parse_floor::parse_all(&dir)));
    group.bench_function("load", |bench| bench.iter(|| load(&dir)));
    let loaded = load(&dir);
    group.bench_function("link", |bench| {
        bench.iter_batched(
            || builder_of(&loaded.inventory),
            InventoryBuilder::finish,
            BatchSize::LargeInput,
        );
    });
    let settings = settings();
    group.bench_function("rules", |bench| {
        bench.iter(|| rules::run(&loaded.inventory, &settings));
    });
    group.bench_function("report", |bench| {
        bench.iter_batched(
            || {
                // Fresh documents, so that span indexes are built as in a real run.
                let loaded = load(&dir);
                let findings = rules::run(&loaded.inventory, &settings);
                (loaded, findings)
            },
            |(mut loaded, mut findings)| {
                // As `pipeline::run` does: the places of the findings, read item by item.
                loaded
                    .documents
                    .resolve(findings.iter().flat_map(|finding| {
                        std::iter::once(&finding.primary.origin)
                            .chain(finding.related.iter().map(|related| &related.label.origin))
                    }));
                iamlint::report::order(&mut findings, &loaded.documents);
                json::render(&RunReport::new(&loaded, &findings))
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn scale_1(criterion: &mut Criterion) {
    phases(criterion, 1);
}

fn scale_10(criterion: &mut Criterion) {
    phases(criterion, 10);
}

criterion_group!(benches, scale_1, scale_10);
criterion_main!(benches);
