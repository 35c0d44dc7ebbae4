#!/usr/bin/env bash
# End-to-end time and peak memory of `iamlint check` in every output format (and the
# compliance report) beside the parse floor (every file into a serde_json::Value) and, with
# --rego, the foundation rules as Rego on regorus, on the generated account of each scale,
# written pretty-printed (as `jq .` saves it) and compact (one line per file, as `curl` saves
# it), side by side in one run. Prints one Markdown table row per program.
#
#   benches/run.sh [--rego] [--json-only] [--drop] SCALE...   e.g. benches/run.sh --rego 1 10 100
#
# --json-only measures `--format json` alone (as earlier rounds did); --drop deletes each
# generated data set of scale 100 and more once measured (one on disk at a time).
# Data goes to $BENCH_DATA (default /tmp), one directory per scale and layout, generated
# once. Not part of CI: scale 100 writes about 1 GB and needs several GB of memory. Run it
# with `nice -n 5` on a shared machine, and note the load average it prints.
set -euo pipefail
cd "$(dirname "$0")/.."

rego=false
formats=(json sarif human concise github junit markdown csv html report-html)
drop=false
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --rego) rego=true ;;
    --json-only) formats=(json) ;;
    --drop) drop=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $# -gt 0 ]] || { echo "usage: benches/run.sh [--rego] [--json-only] [--drop] SCALE..." >&2; exit 2; }

cargo build --quiet --release --bin iamlint --example gen --example parse_floor \
  --example parse_floor_jemalloc
if $rego; then
  cargo build --quiet --release --manifest-path benches/rego/Cargo.toml
fi

# measure NAME COMMAND...: runs COMMAND under /usr/bin/time -v and prints its row (ratios
# to the floor, the input and `--format json` of the same data: wall time, and CPU time,
# user + system, which a loaded machine distorts less); sets LAST_SECONDS, LAST_CPU, LAST_KB.
measure() {
  local name=$1
  shift
  local report
  report=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$report" || true
  local wall user sys kb
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$report")
  user=$(awk -F': ' '/User time/ {print $2}' "$report")
  sys=$(awk -F': ' '/System time/ {print $2}' "$report")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$report")
  rm -f "$report"
  # m:ss.cc or h:mm:ss -> seconds
  LAST_SECONDS=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  LAST_KB=$kb
  LAST_CPU=$(awk -v a="$user" -v b="$sys" 'BEGIN { print a + b }')
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
  printf '| %s | %s | %s | %.2f | %.2f | %.2f | %.0f | %s | %s | %s | %s | %s | %s |\n' \
    "$scale" "$layout" "$name" "$LAST_SECONDS" "$user" "$sys" "$((kb / 1024))" \
    "$(ratio "$LAST_SECONDS" "${floor_seconds:-0}")" "$(ratio "$LAST_CPU" "${floor_cpu:-0}")" \
    "$(ratio "$kb" "$input_kb")" \
    "$(ratio "$LAST_SECONDS" "${json_seconds:-0}")" "$(ratio "$LAST_CPU" "${json_cpu:-0}")" \
    "$(ratio "$kb" "${json_kb:-0}")"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| scale | layout | program | wall s | user s | sys s | peak RSS MB | wall / floor | cpu / floor | RSS / input | wall / json | cpu / json | RSS / json |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for scale in "$@"; do
  for layout in pretty compact; do
    dir="${BENCH_DATA:-/tmp}/iamlint-scale-$scale"
    flags=()
    if [[ "$layout" == compact ]]; then
      dir="$dir-compact"
      flags=(--compact)
    fi
    if [[ ! -f "$dir/expected.json" ]]; then
      target/release/examples/gen --scale "$scale" --out "$dir" "${flags[@]}" >&2
    fi
    # The input: every file iamlint reads as an export (expected.json is skipped).
    input_kb=$(find "$dir" -type f -name '*.json' ! -name expected.json -printf '%s\n' |
      awk '{ s += $1 } END { printf "%d", s / 1024 }')
    echo "| $scale | $layout | input | | | | $((input_kb / 1024)) | | | 1.00 | | | |"
    floor_seconds="" floor_cpu="" json_seconds="" json_cpu="" json_kb=""
    measure "parse floor" target/release/examples/parse_floor "$dir"
    floor_seconds=$LAST_SECONDS
    floor_cpu=$LAST_CPU
    # The same floor with jemalloc, the allocator of the iamlint binary (its ratios are to
    # the floor above, with the system allocator).
    measure "parse floor (jemalloc)" target/release/examples/parse_floor_jemalloc "$dir"
    for format in "${formats[@]}"; do
      case "$format" in
        report-html)
          measure "iamlint report --format html" \
            target/release/iamlint report --no-config --format html "$dir" ;;
        *)
          measure "iamlint check --format $format" \
            target/release/iamlint check --no-config --color never --format "$format" "$dir" ;;
      esac
      if [[ "$format" == json ]]; then
        json_seconds=$LAST_SECONDS
        json_cpu=$LAST_CPU
        json_kb=$LAST_KB
      fi
    done
    if $rego; then
      measure "regorus (3 rules)" benches/rego/target/release/iamlint-rego-bench "$dir"
    fi
    if $drop && [[ "$scale" -ge 100 ]]; then
      rm -rf "$dir"
    fi
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
