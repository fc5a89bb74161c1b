/// Runs wrk on loopback and reads its report (requests/s, p99 latency, errors).
module TimepointFlash.Bench.Wrk

open System
open System.Diagnostics
open System.Globalization
open System.Text.RegularExpressions

/// What one wrk run measured.
type WrkResult = {
    RequestsPerSecond: float
    P50Ms: float
    P99Ms: float
    /// Non-2xx answers plus socket errors.
    Errors: int
}

/// A wrk duration ("812.00us", "3.21ms", "1.02s") in milliseconds.
let durationMs (text: string) =
    let m = Regex.Match(text.Trim(), @"^([0-9.]+)(us|ms|s|m)$")

    if not m.Success then
        nan
    else
        let v = Double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)

        match m.Groups[2].Value with
        | "us" -> v / 1000.0
        | "ms" -> v
        | "s" -> v * 1000.0
        | _ -> v * 60_000.0

/// Reads wrk's `--latency` report.
let parse (output: string) =
    let find (pattern: string) =
        let m = Regex.Match(output, pattern, RegexOptions.Multiline)
        if m.Success then Some m.Groups[1].Value else None

    let count pattern =
        find pattern |> Option.map int |> Option.defaultValue 0

    let socketErrors =
        Regex.Matches(output, @"(connect|read|write|timeout) (\d+)")
        |> Seq.sumBy (fun m -> int m.Groups[2].Value)

    {
        RequestsPerSecond =
            find @"^Requests/sec:\s+([0-9.]+)"
            |> Option.map (fun s -> Double.Parse(s, CultureInfo.InvariantCulture))
            |> Option.defaultValue nan
        P50Ms = find @"^\s+50%\s+(\S+)" |> Option.map durationMs |> Option.defaultValue nan
        P99Ms = find @"^\s+99%\s+(\S+)" |> Option.map durationMs |> Option.defaultValue nan
        Errors = count @"Non-2xx or 3xx responses:\s+(\d+)" + socketErrors
    }

/// Runs `wrk --latency` pinned to the given cores against the url, with a Lua script when given; its report.
let runWith (script: string option) (cores: string) (connections: int) (seconds: int) (url: string) =
    let scripted =
        script |> Option.map (fun s -> $"-s \"{s}\" ") |> Option.defaultValue ""

    let psi =
        ProcessStartInfo("taskset", $"-c {cores} wrk -t1 -c{connections} -d{seconds}s --latency {scripted}{url}")

    psi.UseShellExecute <- false
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEnd()
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()

    if p.ExitCode <> 0 then
        failwith $"wrk exited with {p.ExitCode}: {err.Trim()}"

    parse out

/// Runs `wrk --latency` pinned to the given cores against the url; its parsed report.
let run cores connections seconds url =
    runWith None cores connections seconds url

/// A wrk Lua script requesting `prefix` + a random line of the file (one id a line) on every request.
let randomPathScript (idsFile: string) (prefix: string) =
    let file = IO.Path.ChangeExtension(idsFile, ".lua")

    IO.File.WriteAllText(
        file,
        $"""local ids = {{}}
for line in io.lines("{idsFile}") do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "{prefix}" .. ids[math.random(#ids)])
end
"""
    )

    file
