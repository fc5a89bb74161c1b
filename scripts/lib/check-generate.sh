#!/usr/bin/env bash
# Checks scripts/generate.fsx end to end with the offline engine: the declaration completes with July 4, 1776 in
# Philadelphia and the same JSON twice; a how-to query is rejected with a reason and a suggestion; "rome 50 BCE"
# is year -50. Prints what it checked and exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
unset GOOGLE_API_KEY OPENROUTER_API_KEY OPENAI_API_KEY OPENAI_BASE_URL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
q="signing of the declaration of independence"
dotnet fsi scripts/generate.fsx "$q" >"$tmp/a.json" 2>/dev/null
dotnet fsi scripts/generate.fsx "$q" >"$tmp/b.json" 2>/dev/null
cmp -s "$tmp/a.json" "$tmp/b.json" || { echo "generate.fsx printed different JSON for the same query"; exit 1; }
need() { grep -q -- "$2" "$1" || { echo "missing in $(basename "$1"): $2"; exit 1; }; }
need "$tmp/a.json" '"status": "completed"'
need "$tmp/a.json" '"year": 1776,'
need "$tmp/a.json" '"month": 7,'
need "$tmp/a.json" '"day": 4,'
need "$tmp/a.json" 'Philadelphia'
grep -Eq '"name": "(John Hancock|Thomas Jefferson|Benjamin Franklin|John Adams)"' "$tmp/a.json" || { echo "no named signer"; exit 1; }
for key in '"scene": {' '"moment": {' '"camera": {' '"graph": {' '"image_prompt": "' '"speaker": '; do need "$tmp/a.json" "$key"; done
if dotnet fsi scripts/generate.fsx how do I bake bread >"$tmp/bread.json" 2>/dev/null; then
  echo "a how-to query was not rejected"; exit 1
fi
need "$tmp/bread.json" '"status": "failed"'
need "$tmp/bread.json" '"suggested_query": "'
need "$tmp/bread.json" '"error": "judge: ' 
dotnet fsi scripts/generate.fsx "rome 50 BCE" >"$tmp/rome.json" 2>/dev/null
need "$tmp/rome.json" '"year": -50,' 
echo "generate.fsx: declaration twice (same JSON), bread rejected, rome 50 BCE = -50"
