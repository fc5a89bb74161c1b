#!/usr/bin/env bash
# Runs one FSI example script against the Release build and fails when it fails or prints nothing.
set -euo pipefail
out=$(dotnet fsi "$@")
echo "$out"
[ -n "$out" ]
