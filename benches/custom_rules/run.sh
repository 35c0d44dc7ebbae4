#!/usr/bin/env bash
# The figures of BENCHMARKS.md "Custom rules", in one run on one generated account:
# the criterion benchmark (benches/custom.rs: floor, document, builtin, rego, check,
# check+rego), then `iamlint check` end to end without and with the custom rule, and
# regorus on the raw JSON (benches/rego), each with the load average.
#
#   benches/custom_rules/run.sh DIR [BEFORE]
#
# DIR from `cargo run --release --example gen -- --scale 10 --out DIR`. BEFORE (optional) is a
# directory holding `iamlint` and `custom-bench`, the binary and the criterion benchmark
# built from an older commit (`cargo bench --bench custom --no-run` prints the benchmark's
# path): they are measured first, in the same run, for before/after figures side by side.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:?usage: benches/custom_rules/run.sh DIR [BEFORE]}
before=${2:-}

nice -n 5 cargo build --quiet --release --bin iamlint
CARGO_TARGET_DIR=target/rego-bench nice -n 5 cargo build --quiet --release \
  --manifest-path benches/rego/Cargo.toml
nice -n 5 cargo bench --quiet --bench custom --no-run

echo "load average at start: $(cat /proc/loadavg)"
if [ -n "$before" ]; then
  echo "== before ($before/custom-bench)"
  IAMLINT_BENCH_DIR="$dir" nice -n 5 "$before/custom-bench" --bench
  echo "== after"
fi
IAMLINT_BENCH_DIR="$dir" nice -n 5 cargo bench --quiet --bench custom

# wall: COMMAND... -> "wall s, user s, peak RSS MB" of one run under /usr/bin/time -v.
wall() {
  local report
  report=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$report" || true
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
    /User time/ { user = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%.2f s wall, %.2f s user, %.0f MB peak RSS\n", wall, user, rss }' "$report"
  rm -f "$report"
}

for run in 1 2 3; do
  echo "run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "$before" ]; then
    echo "  before check:         $(wall "$before/iamlint" check --no-config --format json "$dir")"
    echo "  before check --rules: $(wall "$before/iamlint" check --no-config --format json --rules benches/custom_rules "$dir")"
  fi
  echo "  check:              $(wall target/release/iamlint check --no-config --format json "$dir")"
  echo "  check --rules:      $(wall target/release/iamlint check --no-config --format json --rules benches/custom_rules "$dir")"
  echo "  regorus on raw JSON: $(wall target/rego-bench/release/iamlint-rego-bench "$dir")"
done
target/rego-bench/release/iamlint-rego-bench "$dir" | tail -1
echo "load average at end: $(cat /proc/loadavg)"
