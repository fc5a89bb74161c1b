namespace TimepointFlash

open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash.Agents

/// The generation pipeline: judge → timeline → {scene ∥ characters} → {moment ∥ camera ∥ graph} → dialog
/// → image prompt → image. Five sequential model rounds for text.
[<RequireQualifiedAccess>]
module Pipeline =
    let private failure step message = {
        Step = Some step
        Message = message
        SuggestedQuery = None
    }

    /// Runs one agent as a step: emits started, then completed or failed.
    let private step
        (deps: PipelineDeps)
        (agent: Agent<'I, 'O>)
        (encode: 'O -> JsonNode)
        (input: 'I)
        (ct: CancellationToken)
        : Task<Result<'O, GenerationError>> =
        task {
            do! deps.Emit(StepEvent.Started agent.Step)

            match! AgentKit.run deps.Llm agent input ct with
            | Ok o ->
                let report = {
                    Model = o.Model
                    Provider = o.Provider
                    Usage = o.Usage
                    LatencyMs = o.LatencyMs
                    Attempts = o.Attempts
                    Output = encode o.Output
                }

                do! deps.Emit(StepEvent.Completed(agent.Step, report))
                return Ok o.Output
            | Error e ->
                let message = AgentError.describe e
                do! deps.Emit(StepEvent.Failed(agent.Step, message))
                return Error(failure agent.Step message)
        }

    /// Starts both tasks (concurrently in DAG mode, one after the other in sequential mode) and awaits both.
    let private both (mode: PipelineMode) (a: unit -> Task<'A>) (b: unit -> Task<'B>) : Task<'A * 'B> = task {
        match mode with
        | PipelineMode.Dag ->
            let ta = a ()
            let tb = b ()
            let! ra = ta
            let! rb = tb
            return ra, rb
        | PipelineMode.Sequential ->
            let! ra = a ()
            let! rb = b ()
            return ra, rb
    }

    let private firstError (results: Result<unit, GenerationError> list) =
        results
        |> List.tryPick (function
            | Error e -> Some e
            | Ok() -> None)

    let private ignoreOk r = Result.map ignore r

    let private rejection (j: JudgeResult) = {
        Step = Some Step.Judge
        Message =
            j.Reason
            |> Option.defaultValue "The query does not describe a moment in time that can be staged."
        SuggestedQuery = j.SuggestedQuery
    }

    let private imagePrompt deps input ct = task {
        match deps.ImagePromptMode with
        | ImagePromptMode.Refined -> return! step deps ImagePrompt.agent ImagePromptData.encode input ct
        | ImagePromptMode.Assembled ->
            do! deps.Emit(StepEvent.Started Step.ImagePrompt)
            let started = deps.Elapsed()
            let data = ImagePrompt.assemble input

            let report = {
                Model = "assembler"
                Provider = "pipeline"
                Usage = { Input = 0; Output = 0 }
                LatencyMs = deps.Elapsed() - started
                Attempts = 1
                Output = ImagePromptData.encode data
            }

            do! deps.Emit(StepEvent.Completed(Step.ImagePrompt, report))
            return Ok data
    }

    let private image deps (prompt: ImagePromptData) (input: ImagePromptInput) ct = task {
        do! deps.Emit(StepEvent.Started Step.Image)

        let call = {
            Request = {
                Prompt = $"{prompt.Style} style: {ImagePromptData.enhanced prompt}"
                AspectRatio = prompt.AspectRatio
                NegativePrompt = prompt.NegativePrompt
            }
            Scene = input
        }

        let! result =
            match deps.DrawImage with
            | Some draw -> draw call ct
            | None -> Task.FromResult(Error(ProviderError.MissingKey "image"))

        match result with
        | Ok img ->
            let report = {
                Model = img.Model
                Provider = img.Provider
                Usage = { Input = 0; Output = 0 }
                LatencyMs = img.LatencyMs
                Attempts = 1
                Output =
                    Encode.obj [
                        "image_generated", Encode.bool true
                        "mime_type", Encode.string img.MimeType
                        "bytes", Encode.int img.Bytes.Length
                    ]
            }

            do! deps.Emit(StepEvent.Completed(Step.Image, report))
            return Ok img
        | Error e ->
            ct.ThrowIfCancellationRequested()
            let message = ProviderError.describe e
            do! deps.Emit(StepEvent.Failed(Step.Image, message))
            return Error message
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

        let query = request.Query
        let mutable result = PipelineResult.empty

        let stop e =
            result <- { result with Error = Some e }

        match! step deps Judge.agent JudgeResult.encode { Query = query } ct with
        | Error e -> stop e
        | Ok judge when not judge.IsValid ->
            result <- { result with Judge = Some judge }
            stop (rejection judge)
        | Ok judge ->
            result <- { result with Judge = Some judge }

            let q =
                if judge.CleanedQuery = "" then
                    query
                else
                    judge.CleanedQuery

            let cont = request.Continuity

            match!
                step
                    deps
                    Timeline.agent
                    TimelineData.encode
                    {
                        Query = q
                        Judge = judge
                        Continuity = cont
                    }
                    ct
            with
            | Error e -> stop e
            | Ok timeline ->
                let timeline =
                    match cont with
                    | Some c -> { timeline with Location = c.Location }
                    | None -> timeline

                result <- { result with Timeline = Some timeline }

                let! sceneR, castR =
                    both
                        deps.Mode
                        (fun () ->
                            step
                                deps
                                Scene.agent
                                SceneData.encode
                                {
                                    Query = q
                                    Timeline = timeline
                                    Continuity = cont
                                }
                                ct)
                        (fun () ->
                            step
                                deps
                                Characters.agent
                                CharacterData.encode
                                {
                                    Query = q
                                    Judge = judge
                                    Timeline = timeline
                                    Continuity = cont
                                }
                                ct)

                result <- {
                    result with
                        Scene = Result.toOption sceneR
                        Characters = Result.toOption castR
                }

                match sceneR, castR with
                | Ok scene, Ok cast ->
                    let! momentR, (cameraR, graphR) =
                        both
                            deps.Mode
                            (fun () ->
                                step
                                    deps
                                    Moment.agent
                                    MomentData.encode
                                    {
                                        Query = q
                                        Timeline = timeline
                                        Scene = scene
                                        Characters = cast
                                        Continuity = cont
                                    }
                                    ct)
                            (fun () ->
                                both
                                    deps.Mode
                                    (fun () ->
                                        step
                                            deps
                                            Camera.agent
                                            CameraData.encode
                                            {
                                                Query = q
                                                Timeline = timeline
                                                Scene = scene
                                                Characters = cast
                                            }
                                            ct)
                                    (fun () ->
                                        step
                                            deps
                                            Graph.agent
                                            GraphData.encode
                                            {
                                                Query = q
                                                Timeline = timeline
                                                Characters = cast
                                            }
                                            ct))

                    result <- {
                        result with
                            Moment = Result.toOption momentR
                            Camera = Result.toOption cameraR
                            Graph = Result.toOption graphR
                    }

                    match momentR, cameraR, graphR with
                    | Ok moment, Ok camera, Ok graph ->
                        let dialogInput = {
                            Query = q
                            Timeline = timeline
                            Scene = scene
                            Speakers = Dialog.speakers cast
                            Moment = moment
                            Graph = graph
                        }

                        match! step deps Dialog.agent DialogData.encode dialogInput ct with
                        | Error e -> stop e
                        | Ok dialog ->
                            result <- { result with Dialog = Some dialog }

                            let promptInput = {
                                Query = q
                                Timeline = timeline
                                Scene = scene
                                Characters = cast
                                Moment = moment
                                Dialog = dialog
                                Camera = camera
                                Graph = graph
                            }

                            match! imagePrompt deps promptInput ct with
                            | Error e -> stop e
                            | Ok prompt ->
                                result <- {
                                    result with
                                        ImagePrompt = Some prompt
                                }

                                if request.GenerateImage then
                                    match! image deps prompt promptInput ct with
                                    | Ok img -> result <- { result with Image = Some img }
                                    | Error message ->
                                        result <- {
                                            result with
                                                ImageError = Some message
                                        }
                    | _ ->
                        firstError [ ignoreOk momentR; ignoreOk cameraR; ignoreOk graphR ]
                        |> Option.iter stop
                | _ -> firstError [ ignoreOk sceneR; ignoreOk castR ] |> Option.iter stop

        return result
    }
