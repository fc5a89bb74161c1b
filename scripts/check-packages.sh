#!/usr/bin/env bash
# The packages as a user gets them (issue 21): packs `TimepointFlash` (the C# facade with the engine's assemblies)
# and the `tpflash` tool into a temporary local feed; creates a fresh C# console app OUTSIDE the repository, adds the
# package by name (NuGet.config: the local feed plus the machine's usual source, for FSharp.Core, Npgsql, …), runs a
# generation, a navigation and a list against SQLite with the offline engine; checks the package's nuspec lists
# paket.lock's versions and the .snupkg holds the portable PDBs; builds and runs a second app outside the repository
# with only a project reference to the facade; then installs the tool from the feed and runs `tpflash generate` and
# `tpflash list`.
# Offline as far as the project goes: every package comes from the local feed or the NuGet cache.
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
tmp=$(mktemp -d /tmp/tpflash-packages.XXXXXX)
feed="$tmp/feed"
passed=0; failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | tail -40; failed=$((failed + 1)); }
# The check's own versions leave the global package cache when it ends.
finish() {
  rm -rf "$tmp" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/timepointflash/$version" \
    "${NUGET_PACKAGES:-$HOME/.nuget/packages}/tpflash/$version"
  echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?
}
# No key reaches the engine: the offline engine answers, nothing leaves the machine.
unset GOOGLE_API_KEY OPENROUTER_API_KEY OPENAI_API_KEY OPENAI_BASE_URL DATABASE_URL
# A package version of its own (assemblies keep theirs), so a package cached earlier never stands in for this build.
version="2.0.0-check.$(date +%s)"

# ---- pack (into the temporary feed)
for project in TimepointFlash.Interop TimepointFlash.Cli; do
  if dotnet pack "src/$project" -c Release -o "$feed" -p:PackageVersion="$version" >"$tmp/pack-$project.log" 2>&1; then
    ok "dotnet pack src/$project"
  else
    fail "dotnet pack src/$project" "$tmp/pack-$project.log"; finish
  fi
done
pkg="$feed/TimepointFlash.$version.nupkg"
[ -f "$pkg" ] && [ -f "$feed/tpflash.$version.nupkg" ] && ok "feed holds TimepointFlash and tpflash $version" ||
  { fail "feed holds both packages"; ls "$feed"; finish; }

