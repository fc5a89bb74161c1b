/// Metrics on /metrics, spans of a generation, and production JSON logs.
module TimepointFlash.Tests.Observability

open System
open System.Collections.Generic
open System.Diagnostics
open System.Diagnostics.Metrics
open System.IO
open System.Net
open System.Net.Http
open System.Text.Json
open System.Threading.Tasks
open Expecto
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.TestHost
open OpenTelemetry
open OpenTelemetry.Trace
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Engines
open TimepointFlash.Persistence
open TimepointFlash.Runtime
open TimepointFlash.Tests.Support.ApiHost

/// The nine text-pipeline steps of a generation without an image.
/// The steps a text-only generation reports, from the step table.
let private textSteps =
    Steps.table
    |> List.filter (fun s ->
        s.Expected {
            GenerateImage = false
            Off = Set.empty
            Grounding = GroundingMode.Auto
            Search = SearchSupport.Searches("offline", "curated")
        })
    |> List.map (fun s -> Step.name s.Step)

let private withApi (f: TestApi -> Task<'T>) : Task<'T> = task {
    let! api = start ()

    try
        return! f api
    finally
        (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let private generate (api: TestApi) = task {
    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" """{"query": "signing of the magna carta"}"""
    Expect.equal resp.StatusCode HttpStatusCode.OK "sync 200"
    let! b = body resp
    return Guid.Parse(str b "id")
}

/// Sample lines of one metric family (name followed by `{` or a space).
let private series (text: string) (name: string) =
    text.Split('\n')
    |> Array.filter (fun l -> l.StartsWith(name + "{") || l.StartsWith(name + " "))
    |> List.ofArray

let private queueStatistics () = task {
    let vars = Map.ofList [ "DATABASE_URL", $"sqlite:///{tempDb ()}" ]

    match Config.read vars.TryFind with
    | Error e -> failtest (ConfigError.describe e)
    | Ok config ->
        // No workers run here, so the job stays queued.
        match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
        | Error e -> failtest (Runtime.describe e)
        | Ok services ->
            try
                let! before = JobStats.read services.Database
                Expect.equal before (Ok { Queued = 0L; OldestQueuedAt = None }) "nothing queued yet"
                let! _ = Generation.enqueue services.App "a queued query" false
                let! after = JobStats.read services.Database

                match after with
                | Error e -> failtestf "queue stats: %s" (DbError.describe e)
                | Ok s ->
                    Expect.equal s.Queued 1L "one job queued"
                    Expect.isSome s.OldestQueuedAt "its creation time"
                    let lag = JobStats.lagSeconds (DateTimeOffset.UtcNow.AddSeconds 10.0) s
                    Expect.isGreaterThanOrEqual lag 9.0 "lag grows with the oldest job's age"
            finally
                services.Dispose()
}

/// Sums the measurements of one TimepointFlash counter whose `provider` tag is `provider`, while `act` runs.
let private counted (instrument: string) (provider: string) (act: unit -> unit) =
    let total = [| 0L |]
    use listener = new MeterListener()

    listener.InstrumentPublished <-
        fun i l ->
            if i.Meter.Name = Telemetry.name && i.Name = instrument then
                l.EnableMeasurementEvents i

    listener.SetMeasurementEventCallback<int64>(
        MeasurementCallback<int64>(fun _ value tags _ ->
            for i in 0 .. tags.Length - 1 do
                if tags[i].Key = "provider" && string tags[i].Value = provider then
                    Threading.Interlocked.Add(&total[0], value) |> ignore)
    )

    listener.Start()
    act ()
    total[0]

let metrics =
    testList "metrics" [
        testTask "after one generation /metrics shows the generation counter, step histograms and token counters" {
            do!
                withApi (fun api -> task {
                    let! _ = generate api
                    let! resp = api.Client.GetAsync "/metrics"
                    Expect.equal resp.StatusCode HttpStatusCode.OK "metrics 200"
                    let! text = resp.Content.ReadAsStringAsync()

                    let completed =
                        series text "tpflash_generations_total"
                        |> List.filter (fun l -> l.Contains "status=\"completed\"")

                    Expect.isNonEmpty completed "a completed generation is counted"

                    Expect.isNonEmpty
                        (series text "tpflash_generation_duration_seconds_count")
                        "generation duration histogram"

                    for step in textSteps do
                        let lines =
                            series text "tpflash_step_duration_seconds_count"
                            |> List.filter (fun l -> l.Contains $"step=\"{step}\"")

                        Expect.isNonEmpty lines $"step histogram for {step}"

                    for direction in [ "input"; "output" ] do
                        let lines =
                            series text "tpflash_llm_tokens_total"
                            |> List.filter (fun l -> l.Contains $"direction=\"{direction}\"" && l.Contains "provider=")

                        Expect.isNonEmpty lines $"{direction} token counter"

                    Expect.isNonEmpty (series text "tpflash_job_queue_depth") "queue depth gauge"
                    Expect.isNonEmpty (series text "tpflash_job_queue_lag_seconds") "queue lag gauge"

                    Expect.isNonEmpty
                        (series text "http_server_request_duration_seconds_count")
                        "ASP.NET Core request duration"
                })
        }

        testTask "queue statistics count a queued job and its age" { do! queueStatistics () }

        test "every failed provider attempt counts as an error, and a retry as a retry" {
            let provider = $"test-{Guid.NewGuid():N}"
            let err = ProviderError.Timeout(provider, TimeSpan.FromSeconds 1.0)

            let events () =
                Instrumentation.providerEvent (ProviderEvent.Retrying(provider, 1, TimeSpan.Zero, err))
                Instrumentation.providerEvent (ProviderEvent.FallingBack(provider, "openrouter", err))
                Instrumentation.providerEvent (ProviderEvent.CircuitClosed provider)

            Expect.equal (counted "tpflash_provider_errors" provider events) 2L "two failed attempts"
            Expect.equal (counted "tpflash_provider_retries" provider events) 1L "one retry"
        }

        test "provider error kinds are low-cardinality labels naming the provider" {
            let e = ProviderError.RateLimited("gemini", None)
            Expect.equal (Instrumentation.errorKind e) "rate_limited" "kind"
            Expect.equal (Instrumentation.errorProvider e) "gemini" "provider"
            Expect.equal (Instrumentation.errorKind ProviderError.Cancelled) "cancelled" "cancelled kind"
        }
    ]

let private tagText (a: Activity) (key: string) =
    match a.GetTagItem key with
    | null -> null
    | v -> string v

let private generationSpans () = task {
    let exported = List<Activity>()

    use provider =
        Sdk.CreateTracerProviderBuilder().AddSource(Telemetry.name).AddInMemoryExporter(exported).Build()

    let! id = withApi generate

    provider.ForceFlush() |> ignore
    let spans = lock exported (fun () -> List.ofSeq exported)

    let generation =
        spans
        |> List.filter (fun a -> a.DisplayName = "generation" && tagText a "timepoint.id" = string id)

    Expect.hasLength generation 1 "one generation span"
    let generation = generation.Head
    Expect.equal (tagText generation "generation.status") "completed" "status attribute"

    Expect.notEqual
        (generation.ParentSpanId.ToHexString())
        (ActivitySpanId().ToHexString())
        "the generation span sits under the request span"

    let steps = spans |> List.filter (fun a -> a.ParentSpanId = generation.SpanId)

    Expect.equal
        (steps |> List.map (fun a -> tagText a "step") |> List.sort)
        (List.sort ("grounding" :: textSteps))
        "a step child for each expected step"

    for s in steps do
        Expect.equal (tagText s "outcome") "completed" $"{s.DisplayName} completed"
        Expect.equal (tagText s "timepoint.id") (string id) $"{s.DisplayName} carries the timepoint id"

    let stepIds = HashSet(steps |> List.map (fun s -> s.SpanId))

    let calls =
        spans
        |> List.filter (fun a -> a.DisplayName.StartsWith "llm " && stepIds.Contains a.ParentSpanId)

    Expect.isGreaterThanOrEqual calls.Length 8 "a model call for each of the eight model steps"

    for c in calls do
        Expect.equal c.Kind ActivityKind.Client $"{c.DisplayName} is a client span"

        for key in [ "model"; "provider"; "tokens.input"; "tokens.output" ] do
            Expect.isNotNull (tagText c key) $"{c.DisplayName} has {key}"

        Expect.equal (tagText c "outcome") "ok" $"{c.DisplayName} outcome"
        let parent = steps |> List.find (fun s -> s.SpanId = c.ParentSpanId)
        Expect.equal (tagText c "step") (tagText parent "step") "a call sits under its own step"
}

let traces =
    testList "traces" [
        testTask "a generation has one generation span with a child per step and model-call spans under them" {
            do! generationSpans ()
        }
    ]

let private secret = "AIzaFAKE-observability-secret-0123456789"

let private productionLogs () = task {
    let captured = new StringWriter()
    let original = Console.Out
    Console.SetOut captured

    try
        let vars =
            Map.ofList [
                "DATABASE_URL", $"sqlite:///{tempDb ()}"
                "RATE_LIMIT", "0"
                "READ_RATE_LIMIT", "0"
                "ENVIRONMENT", "production"
                "GOOGLE_API_KEY", secret
                "GEMINI_BASE_URL", "http://127.0.0.1:9"
            ]

        match Config.read vars.TryFind with
        | Error e -> failtest (ConfigError.describe e)
        | Ok config ->
            match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
            | Error e -> failtest (Runtime.describe e)
            | Ok services ->
                let app =
                    Server.build services (Server.options config) false (fun b -> b.WebHost.UseTestServer() |> ignore)

                do! app.StartAsync()
                use client = app.GetTestClient()
                use request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models/providers")
                request.Headers.Add("X-Request-Id", "obs-request-42")
                let! resp = client.SendAsync request
                Expect.equal resp.StatusCode HttpStatusCode.OK "providers 200"
                let! text = resp.Content.ReadAsStringAsync()
                Expect.isFalse (text.Contains secret) "the answer hides the key"

                use missing =
                    new HttpRequestMessage(HttpMethod.Get, $"/api/v1/timepoints/{Guid.NewGuid()}")

                missing.Headers.Add("X-Request-Id", "obs-request-43")
                let! notFound = client.SendAsync missing
                Expect.equal notFound.StatusCode HttpStatusCode.NotFound "unknown id 404"
                do! app.StopAsync()
                do! app.DisposeAsync()
    finally
        Console.SetOut original

    let output = captured.ToString()
    Expect.isFalse (output.Contains secret) "no log line contains the key"

    let json =
        output.Split('\n')
        |> Array.map (fun l -> l.Trim())
        |> Array.filter (fun l -> l.StartsWith "{\"Timestamp\"")
        |> Array.map (fun l -> JsonDocument.Parse(l).RootElement)

    Expect.isNonEmpty json "JSON log lines"

    Expect.isTrue
        (json
         |> Array.exists (fun e -> e.GetProperty("Message").GetString().StartsWith "Starting TimepointFlash"))
        "the start-up line is JSON too"

    let withRequestId =
        json
        |> Array.filter (fun e ->
            match e.TryGetProperty "Scopes" with
            | true, scopes ->
                scopes.EnumerateArray()
                |> Seq.exists (fun s ->
                    match s.ValueKind, s.TryGetProperty "RequestId" with
                    | JsonValueKind.Object, (true, v) -> v.GetString() = "obs-request-43"
                    | _ -> false)
            | _ -> false)

    Expect.isNonEmpty withRequestId "the 404's request-log line carries the request id in its scopes"

    Expect.isFalse
        (output.Contains "obs-request-42")
        "a successful read gets no request-log line in production (REQUEST_LOG=notable)"
}

let logs =
    testList "logs" [
        testTask "an unreachable PostgreSQL URL fails to start with a message that hides its password" {
            let password = "Sup3r-S3cret-Pw-4711"

            let vars =
                Map.ofList [ "DATABASE_URL", $"postgresql://tpuser:{password}@127.0.0.1:9/tp" ]

            match Config.read vars.TryFind with
            | Error e -> Expect.isFalse ((ConfigError.describe e).Contains password) "config error hides it"
            | Ok config ->
                match! Runtime.startWith config None ignore (fun _ -> Task.CompletedTask) with
                | Ok services ->
                    services.Dispose()
                    failtest "nothing listens on port 9"
                | Error e ->
                    let message = Runtime.describe e
                    Expect.isFalse (message.Contains password) $"start-up error hides the password: {message}"
                    Expect.isFalse ((DbConfig.describe config.Database).Contains password) "description hides it"
        }

        testSequenced
        <| testTask "production logs are JSON lines carrying the request id and never a key" { do! productionLogs () }
    ]

let tests = testList "Observability" [ metrics; traces; logs ]
