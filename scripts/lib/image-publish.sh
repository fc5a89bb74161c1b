#!/usr/bin/env bash
# The Dockerfile's `dotnet publish` commands, verbatim but for the output directory (sourced by
# scripts/check-deploy.sh and scripts/bench.sh, so neither can drift from the image).

# Prints the Dockerfile's publish commands, one a line, with `-o /app` replaced by the given directory.
image_publish_commands() {
  local out=$1
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' Dockerfile | grep -oE 'dotnet publish [^&]*' | sed -E 's/ +$//' |
    sed -E "s# -o /app( |\$)# -o $out\1#"
}
