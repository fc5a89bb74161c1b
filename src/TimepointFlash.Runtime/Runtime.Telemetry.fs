namespace TimepointFlash.Runtime

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Diagnostics
open System.Runtime.CompilerServices
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Persistence

/// Decorators that turn pipeline events, model calls, provider events and the job queue into spans and metrics
/// on the `TimepointFlash` ActivitySource and Meter. The pipeline itself stays unaware of them.
[<RequireQualifiedAccess>]
module Instrumentation =
    let private tag (key: string) (value: obj) = KeyValuePair<string, obj>(key, value)

    /// `tpflash_step_duration_seconds{step}`.
    let stepDuration =
        Telemetry.secondsHistogram "tpflash_step_duration" "Wall time of a pipeline step"

    /// `tpflash_llm_tokens_total{direction,provider}`.
    let tokens =
        Telemetry.meter.CreateCounter<int64>("tpflash_llm_tokens", null, "Tokens sent to and received from models")

    /// `tpflash_provider_errors_total{provider,kind}`.
    let providerErrors =
        Telemetry.meter.CreateCounter<int64>("tpflash_provider_errors", null, "Failed provider calls, by kind")

    /// `tpflash_provider_retries_total{provider}`.
    let providerRetries =
        Telemetry.meter.CreateCounter<int64>("tpflash_provider_retries", null, "Provider calls retried")

    /// The provider an error names ("none" when it names none).
    let errorProvider = ProviderError.provider

    /// A low-cardinality label for an error.
    let errorKind = ProviderError.kind

    let private countError (e: ProviderError) =
        providerErrors.Add(1L, tag "provider" (errorProvider e), tag "kind" (errorKind e))

    /// Counts a router event: every failed attempt is an error, every retry a retry.
    let providerEvent (e: ProviderEvent) =
        match e with
        | ProviderEvent.Retrying(p, _, _, err) ->
            providerRetries.Add(1L, tag "provider" p)
            providerErrors.Add(1L, tag "provider" p, tag "kind" (errorKind err))
        | ProviderEvent.Widening(p, _, _) ->
            providerRetries.Add(1L, tag "provider" p)
            providerErrors.Add(1L, tag "provider" p, tag "kind" (errorKind (ProviderError.Truncated(p, None))))
        | ProviderEvent.FallingBack(from, _, err) ->
            providerErrors.Add(1L, tag "provider" from, tag "kind" (errorKind err))
        | ProviderEvent.Failed err -> countError err
        | ProviderEvent.CircuitOpened _
        | ProviderEvent.CircuitClosed _
        | ProviderEvent.WaitingForBudget _
        | ProviderEvent.BudgetUnavailable _ -> ()

    // Open step spans of each generation span, by step name: model calls find their parent here, because a step
    // span started inside an event callback cannot become Activity.Current in the pipeline's own flow.
    let private openSteps =
        ConditionalWeakTable<Activity, ConcurrentDictionary<string, Activity>>()

    let private stepsOf (generation: Activity) =
        openSteps.GetValue(generation, fun _ -> ConcurrentDictionary<string, Activity>())

    let private startStep (step: Step) =
        let generation = Activity.Current

        if not (isNull generation) then
            let span =
                Telemetry.source.StartActivity(
                    $"step {Step.name step}",
                    ActivityKind.Internal,
                    generation.Context,
                    [
                        tag "step" (Step.name step)
                        tag "timepoint.id" (generation.GetTagItem "timepoint.id")
                    ]
                )

            // Keep the generation span current for the caller's flow.
            Activity.Current <- generation

            if not (isNull span) then
                (stepsOf generation)[Step.name step] <- span

    let private finishStep (step: Step) (outcome: string) (record: StepRecord) =
        let generation = Activity.Current

        if not (isNull generation) then
            match (stepsOf generation).TryRemove(Step.name step) with
            | true, span ->
                span.SetTag("outcome", outcome) |> ignore

                [
                    "model", record.Model |> Option.map box
                    "provider", record.Provider |> Option.map box
                    "tokens.input", record.Usage |> Option.map (fun u -> box u.Input)
                    "tokens.output", record.Usage |> Option.map (fun u -> box u.Output)
                    "attempts", record.Attempts |> Option.map box
                ]
                |> List.iter (fun (name, value) -> value |> Option.iter (fun v -> span.SetTag(name, v) |> ignore))

                if outcome <> "completed" then
                    span.SetStatus(ActivityStatusCode.Error) |> ignore

                span.Stop()
                Activity.Current <- generation
            | _ -> ()

    /// Wraps the pipeline's event sink: step spans under the current generation span, and step durations.
    let traceSteps (emit: StepRecord -> Task) : StepRecord -> Task =
        fun r ->
            match r.Status with
            | StepStatus.Started -> startStep r.Step
            | StepStatus.Completed ->
                r.LatencyMs
                |> Option.iter (fun ms -> stepDuration.Record(float ms / 1000.0, tag "step" (Step.name r.Step)))

                finishStep r.Step "completed" r
            | StepStatus.Failed -> finishStep r.Step "failed" r
            | StepStatus.Waiting -> ()

            emit r

    /// Wraps the text model: one client span per call (under its step's span) and the token counters.
    let traceLlm (llm: Llm) : Llm =
        fun call ct -> task {
            // Started inside this task, so the span is current for the provider's HTTP calls only.
            let generation = Activity.Current

            let parent =
                if isNull generation then
                    None
                else
                    match (stepsOf generation).TryGetValue call.Chat.Step with
                    | true, span -> Some span.Context
                    | _ -> Some generation.Context

            let span =
                match parent with
                | Some p -> Telemetry.source.StartActivity($"llm {call.Chat.Step}", ActivityKind.Client, p)
                | None -> Telemetry.source.StartActivity($"llm {call.Chat.Step}", ActivityKind.Client)

            if not (isNull span) then
                span.SetTag("step", call.Chat.Step).SetTag("attempt", call.Attempt) |> ignore

                if not (isNull generation) then
                    span.SetTag("timepoint.id", generation.GetTagItem "timepoint.id") |> ignore

            try
                let! result = llm call ct

                match result with
                | Ok r ->
                    tokens.Add(int64 r.Usage.Input, tag "direction" "input", tag "provider" r.Provider)
                    tokens.Add(int64 r.Usage.Output, tag "direction" "output", tag "provider" r.Provider)

                    if not (isNull span) then
                        span
                            .SetTag("model", r.Model)
                            .SetTag("provider", r.Provider)
                            .SetTag("tokens.input", r.Usage.Input)
                            .SetTag("tokens.output", r.Usage.Output)
                            .SetTag("outcome", "ok")
                        |> ignore
                | Error err ->
                    if not (isNull span) then
                        span
                            .SetTag("provider", errorProvider err)
                            .SetTag("outcome", errorKind err)
                            .SetStatus(ActivityStatusCode.Error, ProviderError.describe err)
                        |> ignore

                return result
            finally
                if not (isNull span) then
                    span.Stop()
        }

    // The databases whose queues the gauges report (several runtimes may share a process, as in tests).
    let private queues = ConcurrentDictionary<Guid, Database>()
    let private gate = obj ()

    let mutable private cached: DateTimeOffset * int64 * float =
        DateTimeOffset.MinValue, 0L, 0.0

    /// How long a queue reading is reused by the gauges.
    let queueReadingTtl = TimeSpan.FromSeconds 5.0

    let private reading () =
        lock gate (fun () ->
            let at, _, _ = cached
            let now = DateTimeOffset.UtcNow

            if now - at > queueReadingTtl then
                let stats =
                    queues.Values
                    |> Seq.map (fun db -> (JobStats.read db).GetAwaiter().GetResult())
                    |> Seq.choose Result.toOption
                    |> List.ofSeq

                let depth = stats |> List.sumBy (fun s -> s.Queued)

                let lag = stats |> List.map (JobStats.lagSeconds now) |> List.fold max 0.0

                cached <- now, depth, lag

            cached)

    /// `tpflash_job_queue_depth`: queued jobs, read at most every five seconds when scraped.
    let queueDepth =
        Telemetry.meter.CreateObservableGauge<int64>(
            "tpflash_job_queue_depth",
            (fun () ->
                let _, depth, _ = reading ()
                depth),
            null,
            "Jobs waiting in generation_jobs"
        )

    /// `tpflash_job_queue_lag_seconds`: how long the oldest queued job has waited.
    let queueLag =
        Telemetry.meter.CreateObservableGauge<float>(
            "tpflash_job_queue_lag",
            (fun () ->
                let _, _, lag = reading ()
                lag),
            "s",
            "Age of the oldest queued job"
        )

    /// Reports a database's queue on the gauges until the returned handle is disposed.
    let watchQueue (db: Database) : IDisposable =
        let key = Guid.NewGuid()
        queues[key] <- db
        // Touch the gauges so they exist before the first scrape.
        queueDepth |> ignore
        queueLag |> ignore

        { new IDisposable with
            member _.Dispose() = queues.TryRemove key |> ignore
        }
