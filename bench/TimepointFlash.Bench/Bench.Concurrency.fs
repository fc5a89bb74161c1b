/// Concurrency: N streamed generations at once against the latency-injecting fake provider (200 ms per call).
module TimepointFlash.Bench.Concurrency

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open TimepointFlash.Tests.Support.LatencyProvider
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

/// How the concurrency benchmark runs.
type ConcurrencyOptions = {
    Streams: int
    /// Latency of every fake provider call.
    LatencyMs: float
    /// DATABASE_URL of the server; None = a fresh SQLite file.
    DatabaseUrl: string option
    /// Rounds of `Streams` against the same server: the first pays the JIT, later ones show the steady state.
    Rounds: int
    /// The server assembly to run (another build, to compare two in one session); None = this checkout's Release build.
    ServerDll: string option
}

/// Defaults: 500 streams, 200 ms per call, SQLite, two rounds.
let defaults = {
    Streams = 500
    LatencyMs = 200.0
    DatabaseUrl = None
    Rounds = 2
    ServerDll = None
}

/// How one stream ended.
type private Outcome =
    | Done of id: string * ms: float
    | Failed of reason: string

let private client =
    new HttpClient(
        new SocketsHttpHandler(MaxConnectionsPerServer = 4096, PooledConnectionIdleTimeout = TimeSpan.FromMinutes 5.0),
        Timeout = TimeSpan.FromMinutes 10.0
    )

/// Reads one live stream to its end: `done` with the timepoint id, or why it did not finish.
let private stream (url: string) = task {
    let clock = Stopwatch.StartNew()

    try
        use request = new HttpRequestMessage(HttpMethod.Post, url)

        request.Content <-
            new StringContent(
                """{"query":"signing of the declaration of independence"}""",
                Encoding.UTF8,
                "application/json"
            )

        use! resp = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead)

        if not resp.IsSuccessStatusCode then
            return Failed $"HTTP {int resp.StatusCode}"
        else
            use! body = resp.Content.ReadAsStreamAsync()
            use reader = new StreamReader(body)
            let mutable outcome = None
            let mutable ended = false

            while outcome.IsNone && not ended do
                let! line = reader.ReadLineAsync()

                if isNull line then
                    ended <- true
                elif line.StartsWith "data: " then
                    use doc = JsonDocument.Parse(line.Substring 6)
                    let root = doc.RootElement

                    match root.GetProperty("event").GetString() with
                    | "done" ->
                        let id = root.GetProperty("data").GetProperty("timepoint_id").GetString()
                        outcome <- Some(Done(id, clock.Elapsed.TotalMilliseconds))
                    | "error" -> outcome <- Some(Failed(root.GetProperty("error").ToString()))
                    | _ -> ()

            return outcome |> Option.defaultValue (Failed "stream ended without done")
    with e ->
        return Failed e.Message
}

/// Counts stored timepoints with the given status (all when empty).
let private total (baseUrl: string) (status: string) = task {
    let! text = http.GetStringAsync $"{baseUrl}/api/v1/timepoints?page_size=1&status={status}"
    use doc = JsonDocument.Parse text
    return doc.RootElement.GetProperty("total").GetInt32()
}

/// One round: how many streams ended with `done`, failures, rows, provider calls, time, CPU and memory.
type private Round = {
    Distinct: int
    Failures: string[]
    Saved: int
    Completed: int
    Calls: int
    Wall: float
    Latencies: float[]
    CpuMs: float
    PeakRss: float
    EndRss: float
}

