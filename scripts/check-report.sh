#!/usr/bin/env bash
# Renders the compliance report of the demo account in a real browser (headless Chromium)
# and checks what a reader would see: the page loads offline, its sections and charts are
# there, nothing was fetched from the network. Also takes a screenshot.
#
#   scripts/check-report.sh                 # check; screenshot to target/report-check/report.png
#   scripts/check-report.sh docs/report.png # check and refresh the README's screenshot
#
# Needs Debian's chromium (`apt-get install -y chromium`). CI does not install it, so this
# script is not part of .ci/run; run it after changing templates/report.html.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z "$browser" ]]; then
  echo "error: chromium not found: apt-get install -y chromium (or set CHROMIUM)" >&2
  exit 2
fi

out=target/report-check
rm -rf "$out"
mkdir -p "$out/profile"
screenshot=${1:-$out/report.png}

# A fixed date keeps the page (and the screenshot) reproducible.
SOURCE_DATE_EPOCH=1767225600 cargo run --quiet -- report --output "$out/report.html" fixtures/demo

# Flags: run as root without a sandbox, no GPU, and no background traffic (the build
# machines have no network; the page must not need one).
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --no-first-run --disable-sync --hide-scrollbars
  --user-data-dir="$PWD/$out/profile")
url="file://$PWD/$out/report.html"

"$browser" "${flags[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$out/chromium.log"
"$browser" "${flags[@]}" --window-size=1280,2000 --screenshot="$PWD/$screenshot" "$url" \
  >>"$out/chromium.log" 2>&1
# Printable: the print stylesheet must give a PDF of several pages.
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$PWD/$out/report.pdf" "$url" \
  >>"$out/chromium.log" 2>&1

fail=0
expect() { # expect <description> <fixed string in the rendered DOM>
  if grep -qF -- "$2" "$out/dom.html"; then
    echo "ok: $1"
  else
    echo "FAIL: $1 (no '$2' in the rendered page)" >&2
    fail=1
  fi
}
expect "title" "<title>IBM Cloud IAM compliance report"
expect "account summary" "resource keys</div>"
expect "generated time" "generated 2026-01-01T00:00:00Z"
expect "severity chart (inline SVG)" 'id="chart-severity"'
expect "rule chart (inline SVG)" 'id="chart-rules"'
expect "a failing resource" "at-siem-reader"
expect "its access chain" "Access chain"
expect "its remediation" "ibmcloud iam service-policy-create ServiceId-77777777"
expect "CIS matrix, first control" "<strong>1.1</strong>"
expect "CIS matrix, last control" "<strong>1.19</strong>"
expect "waived findings section" 'id="waived"'
# The demo fails four rules and two severities: six bars with a red part.
bars=$(grep -oE '<rect class="fail" x="[0-9.]+" y="0" width="[0-9.]+"' "$out/dom.html" |
  grep -vc 'width="0.00"' || true)
if ((bars >= 6)); then echo "ok: $bars bars with failures drawn"; else echo "FAIL: $bars bars with failures" >&2; fail=1; fi
# Offline: the rendered page references nothing outside itself.
if grep -qE '<(script|link|img|iframe)\b|url\(' "$out/dom.html"; then
  echo "FAIL: the page references external resources" >&2
  fail=1
else
  echo "ok: no external resources"
fi
pages=$(grep -ac '/Type /Page\b' "$out/report.pdf" || true)
if ((pages >= 2)); then echo "ok: printed to $pages PDF pages"; else echo "FAIL: the PDF has $pages pages" >&2; fail=1; fi
if [[ ! -s "$screenshot" ]]; then
  echo "FAIL: no screenshot" >&2
  fail=1
else
  echo "ok: screenshot $screenshot"
fi
exit $fail
