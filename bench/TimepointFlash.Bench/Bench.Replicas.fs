/// Cross-replica event latency: two servers on one PostgreSQL; a generation streamed on A, its events followed on
/// B (GET /api/v1/timepoints/{id}/events); the delay between A and B seeing each finished step.
module TimepointFlash.Bench.Replicas

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open System.Threading.Tasks
open TimepointFlash.Tests.Support.LatencyProvider
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

let private client =
    new HttpClient(new SocketsHttpHandler(MaxConnectionsPerServer = 64), Timeout = TimeSpan.FromMinutes 2.0)

/// Reads an SSE response, calling `seen` with each message's event and step when it arrives, until `done`.
let private follow (resp: HttpResponseMessage) (seen: string -> string -> unit) = task {
    use! body = resp.Content.ReadAsStreamAsync()
    use reader = new StreamReader(body)
    let mutable ended = false

    while not ended do
        let! line = reader.ReadLineAsync()

        if isNull line then
            ended <- true
        elif line.StartsWith "data: " then
            use doc = JsonDocument.Parse(line.Substring 6)
            let root = doc.RootElement
            let event = root.GetProperty("event").GetString()

            let step =
                match root.TryGetProperty "step" with
                | true, s when s.ValueKind = JsonValueKind.String -> s.GetString()
                | _ -> ""

            seen
                event
                (if event = "start" then
                     root.GetProperty("data").GetProperty("timepoint_id").GetString()
                 else
                     step)

            if event = "done" || event = "error" then
                ended <- true
}

/// Runs `generations` streamed generations on A, each followed on B; prints the latency table.
let run (databaseUrl: string) (generations: int) = task {
    let! provider =
        LatencyProvider.start {
            LatencyProvider.defaults with
                FixedMs = 200.0
        }

    let portA, portB = freePort (), freePort ()

    let a =
        startDotnet "0,1" (serverDll ()) "" (serverEnv databaseUrl portA (LatencyProvider.env provider))

    let b =
        startDotnet "0,1" (serverDll ()) "" (serverEnv databaseUrl portB (LatencyProvider.env provider))

    let baseA, baseB = $"http://127.0.0.1:{portA}", $"http://127.0.0.1:{portB}"

    try
        for u in [ baseA; baseB ] do
            match! waitHealthy (u + "/health") (TimeSpan.FromSeconds 120.0) (Stopwatch.StartNew()) with
            | None -> failwith "a replica did not become healthy"
            | Some _ -> ()

        let clock = Stopwatch.StartNew()
        let delays = ResizeArray<float>()
        let mutable missing = 0

        for g in 1..generations do
            eprintfn "replicas: generation %d of %d" g generations
            let onA = Collections.Concurrent.ConcurrentDictionary<string, float>()
            let onB = Collections.Concurrent.ConcurrentDictionary<string, float>()
            let mutable bOpened = Double.MaxValue
            let mutable followB: Task = Task.CompletedTask

            use request =
                new HttpRequestMessage(HttpMethod.Post, baseA + "/api/v1/timepoints/generate/stream")

            request.Content <-
                new StringContent(
                    $$"""{"query":"market day in Kyoto, 1603 (replica run {{g}})"}""",
                    Encoding.UTF8,
                    "application/json"
                )

            use! resp = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead)

            do!
                follow resp (fun event step ->
                    let now = clock.Elapsed.TotalMilliseconds

                    match event with
                    | "start" ->
                        // Follow the same timepoint on B from now on.
                        followB <-
                            task {
                                use! r =
                                    client.GetAsync(
                                        $"{baseB}/api/v1/timepoints/{step}/events",
                                        HttpCompletionOption.ResponseHeadersRead
                                    )

                                bOpened <- clock.Elapsed.TotalMilliseconds

                                do!
                                    follow r (fun e s ->
                                        if e = "step_complete" then
                                            onB.TryAdd(s, clock.Elapsed.TotalMilliseconds) |> ignore)
                            }
                            :> Task
                    | "step_complete" -> onA.TryAdd(step, now) |> ignore
                    | _ -> ())

            let! _ = Task.WhenAny(followB, Task.Delay 10_000)

            for KeyValue(step, at) in onA do
                if at > bOpened then
                    match onB.TryGetValue step with
                    | true, seenOnB -> delays.Add(max 0.0 (seenOnB - at))
                    | _ -> missing <- missing + 1

        let _, rssA = memoryMiB a.Id
        let _, rssB = memoryMiB b.Id

        printfn "## Cross-replica event latency (PostgreSQL, two servers, 200 ms fake provider)"
        printfn ""
        printfn "A generation streamed on replica A; the same timepoint followed on replica B (`/events`). Each row of"
        printfn "the sample is one finished step: when B's client saw it minus when A's client saw it."
        printfn ""

        table [
            "generations"
            "steps compared"
            "steps not seen on B"
            "p50 ms"
            "p95 ms"
            "max ms"
            "RSS A / B MiB"
        ] [
            [
                string generations
                string delays.Count
                string missing
                num 1 (percentile 50.0 delays)
                num 1 (percentile 95.0 delays)
                num 1 (if delays.Count = 0 then nan else Seq.max delays)
                $"{num 0 rssA} / {num 0 rssB}"
            ]
        ]

        printfn "Target p95 ≤ 100 ms: %s" (if percentile 95.0 delays <= 100.0 then "met" else "missed")
        printfn ""
    finally
        stop a
        stop b
        (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}