/// Opens `streams` streams at once against the running server and reads them to their end.
let private round (baseUrl: string) (serverPid: int) (streams: int) (calls: unit -> int) (idleRss: float) = task {
    let! before = total baseUrl ""
    let callsBefore = calls ()
    let mutable peakSampled = idleRss
    use sampling = new CancellationTokenSource()

    let sampler = task {
        while not sampling.IsCancellationRequested do
            let _, rss = memoryMiB serverPid
            peakSampled <- max peakSampled rss
            do! Task.Delay 100
    }

    let cpuBefore = cpuMs serverPid
    let clock = Stopwatch.StartNew()

    let! outcomes =
        Task.WhenAll [|
            for _ in 1..streams -> stream (baseUrl + "/api/v1/timepoints/generate/stream")
        |]

    let wall = clock.Elapsed.TotalSeconds
    let cpu = cpuMs serverPid - cpuBefore
    sampling.Cancel()
    do! sampler
    let peak, endRss = memoryMiB serverPid

    let dones =
        outcomes
        |> Array.choose (function
            | Done(id, ms) -> Some(id, ms)
            | Failed _ -> None)

    let! stored =
        Task.WhenAll [|
            for id, _ in dones -> http.GetStringAsync $"{baseUrl}/api/v1/timepoints/{id}?full=false"
        |]

    let completed =
        stored
        |> Array.filter (fun s ->
            use d = JsonDocument.Parse s
            d.RootElement.GetProperty("status").GetString() = "completed")
        |> Array.length

    let! after = total baseUrl ""

    return {
        Distinct = dones |> Array.map fst |> Array.distinct |> Array.length
        Failures =
            outcomes
            |> Array.choose (function
                | Failed r -> Some r
                | Done _ -> None)
        Saved = after - before
        Completed = completed
        Calls = calls () - callsBefore
        Wall = wall
        Latencies = dones |> Array.map snd
        CpuMs = cpu
        PeakRss = max peak peakSampled
        EndRss = endRss
    }
}

/// Runs the benchmark and prints its table: one row per round against the same server.
let run (options: ConcurrencyOptions) = task {
    let url, file = databaseOf options.DatabaseUrl

    let! provider =
        LatencyProvider.start {
            LatencyProvider.defaults with
                FixedMs = options.LatencyMs
        }

    let port = freePort ()
    let dll = options.ServerDll |> Option.defaultWith serverDll

    let server =
        startDotnet "0,1" dll "" (serverEnv url port (LatencyProvider.env provider))

    try
        let baseUrl = $"http://127.0.0.1:{port}"

        match! waitHealthy (baseUrl + "/health") (TimeSpan.FromSeconds 60.0) (Stopwatch.StartNew()) with
        | None -> failwith "the API server did not become healthy"
        | Some _ -> ()

        let _, idleRss = memoryMiB server.Id
        eprintfn "concurrency: %d streams against a %.0f ms provider" options.Streams options.LatencyMs
        let rounds = ResizeArray()

        for i in 1 .. max 1 options.Rounds do
            eprintfn "concurrency: round %d" i
            let! r = round baseUrl server.Id options.Streams (fun () -> provider.Calls.Length) idleRss
            rounds.Add r

        let database = if file.IsSome then "SQLite" else "PostgreSQL"

        printfn
            "## Concurrency (%d streamed generations at once, %.0f ms per provider call, %s, server on both cores)"
            options.Streams
            options.LatencyMs
            database

        printfn ""

        table [
            "round"
            "streams"
            "done"
            "errors"
            "rows saved"
            "completed rows"
            "provider calls"
            "wall s"
            "stream p50 s"
            "stream p95 s"
            "stream p99 s"
            "server CPU ms / generation"
            "RSS idle MiB"
            "peak RSS MiB"
            "RSS after MiB"
        ] [
            for i, r in Seq.indexed rounds ->
                [
                    (if i = 0 then "1 (cold)" else string (i + 1))
                    string options.Streams
                    string r.Distinct
                    string r.Failures.Length
                    string r.Saved
                    string r.Completed
                    string r.Calls
                    num 1 r.Wall
                    num 2 (median r.Latencies / 1000.0)
                    num 2 (percentile 95.0 r.Latencies / 1000.0)
                    num 2 (percentile 99.0 r.Latencies / 1000.0)
                    num 1 (r.CpuMs / float options.Streams)
                    num 0 idleRss
                    num 0 r.PeakRss
                    num 0 r.EndRss
                ]
        ]

        for r in rounds do
            for reason, n in r.Failures |> Array.countBy id |> Array.truncate 5 do
                printfn "- %d × %s" n reason

        let met =
            rounds
            |> Seq.forall (fun r ->
                r.Distinct = options.Streams
                && r.Completed = options.Streams
                && r.PeakRss < 500.0)

        printfn "All complete, none lost, peak RSS < 500 MiB: %s" (if met then "met" else "missed")
        printfn ""
    finally
        stop server
        (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        file |> Option.iter removeSqlite
}
