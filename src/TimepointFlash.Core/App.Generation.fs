namespace TimepointFlash

open System
open System.Diagnostics
open System.Threading
open System.Runtime.ExceptionServices
open System.Threading.Tasks

/// Running generations against storage: synchronous, and the body of a background job.
[<RequireQualifiedAccess>]
module Generation =
    /// A new timepoint for a request under a generation control, inserted directly as processing.
    let createWith
        (env: AppEnv)
        (control: GenerationControl)
        (query: string)
        (generateImage: bool)
        (parent: Guid option)
        =
        {
            Timepoint.pending (env.NewId()) (query.Trim()) (Slug.ofText (query.Trim()) None) generateImage (env.Now()) with
                Status = TimepointStatus.Processing
                ParentId = parent
                Control = control
        }

    /// A new timepoint for a request, inserted directly as processing (the slug base is the query).
    let create (env: AppEnv) (query: string) (generateImage: bool) (parent: Guid option) =
        createWith env GenerationControl.none query generateImage parent

    /// The pipeline dependencies of one run: every model call carries the run's preset, models and parameters.
    let tuned (env: AppEnv) (control: GenerationControl) (deps: PipelineDeps) =
        let preset = env.Presets.Tuning(Control.presetOf env.Presets control)

        {
            deps with
                Grounding = control.Grounding |> Option.defaultValue deps.Grounding
                Llm =
                    fun call ct ->
                        deps.Llm
                            {
                                call with
                                    Chat = Control.chat preset control call.Chat
                            }
                            ct
                DrawImage =
                    deps.DrawImage
                    |> Option.map (fun draw ->
                        fun call ct ->
                            draw
                                {
                                    call with
                                        Request = Control.image preset control call.Request
                                }
                                ct)
        }

    /// How long a run's first progress record waits for others to share its write (steps of one level finish
    /// together, and a finished step starts the next level's steps).
    let progressLinger = TimeSpan.FromMilliseconds 10.0

    /// The untraced body of `runFor`.
    let private run
        (env: AppEnv)
        (observe: StepRecord -> Task)
        (t: Timepoint)
        (continuity: Continuity option)
        (ct: CancellationToken)
        : Task<Timepoint> =
        task {
            let started = env.Pipeline.Elapsed()
            let records = Collections.Concurrent.ConcurrentQueue<StepRecord>()

            // In-flight progress is written in batches (group commit); observers see a record once it is stored.
            let progress =
                ProgressWriter((fun batch -> env.Store.AppendLogs t.Id batch), observe, progressLinger)

            // A wait for provider budget is live progress only: it is not stored, so the log and its replay keep
            // one started and one finished record per step.
            let emit (r: StepRecord) =
                if r.Status = StepStatus.Waiting then
                    task {
                        do! env.Pipeline.Emit r
                        do! observe r
                    }
                    :> Task
                else
                    records.Enqueue r
                    progress.Add r
                    env.Pipeline.Emit r

            let request = {
                Query = t.Query
                GenerateImage = t.GenerateImage
                Continuity = continuity
            }

            let! result = task {
                try
                    return! Pipeline.run (tuned env t.Control { env.Pipeline with Emit = emit }) request ct
                with e ->
                    // What was emitted before the run stopped is still stored and observed, then the failure goes on.
                    try
                        do! progress.Flush()
                    with _ ->
                        ()

                    ExceptionDispatchInfo.Throw e
                    return Unchecked.defaultof<_>
            }

            // Every step record is stored before the timepoint is finished.
            do! progress.Flush()

            match result.Image with
            | Some img ->
                do!
                    env.Store.PutImage t.Id {
                        Bytes = img.Bytes
                        MimeType = img.MimeType
                    }
            | None -> ()

            let provenance =
                Control.provenance
                    (Control.presetOf env.Presets t.Control)
                    (env.Presets.Planned t.Control)
                    (List.ofSeq records)
                    (env.Pipeline.Elapsed() - started)

            let finished = {
                PipelineResult.applyTo continuity (env.Now()) result t with
                    Provenance = Some provenance
            }

            do! env.Store.Update finished
            return finished
        }

    /// Runs the pipeline for a stored timepoint, logging every event and saving the result.
    /// `observe` sees each event after it is stored (step records are written in batches, `ProgressWriter`).
    let runFor
        (env: AppEnv)
        (observe: StepRecord -> Task)
        (t: Timepoint)
        (continuity: Continuity option)
        (ct: CancellationToken)
        : Task<Timepoint> =
        task {
            // The generation span is the parent of step and model-call spans (a no-op when nobody listens).
            use activity = Telemetry.source.StartActivity "generation"

            if not (isNull activity) then
                activity.SetTag("timepoint.id", string t.Id).SetTag("generation.image", t.GenerateImage)
                |> ignore

            let started = Stopwatch.GetTimestamp()

            let mutable status = "error"

            try
                let! finished = run env observe t continuity ct
                status <- TimepointStatus.name finished.Status

                if not (isNull activity) then
                    activity.SetTag("generation.status", status) |> ignore

                    if finished.Status = TimepointStatus.Failed then
                        activity.SetStatus(ActivityStatusCode.Error) |> ignore

                return finished
            finally
                if ct.IsCancellationRequested && status = "error" then
                    status <- "cancelled"

                Telemetry.generationFinished status (Stopwatch.GetElapsedTime(started).TotalSeconds)
        }

    /// How a synchronous run that threw is recorded: cancellation as the given failure, anything else as
    /// interrupted with the exception's one-line message.
    let failureOf (cancelled: GenerationFailure) (e: exn) =
        match e with
        | :? OperationCanceledException -> cancelled
        | e -> GenerationFailure.Interrupted e.Message

    /// The failure a host records when its own process stops a run (Ctrl-C, shutdown).
    let interrupted = GenerationFailure.Interrupted "interrupted"

    /// As `runFor`, for a run with no durable job behind it: when the run throws (cancelled, storage failed, an
    /// unexpected exception) the timepoint is stored failed (best effort) before the exception is rethrown, so
    /// no row stays processing. Failures of that last write are dropped; the row's lease then expires and any
    /// host's orphan sweep fails it.
    let runGuarded
        (failure: exn -> GenerationFailure)
        (env: AppEnv)
        (observe: StepRecord -> Task)
        (t: Timepoint)
        (continuity: Continuity option)
        (ct: CancellationToken)
        : Task<Timepoint> =
        task {
            try
                return! runFor env observe t continuity ct
            with e ->
                let stopped = {
                    t with
                        Status = TimepointStatus.Failed
                        Error = Some(GenerationFailure.toError (failure e))
                        UpdatedAt = env.Now()
                }

                try
                    do! env.Store.Update stopped
                with _ ->
                    ()

                ExceptionDispatchInfo.Throw e
                return Unchecked.defaultof<_>
        }

    /// Creates and runs a generation now under a generation control; the saved timepoint is returned. A run that
    /// throws leaves its timepoint failed ("interrupted" when the token was cancelled).
    let runNowWith (env: AppEnv) (control: GenerationControl) (observe: StepRecord -> Task) query generateImage ct = task {
        let! stored = env.Store.Insert(createWith env control query generateImage None)
        return! runGuarded (failureOf interrupted) env observe stored None ct
    }

    /// Creates and runs a generation now; the saved timepoint is returned.
    let runNow (env: AppEnv) (observe: StepRecord -> Task) (query: string) (generateImage: bool) ct =
        runNowWith env GenerationControl.none observe query generateImage ct

    /// Stores a processing timepoint under a generation control with its job (and its callback's delivery); a
    /// worker will run it.
    let enqueueWith (env: AppEnv) (callback: Callback option) (control: GenerationControl) query generateImage = task {
        let t = createWith env control query generateImage None

        let! stored =
            env.Store.Enqueue t {
                TimepointId = t.Id
                Query = t.Query
                GenerateImage = generateImage
                Navigation = None
                Callback = callback
            }

        env.Wake()
        return stored
    }

    /// Stores a processing timepoint with its job; a worker will run it.
    let enqueue (env: AppEnv) (query: string) (generateImage: bool) =
        enqueueWith env None GenerationControl.none query generateImage
