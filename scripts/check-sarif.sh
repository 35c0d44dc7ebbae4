#!/usr/bin/env bash
# Validates iamlint's SARIF for the demo account with Microsoft's SARIF Multitool, with the
# rules GitHub code scanning applies on upload (rule kinds "Sarif;Gh"):
#
#   scripts/check-sarif.sh            # errors and warnings
#   scripts/check-sarif.sh --notes    # also the advisory notes
#
# Installs @microsoft/sarif-multitool from npm into target/sarif-multitool on first use
# (about 100 MB; not part of .ci/run, which validates against the SARIF JSON schema in
# `cargo test`). Exits 1 when the Multitool reports an error.
set -euo pipefail
cd "$(dirname "$0")/.."

levels="Error;Warning"
[[ "${1:-}" == "--notes" ]] && levels="Error;Warning;Note"

tool_dir=target/sarif-multitool
tool=$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [[ ! -x "$tool" ]]; then
  mkdir -p "$tool_dir"
  npm install --prefix "$tool_dir" --no-audit --no-fund @microsoft/sarif-multitool >/dev/null
  chmod u+x "$tool"
fi

out=target/sarif-check
mkdir -p "$out"
rm -f "$out/demo.sarif" "$out/validation.sarif"
cargo run --quiet -- check --format sarif --no-exit-codes --output "$out/demo.sarif" fixtures/demo
# Call the binary directly (not through npx) so the rule-kind list survives the shell.
"$tool" validate --rule-kind "Sarif;Gh" --level "$levels" "$out/demo.sarif" -o "$out/validation.sarif" |
  tee "$out/validation.log"
if grep -q ': error ' "$out/validation.log"; then
  exit 1
fi
