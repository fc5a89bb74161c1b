namespace TimepointFlash.Api

open System
open System.Diagnostics
open System.Threading.Channels
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.Logging
open TimepointFlash
open TimepointFlash.Runtime

/// Generation three ways: background job, synchronous, and live SSE; plus following a job's events.
[<RequireQualifiedAccess>]
module GenerateHandlers =
    let private noObserver (_: StepRecord) = Task.CompletedTask

    /// Steps a run reports, from the step table.
    let private expectedSteps (deps: ApiDeps) generateImage =
        Steps.expected (Pipeline.plan deps.App.Pipeline generateImage)

    /// POST /api/v1/timepoints/generate — a durable background job.
    let background (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        ctx
        |> Http.bindJson (Dto.generate deps.App.Presets.Names) (fun body -> task {
            match WebhookHandlers.resolve deps body.Callback with
            | Error refused -> return refused
            | Ok callback ->
                let! t = Generation.enqueueWith deps.App callback body.Control body.Query body.GenerateImage

                return
                    Http.ok (
                        Encode.obj [
                            "id", Encode.string (string t.Id)
                            "slug", Encode.string t.Slug
                            "status", Encode.string "processing"
                            "message", Encode.string $"Generation started for '{t.Query}'"
                            "events_url", Encode.string $"/api/v1/timepoints/{t.Id}/events"
                            "deliveries_url",
                            (if callback.IsSome then
                                 Encode.string $"/api/v1/timepoints/{t.Id}/deliveries"
                             else
                                 Encode.nil)
                        ]
                    )
        })

    /// POST /api/v1/timepoints/generate/sync — runs now and returns the saved timepoint.
    let sync (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> =
        ctx
        |> Http.bindJson (Dto.generate deps.App.Presets.Names) (fun body -> task {
            if body.Callback.IsSome then
                return WebhookHandlers.notBackground
            else
                // The run is tied to the host, not the request: a client that leaves does not lose it.
                let! t =
                    Generation.runNowWith deps.App body.Control noObserver body.Query body.GenerateImage deps.Stopping

                return Http.ok (TimepointWire.encode true t)
        })

    /// Forwards events of a running generation to an SSE client until the run ends, with heartbeats.
    let private relay (ctx: HttpContext) (reader: ChannelReader<StepRecord>) (progress: Sse.Progress) = task {
        let mutable alive = true
        let mutable more = true

        while alive && more do
            let waiting = reader.WaitToReadAsync().AsTask()
            let! ok = Sse.heartbeatsUntil ctx waiting
            alive <- ok

            if waiting.Result then
                let mutable e = Unchecked.defaultof<StepRecord>

                while alive && reader.TryRead(&e) do
                    match Sse.ofRecord progress e with
                    | Some m ->
                        let! sent = Sse.send ctx m
                        alive <- sent
                    | None -> ()
            else
                more <- false

        return alive
    }

    /// POST /api/v1/timepoints/generate/stream — live SSE of one generation; `done` after the row is saved.
    let stream (deps: ApiDeps) (logger: ILogger) (ctx: HttpContext) : Task<IResult> =
        ctx
        |> Http.bindJson (Dto.generate deps.App.Presets.Names) (fun body -> task {
            if body.Callback.IsSome then
                return WebhookHandlers.notBackground
            else
                let clock = Stopwatch.StartNew()

                let! stored =
                    deps.App.Store.Insert(
                        Generation.createWith deps.App body.Control body.Query body.GenerateImage None
                    )

                let channel =
                    Channel.CreateUnbounded<StepRecord>(UnboundedChannelOptions(SingleReader = true))

                let observe e =
                    channel.Writer.TryWrite e |> ignore
                    Task.CompletedTask

                let work = task {
                    try
                        return!
                            Generation.runGuarded
                                (Generation.failureOf Generation.interrupted)
                                deps.App
                                observe
                                stored
                                None
                                deps.Stopping
                    finally
                        channel.Writer.TryComplete() |> ignore
                }

                work.ContinueWith(
                    (fun (t: Task<Timepoint>) ->
                        if t.IsFaulted then
                            logger.LogError(t.Exception, "Streamed generation {TimepointId} failed", stored.Id)),
                    TaskContinuationOptions.OnlyOnFaulted
                )
                |> ignore

                Sse.start ctx
                let progress = Sse.Progress(expectedSteps deps body.GenerateImage)
                let! opened = Sse.send ctx (Sse.startOf deps.App.Presets stored)

                let! alive =
                    if opened then
                        relay ctx channel.Reader progress
                    else
                        Task.FromResult false

                if alive then
                    try
                        let! t = work
                        let! _ = Sse.send ctx (Sse.done' t clock.ElapsedMilliseconds)
                        ()
                    with
                    | StoreFailure e ->
                        let! _ = Sse.send ctx (Sse.storageError progress.Current (Errors.ofStorage e))
                        ()
                    | e ->
                        let! _ = Sse.send ctx (Sse.error progress.Current $"Generation could not finish: {e.Message}")
                        ()

                return Results.Empty
        })

    /// Most time a follower waits for a job before giving up.
    let followLimit = TimeSpan.FromMinutes 15.0

    /// GET /api/v1/timepoints/{id}/events — history of a background job, then live, then `done`.
    let follow (deps: ApiDeps) (ctx: HttpContext) : Task<IResult> = task {
        match Dto.id (Http.route "id" ctx) with
        | None -> return Errors.timepointNotFound
        | Some id ->
            match! deps.App.Store.Get id with
            | None -> return Errors.timepointNotFound
            | Some first ->
                let clock = Stopwatch.StartNew()
                Sse.start ctx
                let progress = Sse.Progress(expectedSteps deps first.GenerateImage)
                let! opened = Sse.send ctx (Sse.startOf deps.App.Presets first)
                let mutable alive = opened
                let mutable seq = 0L
                let mutable finished = false
                let mutable lastBeat = clock.Elapsed

                while alive && not finished && clock.Elapsed < followLimit do
                    // Watch before reading, so a change committed between the read and the wait is not missed.
                    let changed = deps.Changes.Watch id

                    let! polled = task {
                        try
                            let! current = deps.App.Store.Get id
                            let! logs = deps.App.Store.Logs id seq
                            return Ok(current, logs)
                        with StoreFailure e ->
                            return Error e
                    }

                    match polled with
                    | Error e ->
                        // The job goes on once the database returns; the client may follow again after retry_after.
                        let! _ = Sse.send ctx (Sse.storageError progress.Current (Errors.ofStorage e))
                        finished <- true
                    | Ok(current, logs) ->
                        for l in logs do
                            seq <- max seq l.Seq

                            match Sse.ofRecord progress l with
                            | Some m when alive ->
                                let! sent = Sse.send ctx m
                                alive <- sent
                            | _ -> ()

                        match current with
                        | None ->
                            let! _ = Sse.send ctx (Sse.error progress.Current "The timepoint was deleted")
                            finished <- true
                        | Some t when TimepointStatus.isFinal t.Status ->
                            let! _ = Sse.send ctx (Sse.done' t clock.ElapsedMilliseconds)
                            finished <- true
                        | Some _ ->
                            if clock.Elapsed - lastBeat > TimeSpan.FromSeconds Sse.heartbeatSeconds then
                                let! ok = Sse.heartbeat ctx
                                alive <- ok
                                lastBeat <- clock.Elapsed

                            // Notices wake the loop at once; polling is the fallback (SQLite, or notices down).
                            let pause =
                                if deps.Changes.IsLive() then
                                    TimeSpan.FromSeconds 2.0
                                else
                                    TimeSpan.FromMilliseconds 200.0

                            do! changed pause ctx.RequestAborted

                if alive && not finished then
                    let! _ = Sse.send ctx (Sse.error progress.Current "Timed out waiting for the generation")
                    ()

                return Results.Empty
    }
