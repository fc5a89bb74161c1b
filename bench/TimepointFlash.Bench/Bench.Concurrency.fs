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
}

/// Defaults: 500 streams, 200 ms per call, SQLite.
let defaults = {
    Streams = 500
    LatencyMs = 200.0
    DatabaseUrl = None
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

/// Runs the benchmark and prints its table.
let run (options: ConcurrencyOptions) = task {
    let url, file = databaseOf options.DatabaseUrl

    let! provider =
        LatencyProvider.start {
            LatencyProvider.defaults with
                FixedMs = options.LatencyMs
        }

    let port = freePort ()

    let server =
        startDotnet "0,1" (serverDll ()) "" (serverEnv url port (LatencyProvider.env provider))

    try
        let baseUrl = $"http://127.0.0.1:{port}"

        match! waitHealthy (baseUrl + "/health") (TimeSpan.FromSeconds 60.0) (Stopwatch.StartNew()) with
        | None -> failwith "the API server did not become healthy"
        | Some _ -> ()

        let! before = total baseUrl ""
        let _, idleRss = memoryMiB server.Id
        eprintfn "concurrency: %d streams against a %.0f ms provider" options.Streams options.LatencyMs
        let mutable peakSampled = idleRss
        use sampling = new CancellationTokenSource()

        let sampler = task {
            while not sampling.IsCancellationRequested do
                let _, rss = memoryMiB server.Id
                peakSampled <- max peakSampled rss
                do! Task.Delay 100
        }

        let cpuBefore = cpuMs server.Id
        let clock = Stopwatch.StartNew()

        let! outcomes =
            Task.WhenAll [|
                for _ in 1 .. options.Streams -> stream (baseUrl + "/api/v1/timepoints/generate/stream")
            |]

        let wall = clock.Elapsed.TotalSeconds
        let cpu = cpuMs server.Id - cpuBefore
        sampling.Cancel()
        do! sampler
        let peak, endRss = memoryMiB server.Id

        let dones =
            outcomes
            |> Array.choose (function
                | Done(id, ms) -> Some(id, ms)
                | Failed _ -> None)

        let failures =
            outcomes
            |> Array.choose (function
                | Failed r -> Some r
                | Done _ -> None)

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
        let distinct = dones |> Array.map fst |> Array.distinct |> Array.length
        let latencies = dones |> Array.map snd
        let database = if file.IsSome then "SQLite" else "PostgreSQL"

        printfn
            "## Concurrency (%d streamed generations at once, %.0f ms per provider call, %s, server on both cores)"
            options.Streams
            options.LatencyMs
            database

        printfn ""

        table [
            "streams"
            "done"
            "errors"
            "rows saved"
            "completed rows"
            "provider calls"
            "wall s"
            "stream p50 s"
            "stream p99 s"
            "server CPU ms / generation"
            "RSS idle MiB"
            "peak RSS MiB"
            "RSS after MiB"
        ] [
            [
                string options.Streams
                string distinct
                string failures.Length
                string (after - before)
                string completed
                string provider.Calls.Length
                num 1 wall
                num 2 (median latencies / 1000.0)
                num 2 (percentile 99.0 latencies / 1000.0)
                num 1 (cpu / float options.Streams)
                num 0 idleRss
                num 0 (max peak peakSampled)
                num 0 endRss
            ]
        ]

        for reason, n in failures |> Array.countBy id |> Array.truncate 5 do
            printfn "- %d × %s" n reason

        printfn
            "All complete, none lost, peak RSS < 500 MiB: %s"
            (if
                 distinct = options.Streams
                 && completed = options.Streams
                 && max peak peakSampled < 500.0
             then
                 "met"
             else
                 "missed")

        printfn ""
    finally
        stop server
        (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        file |> Option.iter removeSqlite
}
