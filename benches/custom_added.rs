//! What one custom rule adds to a run, measured in pairs: `pipeline::run` without and with
//! the bench rule (`benches/custom_rules`), one right after the other, the order swapped
//! every round, ROUNDS times (default 30). The median of the pairs' differences is what the
//! rule adds: a pair runs within half a second, so the machine's drift between minutes
//! (as large as the figure on this machine) cancels out, as it does not between criterion's
//! groups of samples. Beside it, the parts of the rule's cost in the same process: the
//! built-in `serviceid-unrestricted` alone, and the rule's input document alone.
//!
//!     IAMLINT_BENCH_DIR=DIR cargo bench --bench custom_added
//!
//! DIR from `cargo run --release --example gen -- --scale 10 --out DIR`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iamlint::custom;
use iamlint::pipeline::{self, Request};
use iamlint::rules::{self, Settings};
use iamlint::sources::{self, LoadOptions};

// The binary's allocator, with the decay settings of `.cargo/config.toml`.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn milliseconds(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

#[allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports on the terminal
fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let Some(dir) = std::env::var_os("IAMLINT_BENCH_DIR").map(PathBuf::from) else {
        eprintln!("custom_added: set IAMLINT_BENCH_DIR to a generated account (see the header)");
        return;
    };
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(30);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let custom_rules = custom::load(&[root.join("benches/custom_rules")]);
    assert!(custom_rules.errors.is_empty(), "{:?}", custom_rules.errors);
    let paths = [dir];
    let options = LoadOptions::default();
    let settings = Settings {
        skip_evaluated: true,
        now: Some(iamlint::model::Timestamp::now()),
        ..Settings::default()
    };
    let run = |custom: bool| {
        let started = Instant::now();
        let checked = pipeline::run(&Request {
            custom: custom.then_some(&custom_rules),
            ..Request::new(&paths, &options, &settings)
        });
        let took = milliseconds(started);
        // Freed outside the timing (the binary never frees it), and a pause for the
        // threads that free the rule's document.
        drop(checked);
        std::thread::sleep(Duration::from_millis(30));
        took
    };
    let (mut without, mut with, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (plain, custom) = if round % 2 == 0 {
            let plain = run(false);
            (plain, run(true))
        } else {
            let custom = run(true);
            (run(false), custom)
        };
        without.push(plain);
        with.push(custom);
        added.push(custom - plain);
    }

    // The parts, each the median of ROUNDS runs over one loaded inventory.
    let loaded = sources::load(&paths, &options).expect("valid options");
    let rule = std::fs::read_to_string(
        root.join("benches/custom_rules/bench/serviceid-unrestricted.rego"),
    )
    .expect("the bench rule is readable");
    let needs = custom::needs::Needs::of_rules([rule.as_str()]);
    let builtin = Settings {
        skip_evaluated: true,
        ..Settings::only(&["serviceid-unrestricted"])
    };
    let time = |work: &dyn Fn()| {
        median(
            (0..rounds)
                .map(|_| {
                    let started = Instant::now();
                    work();
                    milliseconds(started)
                })
                .collect(),
        )
    };
    let builtin_ms = time(&|| drop(rules::run(&loaded.inventory, &builtin)));
    let document_ms = time(&|| drop(custom::document::value_of(&loaded.inventory, &needs)));

    println!("custom_added: {rounds} pairs over {}", paths[0].display());
    println!(
        "check (median)                        {:8.1} ms",
        median(without)
    );
    println!(
        "check with the rule (median)          {:8.1} ms",
        median(with)
    );
    println!(
        "the rule adds (median of the pairs)   {:8.1} ms",
        median(added)
    );
    println!(
        "built-in serviceid-unrestricted       {:8.1} ms",
        builtin_ms
    );
    println!(
        "the rule's document (every core)      {:8.1} ms",
        document_ms
    );
    println!(
        "target: built-in + document           {:8.1} ms",
        builtin_ms + document_ms
    );
}
