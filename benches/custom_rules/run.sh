#!/usr/bin/env bash
# The figures of BENCHMARKS.md "Custom rules", in one run on one generated account:
# the criterion benchmark (benches/custom.rs: floor, document, builtin, rego, check,
# check+rego), what the rule adds in alternated pairs (benches/custom_added.rs), then
# `iamlint check` end to end without and with the custom rule, and
# regorus on the raw JSON (benches/rego), alternated ROUNDS times (default 15) for medians,
# each with the load average.
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
# What the rule adds in one process, in alternated pairs (drift between criterion's groups
# of samples is larger than the figure).
IAMLINT_BENCH_DIR="$dir" nice -n 5 cargo bench --quiet --bench custom_added

# End to end, alternated (check, check --rules, regorus, check, ...; ROUNDS times, default
# 15) so that every program sees the same moments of a machine whose speed drifts: the
# minimum and median of each, and what the custom rule adds to a run (medians).
# shellcheck source=benches/alternate.sh
source benches/alternate.sh
rounds=${ROUNDS:-15}
names=(check check-rules regorus)
commands=(
  "target/release/iamlint check --no-config --format json $dir"
  "target/release/iamlint check --no-config --format json --rules benches/custom_rules $dir"
  "target/rego-bench/release/iamlint-rego-bench $dir"
)
if [ -n "$before" ]; then
  names+=(before-check before-check-rules)
  commands+=(
    "$before/iamlint check --no-config --format json $dir"
    "$before/iamlint check --no-config --format json --rules benches/custom_rules $dir"
  )
fi
echo "end to end, $rounds alternated rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$rounds"); do
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086 # each command is split into its words on purpose
    run "${names[$i]}" ${commands[$i]}
  done
done
files=()
for name in "${names[@]}"; do files+=("$work/$name"); done
awk -v labels="${names[*]}" "$SUMMARY_AWK"'
  END {
    split(labels, label, " ")
    print "| program | wall s min | wall s median | cpu s min | cpu s median | peak RSS MB |"
    print "|---|---|---|---|---|---|"
    for (f = 1; f <= file; f++) {
      summarise(f)
      printf "| %s | %.3f | %.3f | %.3f | %.3f | %.0f |\n", label[f], min_wall, med_wall[f], min_cpu, med_cpu[f], kb[f] / 1024
    }
    printf "the custom rule adds (medians): %.0f ms wall, %.0f ms cpu\n", (med_wall[2] - med_wall[1]) * 1000, (med_cpu[2] - med_cpu[1]) * 1000
    if (file == 5) printf "before, it added (medians): %.0f ms wall, %.0f ms cpu\n", (med_wall[5] - med_wall[4]) * 1000, (med_cpu[5] - med_cpu[4]) * 1000
  }' "${files[@]}"
target/rego-bench/release/iamlint-rego-bench "$dir" | tail -1
echo "load average at end: $(cat /proc/loadavg)"
