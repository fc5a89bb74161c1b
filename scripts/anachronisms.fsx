// Anachronism checker from FSI. Build first (./scripts/test.sh or dotnet build -c Release), then:
//   dotnet fsi scripts/anachronisms.fsx
// Exits non-zero when a result differs from the expected one (./scripts/test.sh runs it).
#r "../src/TimepointFlash.Core/bin/Release/net10.0/TimepointFlash.Core.dll"

open TimepointFlash

let mutable failures = 0

let check (label: string) (expected: 'T) (actual: 'T) =
    if actual = expected then
        printfn "ok   %s = %A" label actual
    else
        failures <- failures + 1
        printfn "FAIL %s: expected %A, got %A" label expected actual

// The docs/HISTORY.md snippet, verbatim.
let text = "fluorescent office light and teletype machines"
let in1903 = Anachronisms.scan 1903 text            // Finding list
in1903 |> List.map (fun f -> f.Term, f.Earliest)     // [("fluorescent light", 1938); ("teletype", 1910)]

check "1903 findings" [ "fluorescent light", 1938; "teletype", 1910 ] (in1903 |> List.map (fun f -> f.Term, f.Earliest))
check "1975 findings" [] (Anachronisms.scan 1975 text |> List.map (fun f -> f.Term))
check "negated mention" [] (Anachronisms.scan 1800 "a quiet room with no telephone" |> List.map (fun f -> f.Term))
check "accents and case" [ "fedora" ] (Anachronisms.scan 1850 "a grey FÉDORA" |> List.map (fun f -> f.Term))
check "withdrawn after its end year" [ "soviet union" ] (Anachronisms.scan 2005 "the Soviet Union" |> List.map (fun f -> f.Term))
check "lexicon size at least 300" true (List.length (Lexicon.embedded ()) >= 300)

if failures > 0 then exit 1
