#!/usr/bin/env bash
# Renders compliance reports in a real browser (headless Chromium) and checks what a reader
# sees and does: the page loads offline and fetches nothing; the incomplete-input banner is
# on the first screen exactly when an input is broken; the findings table is sorted by
# severity then rule; a click on a severity count and the rule filter narrow the table; a
# row's link opens its collapsed section; two accounts get a roll-up and a section each; the
# A4 print of the demo stays short. Writes the screenshots of the README into docs/.
#
#   scripts/check-report.sh            # check; screenshots to target/report-check/
#   scripts/check-report.sh docs       # check and refresh docs/report-*.png
#
# The interactions run in the page itself: scripts/report-check.js is appended to a copy of
# each report as an inline script, and its results are read back from --dump-dom (no
# driver, no network, nothing to install but Chromium).
#
# Needs Debian's chromium (`apt-get install -y chromium`). CI does not install it, so this
# script is not part of .ci/run; run it after changing templates/report.html. The Rust
# tests (tests/integration/report.rs) check the same structure on the HTML text.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z "$browser" ]]; then
  echo "error: chromium not found: apt-get install -y chromium (or set CHROMIUM)" >&2
  exit 2
fi

out=target/report-check
rm -rf "$out"
mkdir -p "$out"
shots=${1:-$out}
mkdir -p "$shots"

cargo build --quiet
iamlint=target/debug/iamlint

# Flags: run as root without a sandbox, no GPU, no background traffic (the build machines
# have no network; the page must not need one), a fresh profile per run.
chrome() {
  local profile
  profile=$(mktemp -d "$PWD/$out/profile.XXXXXX")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" "$@" 2>>"$out/chromium.log"
}

fail=0
say() { # say <ok|FAIL> <message>
  if [[ $1 == ok ]]; then echo "ok: $2"; else echo "FAIL: $2" >&2; fail=1; fi
}

# report <name> <expected attributes for the test page> <iamlint inputs...>
report() {
  local name=$1 expect=$2
  shift 2
  # A fixed date keeps the pages (and the screenshots) reproducible. Exit code 2 (an
  # input could not be loaded) is expected for the broken case.
  SOURCE_DATE_EPOCH=1767225600 "$iamlint" report --output "$out/$name.html" "$@" \
    2>"$out/$name.stderr" || [[ $? == 2 ]]
  local page="$out/$name.html" test="$out/$name.test.html"
  # The page must reference nothing outside itself (one inline script, no src=).
  if grep -qE '<(link|img|iframe)\b|<script[^>]*src=|url\(|@import' "$page"; then
    say FAIL "$name: the page references external resources"
  else
    say ok "$name: no external resources"
  fi
  # The test page: the report, told what to expect, with the checks appended.
  {
    sed "s|^<html lang=\"en\">|<html lang=\"en\" $expect>|" "$page" | sed '/^<\/body>/,$d'
    printf '<script>\n'
    cat scripts/report-check.js
    printf '</script>\n</body>\n</html>\n'
  } >"$test"
  chrome --window-size=1280,900 --virtual-time-budget=3000 --dump-dom "file://$PWD/$test" \
    >"$out/$name.dom.html"
  local results
  results=$(sed -n '/<pre id="check-results">/,/<\/pre>/p' "$out/$name.dom.html" |
    sed -e 's/<[^>]*>//g' -e '/^$/d')
  if [[ -z "$results" ]]; then
    say FAIL "$name: the checks did not run (see $out/$name.dom.html)"
    return
  fi
  while IFS= read -r line; do
    case $line in
      ok:*) say ok "$name: ${line#ok: }" ;;
      *) say FAIL "$name: ${line#FAIL: }" ;;
    esac
  done <<<"$results"
  chrome --window-size=1280,1000 --screenshot="$PWD/$shots/report-$name.png" "file://$PWD/$page" \
    >>"$out/chromium.log"
  if [[ -s "$shots/report-$name.png" ]]; then
    say ok "$name: screenshot $shots/report-$name.png"
  else
    say FAIL "$name: no screenshot"
  fi
}

report demo 'data-expect-banner="no"' fixtures/demo
report broken 'data-expect-banner="yes"' fixtures/demo fixtures/invalid/truncated.json \
  fixtures/invalid/partly-loaded-policies.json
report accounts 'data-expect-banner="no" data-expect-accounts="2"' fixtures/accounts

# Print: an A4 PDF of the demo report is a few pages (summary and findings table first).
chrome --no-pdf-header-footer --print-to-pdf="$PWD/$out/demo.pdf" "file://$PWD/$out/demo.html" \
  >>"$out/chromium.log"
pages=$(grep -ac '/Type /Page\b' "$out/demo.pdf" || true)
if ((pages >= 2 && pages <= 12)); then
  say ok "demo: printed to $pages A4 pages"
else
  say FAIL "demo: the PDF has $pages pages (expected 2 to 12)"
fi
# The findings table as a click on the summary's "high" count leaves it (headless
# screenshots do not scroll: the parts above the table are hidden in this copy instead).
{
  sed '/^<\/body>/,$d' "$out/demo.html"
  printf '%s\n' '<style>header.top, nav.toc, #summary { display: none; }</style>' \
    '<script>document.querySelector("#failing-by-severity a[data-severity]").click();</script>' \
    '</body>' '</html>'
} >"$out/findings.html"
chrome --window-size=1280,900 --screenshot="$PWD/$shots/report-findings.png" \
  "file://$PWD/$out/findings.html" >>"$out/chromium.log"
if [[ -s "$shots/report-findings.png" ]]; then
  say ok "demo: screenshot $shots/report-findings.png"
else
  say FAIL "demo: no screenshot of the findings table"
fi
exit $fail
