#!/usr/bin/env bash
# Every output format against `--format json`, alternated: each round runs `iamlint check
# --no-config --format F` for every format and `iamlint report --format html`, one after
# the other, N rounds on each data set, so that all see the same moments of a machine whose
# speed drifts; prints the minimum and the median wall and CPU time (user + system) of each,
# its largest peak RSS, and the ratios of the medians (and of the peak RSS) to json's.
#
#   benches/formats.sh N DIR...   e.g. benches/formats.sh 3 /tmp/iamlint-scale-100-compact
#
# The data sets are `gen` outputs, as `benches/run.sh` writes them. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: benches/formats.sh N DIR..." >&2; exit 2; }
rounds=$1
shift
cargo build --quiet --release --bin iamlint
formats=(json sarif human concise github junit markdown csv html)
# shellcheck source=benches/alternate.sh
source benches/alternate.sh
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| data | program | wall s min | wall s median | cpu s min | cpu s median | peak RSS MB | wall / json (medians) | cpu / json (medians) | RSS / json |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for dir in "$@"; do
  rm -f "$work"/f-*
  for _ in $(seq "$rounds"); do
    for format in "${formats[@]}"; do
      run "f-$format" target/release/iamlint check --no-config --format "$format" "$dir"
    done
    run f-report target/release/iamlint report --no-config --format html "$dir"
  done
  files=()
  names=""
  for format in "${formats[@]}"; do
    files+=("$work/f-$format")
    names="$names${names:+,}iamlint check --format $format"
  done
  files+=("$work/f-report")
  names="$names,iamlint report --format html"
  awk -v data="$(basename "$dir")" -v names="$names" "$SUMMARY_AWK"'
    END {
      count = split(names, label, ",")
      for (f = 1; f <= count; f++) {
        summarise(f)
        row = sprintf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.0f |", data, label[f], min_wall, med_wall[f], min_cpu, med_cpu[f], kb[f] / 1024)
        if (f == 1) row = row " - | - | - |"
        else row = row sprintf(" %.2f | %.2f | %.2f |", med_wall[f] / med_wall[1], med_cpu[f] / med_cpu[1], kb[f] / kb[1])
        print row
      }
    }' "${files[@]}"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
