#!/usr/bin/env bash
# Restores tools and packages, builds, and starts the service on http://127.0.0.1:${PORT:-8000}
# (SQLite + offline engine unless DATABASE_URL / provider keys are set). Extra arguments go to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
dotnet paket restore >/dev/null
dotnet build src/TimepointFlash.Api -c Release -nologo -v quiet
exec dotnet src/TimepointFlash.Api/bin/Release/net10.0/TimepointFlash.Api.dll "$@"