# ---- the package's content: bundled engine, facade-only ref/, XML docs, README, dependencies at lock versions
mkdir -p "$tmp/unzipped" && (cd "$tmp/unzipped" && unzip -q "$pkg")
missing=""
for f in lib/net10.0/TimepointFlash.Interop.dll lib/net10.0/TimepointFlash.Interop.xml \
  lib/net10.0/TimepointFlash.Interop.Types.dll lib/net10.0/TimepointFlash.Interop.Types.xml lib/net10.0/TimepointFlash.Core.dll lib/net10.0/TimepointFlash.Engines.dll \
  lib/net10.0/TimepointFlash.Persistence.dll lib/net10.0/TimepointFlash.Runtime.dll \
  ref/net10.0/TimepointFlash.Interop.dll ref/net10.0/TimepointFlash.Interop.xml ref/net10.0/TimepointFlash.Interop.Types.dll \
  ref/net10.0/TimepointFlash.Interop.Types.xml README.md; do
  [ -f "$tmp/unzipped/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "package holds the engine in lib/, the facade and its XML docs in ref/, a README" ||
  fail "package content; missing:$missing"
if ls "$tmp/unzipped/ref/net10.0" | grep -qE "Core|Engines|Persistence|Runtime"; then
  fail "ref/ holds only the facade (F# assemblies out of the compiler's view)"
else
  ok "ref/ holds only the facade (F# assemblies out of the compiler's view)"
fi
nuspec="$tmp/unzipped/TimepointFlash.nuspec"
bad=""
while read -r id range; do
  low=$(sed -E 's/^\[([^],]+).*/\1/' <<<"$range")
  locked=$(grep -E "^    $id \(" paket.lock | head -1 | sed -E 's/.*\(([^)]+)\).*/\1/')
  # paket.lock may drop trailing zeros (10.11 for 10.11.0)
  [ -n "$locked" ] && { [ "$low" = "$locked" ] || [ "$low" = "$locked.0" ]; } || bad="$bad $id:$range(lock ${locked:-none})"
done < <(grep -oE '<dependency id="[^"]+" version="[^"]+"' "$nuspec" | sed -E 's/<dependency id="([^"]+)" version="([^"]+)"/\1 \2/')
grep -q 'id="Microsoft.Data.Sqlite.Core"' "$nuspec" || bad="$bad Microsoft.Data.Sqlite.Core:absent"
[ -z "$bad" ] && ok "nuspec dependencies start at paket.lock's versions (Microsoft.Data.Sqlite.Core included)" ||
  fail "nuspec dependencies vs paket.lock:$bad"

# ---- the symbols package: the portable PDBs of the facade and of the engine it bundles
snupkg="$feed/TimepointFlash.$version.snupkg"
if [ -f "$snupkg" ]; then
  mkdir -p "$tmp/symbols" && (cd "$tmp/symbols" && unzip -q "$snupkg")
  missing=""
  for f in TimepointFlash.Interop TimepointFlash.Interop.Types TimepointFlash.Core TimepointFlash.Engines \
    TimepointFlash.Persistence TimepointFlash.Runtime; do
    [ -f "$tmp/symbols/lib/net10.0/$f.pdb" ] || missing="$missing $f.pdb"
  done
  grep -q '<packageType name="SymbolsPackage"' "$tmp/symbols/TimepointFlash.nuspec" || missing="$missing SymbolsPackage-type"
  [ "$(head -c 4 "$tmp/symbols/lib/net10.0/TimepointFlash.Interop.pdb" 2>/dev/null)" = "BSJB" ] || missing="$missing portable-pdb"
  [ -z "$missing" ] && ok "TimepointFlash.$version.snupkg holds the portable PDBs of the facade and the engine" ||
    fail "snupkg content; missing:$missing"
else
  fail "dotnet pack makes TimepointFlash.$version.snupkg next to the package"; ls "$feed"
fi

# ---- NuGet.config: the local feed first, then the machine's own sources (the user-wide NuGet.Config)
write_nuget_config() { # dir
  {
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<configuration>'
    echo '  <packageSources>'
    echo "    <add key=\"local\" value=\"$feed\" />"
    echo '  </packageSources>'
    echo '</configuration>'
  } >"$1/NuGet.config"
}

# ---- a fresh C# console app outside the repository, adding the package by name
app="$tmp/app"
mkdir -p "$app"
case "$app" in "$root"/*) fail "app directory is outside the repository"; finish ;; esac
if (cd "$app" && dotnet new console --framework net10.0 --name PackageCheck --output . >"$tmp/new.log" 2>&1); then
  ok "dotnet new console (in $app)"
else
  fail "dotnet new console" "$tmp/new.log"; finish
fi
write_nuget_config "$app"
if (cd "$app" && dotnet add package TimepointFlash --version "$version" >"$tmp/add.log" 2>&1); then
  ok "dotnet add package TimepointFlash"
else
  fail "dotnet add package TimepointFlash" "$tmp/add.log"; finish
fi
cat >"$app/Program.cs" <<'CS'
using TimepointFlash.Interop;

await using var engine = await TimepointEngine.CreateAsync(new TimepointEngineOptions
{
    DatabaseUrl = "sqlite:///" + Path.Combine(AppContext.BaseDirectory, "check.db"),
    IgnoreEnvironment = true,
});
Timepoint caesar = await engine.GenerateAsync("assassination of julius caesar");
Console.WriteLine($"engine {engine.EngineName}");
Console.WriteLine($"generated {caesar.Status} {caesar.Year} {caesar.Month} {caesar.Day} {caesar.Location}");
Timepoint after = await engine.NextAsync(caesar.Id, 1, TravelUnit.Day);
Console.WriteLine($"next {after.Status} {after.Year} {after.Month} {after.Day} parent={after.ParentId == caesar.Id}");
TimepointPage page = await engine.ListAsync(page: 1, pageSize: 20);
Console.WriteLine($"listed {page.Total}");
CS
if (cd "$app" && timeout 600 dotnet run -c Release >"$tmp/run.log" 2>&1); then
  ok "dotnet run (C# app on the package)"
else
  fail "dotnet run (C# app on the package)" "$tmp/run.log"
fi
grep -q "^engine offline$" "$tmp/run.log" && ok "the offline engine answered" || fail "the offline engine answered" "$tmp/run.log"
grep -qE "^generated Completed -44 3 15 " "$tmp/run.log" && ok "generation: completed, 15 March 44 BCE" ||
  fail "generation: completed, 15 March 44 BCE" "$tmp/run.log"
grep -qE "^next Completed -44 3 16 parent=True$" "$tmp/run.log" && ok "navigation: next day, parent set" ||
  fail "navigation: next day, parent set" "$tmp/run.log"
grep -qE "^listed 2$" "$tmp/run.log" && ok "list: both scenes" || fail "list: both scenes" "$tmp/run.log"

# ---- a plain project reference to the facade is enough: a C# app outside the repository with that one reference
# builds and runs a generation, in a TimepointFlash.* namespace (the engine's F# types stay out of its compiler's view)
refapp="$tmp/refapp"
mkdir -p "$refapp"
if (cd "$refapp" && dotnet new console --framework net10.0 --name ReferenceCheck --output . >"$tmp/refnew.log" 2>&1 &&
  dotnet add reference "$root/src/TimepointFlash.Interop/TimepointFlash.Interop.fsproj" >>"$tmp/refnew.log" 2>&1); then
  write_nuget_config "$refapp"
  [ "$(grep -c "<ProjectReference" "$refapp/ReferenceCheck.csproj")" = "1" ] &&
    ok "a console app outside the repository with one project reference (the facade)" ||
    fail "the app has exactly one project reference" "$refapp/ReferenceCheck.csproj"
else
  fail "dotnet new console + dotnet add reference" "$tmp/refnew.log"
fi
cat >"$refapp/Program.cs" <<'CS'
using TimepointFlash.Interop;

namespace TimepointFlash.Demo;

public static class Program
{
    public static async Task Main()
    {
        await using var engine = await TimepointEngine.CreateAsync(new TimepointEngineOptions
        {
            DatabaseUrl = "sqlite:///" + Path.Combine(AppContext.BaseDirectory, "reference.db"),
            IgnoreEnvironment = true,
        });
        Timepoint caesar = await engine.GenerateAsync("assassination of julius caesar");
        Timepoint again = await engine.GetAsync(caesar.Id);
        Console.WriteLine($"generated {caesar.Status} {caesar.Year} {caesar.Month} {caesar.Day} same={again == caesar}");
    }
}
CS
if (cd "$refapp" && timeout 900 dotnet run -c Release >"$tmp/refrun.log" 2>&1) &&
  grep -qE "^generated Completed -44 3 15 same=True$" "$tmp/refrun.log"; then
  ok "dotnet run (C# app on the facade project reference alone): completed, 15 March 44 BCE"
else
  fail "dotnet run (C# app on the facade project reference alone)" "$tmp/refrun.log"
fi

# ---- the tool, installed from the feed
tools="$tmp/tools"
write_nuget_config "$tmp"
if (cd "$tmp" && dotnet tool install --tool-path "$tools" --add-source "$feed" --version "$version" tpflash \
  >"$tmp/tool.log" 2>&1); then
  ok "dotnet tool install tpflash (from the feed)"
else
  fail "dotnet tool install tpflash" "$tmp/tool.log"; finish
fi
db="sqlite:///$tmp/tool.db"
if (cd "$tmp" && DATABASE_URL="$db" timeout 300 "$tools/tpflash" generate moon landing 1969 --json >"$tmp/gen.json" \
  2>"$tmp/gen.err"); then
  ok "tpflash generate moon landing 1969"
else
  fail "tpflash generate" "$tmp/gen.err"
fi
grep -q '"year": *1969' "$tmp/gen.json" && ok "tpflash generate: the scene is dated 1969" ||
  fail "tpflash generate: the scene is dated 1969" "$tmp/gen.json"
if (cd "$tmp" && DATABASE_URL="$db" timeout 120 "$tools/tpflash" list >"$tmp/list.txt" 2>&1) &&
  grep -qi "moon" "$tmp/list.txt"; then
  ok "tpflash list shows the scene"
else
  fail "tpflash list shows the scene" "$tmp/list.txt"
fi
finish
