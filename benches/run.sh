#!/usr/bin/env bash
# End-to-end time and peak memory of `iamlint check --format json` beside the parse floor
# (every file into a serde_json::Value) and, with --rego, the foundation rules as Rego on
# regorus, on the generated account of each scale, written pretty-printed (as `jq .` saves
# it) and compact (one line per file, as `curl` saves it). Prints one Markdown table row per
# run.
#
#   benches/run.sh [--rego] SCALE...        e.g. benches/run.sh --rego 1 10 100
#
# Data goes to $BENCH_DATA (default /tmp), one directory per scale, generated once. Not part
# of CI: scale 100 writes about 1 GB and needs several GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

rego=false
if [[ "${1:-}" == "--rego" ]]; then
  rego=true
  shift
fi
[[ $# -gt 0 ]] || { echo "usage: benches/run.sh [--rego] SCALE..." >&2; exit 2; }

cargo build --quiet --release --bin iamlint --example gen --example parse_floor
if $rego; then
  cargo build --quiet --release --manifest-path benches/rego/Cargo.toml
fi

# measure NAME FLOOR_SECONDS FLOOR_KB COMMAND...: runs COMMAND under /usr/bin/time -v and
# prints its row; sets LAST_SECONDS and LAST_KB.
measure() {
  local name=$1 floor_seconds=$2 floor_kb=$3
  shift 3
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
  local time_ratio="1.00" memory_ratio="1.00"
  if [[ "$floor_seconds" != "-" ]]; then
    time_ratio=$(awk -v a="$LAST_SECONDS" -v b="$floor_seconds" 'BEGIN { printf "%.2f", a / b }')
    memory_ratio=$(awk -v a="$kb" -v b="$floor_kb" 'BEGIN { printf "%.2f", a / b }')
  fi
  printf '| %s | %s | %s | %.2f | %.2f | %.2f | %.0f | %s | %s |\n' \
    "$scale" "$layout" "$name" "$LAST_SECONDS" "$user" "$sys" "$((kb / 1024))" "$time_ratio" "$memory_ratio"
}

echo "| scale | layout | program | wall s | user s | sys s | peak RSS MB | time / floor | RSS / floor |"
echo "|---|---|---|---|---|---|---|---|---|"
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
    measure "parse floor" - - target/release/examples/parse_floor "$dir"
    floor_seconds=$LAST_SECONDS
    floor_kb=$LAST_KB
    measure "iamlint check --format json" "$floor_seconds" "$floor_kb" \
      target/release/iamlint check --no-config --format json "$dir"
    if $rego; then
      measure "regorus (3 rules)" "$floor_seconds" "$floor_kb" \
        benches/rego/target/release/iamlint-rego-bench "$dir"
    fi
  done
done
