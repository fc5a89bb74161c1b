namespace TimepointFlash

open System.Threading
open System.Threading.Tasks

/// The generation pipeline: a fold over the levels of the step table (`Steps.levels`). In DAG mode the steps of
/// a level run at once; in sequential mode one at a time in table order.
[<RequireQualifiedAccess>]
module Pipeline =
    /// The plan of a request under the given dependencies.
    let plan (deps: PipelineDeps) (generateImage: bool) = {
        GenerateImage = generateImage
        Off = deps.Off
        Grounding = deps.Grounding
        Search = deps.Search
    }

    /// The step's model calls report a wait for provider budget as the step's `Waiting` record.
    let private noticing (deps: PipelineDeps) (step: Step) =
        let notice = WaitNotice(fun w -> deps.Emit(StepRecord.waiting (deps.Now()) step w))

        {
            deps with
                Llm =
                    fun call ct ->
                        deps.Llm
                            {
                                call with
                                    Chat = { call.Chat with OnWait = notice }
                            }
                            ct
                DrawImage =
                    deps.DrawImage
                    |> Option.map (fun draw ->
                        fun call ct ->
                            draw
                                {
                                    call with
                                        Request = { call.Request with OnWait = notice }
                                }
                                ct)
        }

    /// Runs one step: emits started, then completed or failed; returns what it adds to the result.
    let private runStep deps request (s: StepSpec) (r: PipelineResult) ct : Task<Land> = task {
        do! deps.Emit(StepRecord.started (deps.Now()) s.Step)
        let deps = noticing deps s.Step

        match! s.Run deps request r ct with
        | Ok(report, add) ->
            do! deps.Emit(StepRecord.completed (deps.Now()) s.Step report)
            return add
        | Error e ->
            do! deps.Emit(StepRecord.failed (deps.Now()) s.Step e)

            return
                match s.OnFailure with
                | OnFailure.Stops ->
                    fun (r: PipelineResult) -> {
                        r with
                            Error = r.Error |> Option.orElse (Some e)
                    }
                | OnFailure.Records record -> record e
    }

    /// Runs one level on the result so far.
    let private runLevel deps request plan (level: StepSpec list) (r: PipelineResult) ct = task {
        let due = level |> List.filter (fun s -> s.Runs plan r)

        match deps.Mode with
        | PipelineMode.Dag ->
            let! adds = due |> List.map (fun s -> runStep deps request s r ct) |> Task.WhenAll
            return adds |> Array.fold (fun r add -> add r) r
        | PipelineMode.Sequential ->
            let mutable r = r

            for s in due do
                if r.Error.IsNone then
                    let! add = runStep deps request s r ct
                    r <- add r

            return r
    }

    /// Runs a generation. Never throws for model or provider failures; cancellation throws OperationCanceledException.
    let run (deps: PipelineDeps) (request: GenerationRequest) (ct: CancellationToken) : Task<PipelineResult> = task {
        use gate = new SemaphoreSlim(1)

        // Concurrent steps emit through one gate, so consumers see events one at a time.
        let deps = {
            deps with
                Emit =
                    fun e -> task {
                        do! gate.WaitAsync()

                        try
                            do! deps.Emit e
                        finally
                            gate.Release() |> ignore
                    }
        }

        let plan = plan deps request.GenerateImage
        let mutable result = PipelineResult.empty

        for level in Steps.levels do
            if result.Error.IsNone then
                let! next = runLevel deps request plan level result ct
                result <- next

        return Steps.settle plan result
    }
