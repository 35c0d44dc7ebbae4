#!/usr/bin/env bash
# The three programs the issue's main targets compare: the parse floor, `iamlint check
# --format json` and regorus with the three foundation rules, run one after the other N
# times on each data set (floor, iamlint, regorus, floor, ...), so that all three see the
# same moments of a machine whose speed drifts; prints the minimum and the median of each
# (wall and CPU time, user + system) and their ratios.
#
#   benches/repeat.sh N DIR...   e.g. benches/repeat.sh 5 /tmp/iamlint-scale-10 /tmp/iamlint-scale-10-compact
#
# The data sets are `gen` outputs, as `benches/run.sh` writes them. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: benches/repeat.sh N DIR..." >&2; exit 2; }
rounds=$1
shift
cargo build --quiet --release --bin iamlint --example parse_floor
cargo build --quiet --release --manifest-path benches/rego/Cargo.toml
# shellcheck source=benches/alternate.sh
source benches/alternate.sh
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| data | program | wall s min | wall s median | cpu s min | cpu s median | peak RSS MB | wall / floor (medians) | cpu / floor (medians) | regorus / iamlint, wall (medians) | regorus / iamlint, cpu (medians) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for dir in "$@"; do
  rm -f "$work/floor" "$work/json" "$work/rego"
  for _ in $(seq "$rounds"); do
    run floor target/release/examples/parse_floor "$dir"
    run json target/release/iamlint check --no-config --format json "$dir"
    run rego benches/rego/target/release/iamlint-rego-bench "$dir"
  done
  awk -v data="$(basename "$dir")" "$SUMMARY_AWK"'
    END {
      split("parse floor,iamlint check --format json,regorus (3 rules)", names, ",")
      for (f = 1; f <= 3; f++) {
        summarise(f)
        row = sprintf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.0f |", data, names[f], min_wall, med_wall[f], min_cpu, med_cpu[f], kb[f] / 1024)
        if (f == 1) row = row " - | - | - | - |"
        if (f == 2) row = row sprintf(" %.2f | %.2f | - | - |", med_wall[2] / med_wall[1], med_cpu[2] / med_cpu[1])
        if (f == 3) row = row sprintf(" %.2f | %.2f | %.2f | %.2f |", med_wall[3] / med_wall[1], med_cpu[3] / med_cpu[1], med_wall[3] / med_wall[2], med_cpu[3] / med_cpu[2])
        print row
      }
    }' "$work/floor" "$work/json" "$work/rego"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
