# Shared by benches/repeat.sh and benches/formats.sh (sourced, not run): a scratch directory,
# `run NAME COMMAND...`, which times one command and appends "wall user sys kb" to
# $work/NAME, and SUMMARY_AWK, the awk functions that read those files (one per program,
# in order) and summarise them: `summarise(f)` sets min_wall, min_cpu, med_wall[f] and
# med_cpu[f]; kb[f] is the largest peak RSS.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$work/time" || true
  tail -1 "$work/time" >>"$work/$name"
}
SUMMARY_AWK='
  function median(values, n,   sorted, i, j, t) {
    for (i = 1; i <= n; i++) sorted[i] = values[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
  }
  function summarise(f,   i, w, c) {
    min_wall = min_cpu = 1e9
    for (i = 1; i <= n[f]; i++) {
      w[i] = wall[f, i]; c[i] = cpu[f, i]
      if (w[i] < min_wall) min_wall = w[i]
      if (c[i] < min_cpu) min_cpu = c[i]
    }
    med_wall[f] = median(w, n[f]); med_cpu[f] = median(c, n[f])
  }
  FNR == 1 { file++ }
  { n[file]++; wall[file, n[file]] = $1; cpu[file, n[file]] = $2 + $3; if ($4 > kb[file]) kb[file] = $4 }
'
