/// The built server (TimepointFlash.Api.dll, Release) as a child process, for the kill/restart suites and the
/// benchmarks (bench/TimepointFlash.Bench links this file).
module TimepointFlash.Tests.Support.ServerProcess

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Sockets

/// The repository root: the first ancestor of the executable's folder holding TimepointFlash.sln.
let repoRoot =
    lazy
        (let rec up (dir: DirectoryInfo) =
            if isNull dir then
                failwith "TimepointFlash.sln not found above the executable"
            elif File.Exists(Path.Combine(dir.FullName, "TimepointFlash.sln")) then
                dir.FullName
            else
                up dir.Parent

         up (DirectoryInfo AppContext.BaseDirectory))

/// The built server assembly (./scripts/test.sh and ./scripts/bench.sh build it first).
let serverDll () =
    Path.Combine(repoRoot.Value, "src", "TimepointFlash.Api", "bin", "Release", "net10.0", "TimepointFlash.Api.dll")

/// A free loopback port.
let freePort () =
    let l = new TcpListener(IPAddress.Loopback, 0)
    l.Start()
    let port = (l.LocalEndpoint :?> IPEndPoint).Port
    l.Stop()
    port

/// Settings a child never inherits from the caller's environment (keys, remote endpoints, the database).
let scrubbed = [
    "GOOGLE_API_KEY"
    "OPENROUTER_API_KEY"
    "OPENAI_API_KEY"
    "OPENAI_BASE_URL"
    "GEMINI_BASE_URL"
    "OPENROUTER_BASE_URL"
    "PRIMARY_PROVIDER"
    "FALLBACK_PROVIDER"
    "API_KEYS"
    "DATABASE_URL"
    "ASPNETCORE_URLS"
    "URLS"
    "ASPNETCORE_ENVIRONMENT"
    "DOTNET_ENVIRONMENT"
    "OTEL_EXPORTER_OTLP_ENDPOINT"
]

/// Starts `dotnet <dll> <args>` (pinned to the cores with taskset when given) in the temp folder with the
/// environment, scrubbed of the caller's keys; output is read and discarded.
let start (cores: string option) (dll: string) (args: string) (vars: (string * string) list) =
    let psi =
        match cores with
        | Some c -> ProcessStartInfo("taskset", $"-c {c} dotnet \"{dll}\" {args}")
        | None -> ProcessStartInfo("dotnet", $"\"{dll}\" {args}")

    psi.UseShellExecute <- false
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.WorkingDirectory <- Path.GetTempPath()

    for key in scrubbed do
        psi.Environment.Remove key |> ignore

    for k, v in vars do
        psi.Environment[k] <- v

    let p = Process.Start psi
    p.OutputDataReceived.Add ignore
    p.ErrorDataReceived.Add ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p

/// Starts `dotnet <dll> <args>` like `start` (no core pinning) and collects its output lines (stdout and stderr).
let startCollecting (dll: string) (args: string) (vars: (string * string) list) =
    let psi = ProcessStartInfo("dotnet", $"\"{dll}\" {args}")
    psi.UseShellExecute <- false
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.WorkingDirectory <- Path.GetTempPath()

    for key in scrubbed do
        psi.Environment.Remove key |> ignore

    for k, v in vars do
        psi.Environment[k] <- v

    let lines = Collections.Concurrent.ConcurrentQueue<string>()
    let p = Process.Start psi

    p.OutputDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            lines.Enqueue e.Data)

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            lines.Enqueue("stderr: " + e.Data))

    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p, lines
