namespace TimepointFlash

open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash.Agents

/// What a run was asked for: an image or not, and the steps configuration switched off.
type StepPlan = { GenerateImage: bool; Off: Set<Step> }

/// What a step adds to the result so far.
type Land = PipelineResult -> PipelineResult

/// How a step ended: its report and what it adds to the result, or why it failed.
type StepOutcome = Result<StepReport * Land, GenerationFailure>

/// What happens to the generation when a step fails.
[<RequireQualifiedAccess>]
type OnFailure =
    /// The generation stops and fails.
    | Stops
    /// The generation goes on; the failure is recorded in the result.
    | Records of (GenerationFailure -> Land)

/// One step of the pipeline, declared once: everything else (order, concurrency, progress, logs) derives from it.
type StepSpec = {
    Step: Step
    /// The model role it calls; None for a step that calls no text model.
    Role: ModelRole option
    /// The steps whose outputs it reads; the DAG's order and concurrency come from these.
    Reads: Step list
    /// Where its output lands in the scene: a dotted path of the timepoint's wire form ("metadata.dialog").
    Lands: string
    /// The environment variable that switches the step off (`NAME=off`; on by default); None when it always runs.
    Switch: string option
    /// Whether a plan includes the step at all; progress counts these.
    Expected: StepPlan -> bool
    /// Whether the step runs, given the plan and the results so far.
    Runs: StepPlan -> PipelineResult -> bool
    OnFailure: OnFailure
    Run: PipelineDeps -> GenerationRequest -> PipelineResult -> CancellationToken -> Task<StepOutcome>
}

/// The step table.
[<RequireQualifiedAccess>]
module Steps =
    /// The query the steps after the judge work from: the judge's cleaned query, else the request's.
    let query (request: GenerationRequest) (r: PipelineResult) =
        match r.Judge with
        | Some j when j.CleanedQuery <> "" -> j.CleanedQuery
        | _ -> request.Query

    /// A step that runs an agent on an input read from the dependencies and results so far and lands its output.
    let private agentWith
        (a: Agent<'I, 'O>)
        (encode: 'O -> JsonNode)
        (reads: Step list)
        (lands: string)
        (input: PipelineDeps -> GenerationRequest -> PipelineResult -> 'I)
        (add: GenerationRequest -> 'O -> PipelineResult -> PipelineResult)
        : StepSpec =
        {
            Step = a.Step
            Role = Some a.Role
            Reads = reads
            Lands = lands
            Switch = None
            Expected = fun _ -> true
            Runs = fun _ _ -> true
            OnFailure = OnFailure.Stops
            Run =
                fun deps request r ct -> task {
                    match! AgentKit.run deps.Llm a (input deps request r) ct with
                    | Ok o ->
                        let report = {
                            Model = o.Model
                            Provider = o.Provider
                            Usage = o.Usage
                            LatencyMs = o.LatencyMs
                            Attempts = o.Attempts
                            Output = encode o.Output
                        }

                        return Ok(report, add request o.Output)
                    | Error e -> return Error(GenerationFailure.Agent(a.Step, e))
                }
        }

    /// A step that runs an agent on an input read from the results so far and lands its output.
    let private agent a encode reads lands (input: GenerationRequest -> PipelineResult -> 'I) add =
        agentWith a encode reads lands (fun _ request r -> input request r) add

    let private rejection (j: JudgeResult) =
        GenerationFailure.Rejected(j.Reason |> Option.defaultValue GenerationFailure.defaultRejection, j.SuggestedQuery)

    let private judge =
        agentWith
            Judge.agent
            JudgeResult.encode
            []
            "metadata.judge"
            (fun deps request _ -> {
                Query = request.Query
                Today = deps.Today()
            })
            (fun _ j r -> {
                r with
                    Judge = Some j
                    Error = if j.IsValid then r.Error else Some(rejection j)
            })

    let private timeline =
        agent
            Timeline.agent
            TimelineData.encode
            [ Step.Judge ]
            "metadata.timeline"
            (fun request r -> {
                Query = query request r
                Judge = r.Judge.Value
                Continuity = request.Continuity
            })
            (fun request t r ->
                let t =
                    match request.Continuity with
                    | Some c -> { t with Location = c.Location }
                    | None -> t

                { r with Timeline = Some t })

    let private scene =
        agent
            Scene.agent
            SceneData.encode
            [ Step.Timeline ]
            "metadata.scene"
            (fun request r -> {
                Query = query request r
                Timeline = r.Timeline.Value
                Continuity = request.Continuity
            })
            (fun _ s r -> { r with Scene = Some s })

    let private characters =
        agent
            Characters.agent
            CharacterData.encode
            [ Step.Judge; Step.Timeline ]
            "metadata.characters"
            (fun request r -> {
                Query = query request r
                Judge = r.Judge.Value
                Timeline = r.Timeline.Value
                Continuity = request.Continuity
            })
            (fun _ c r -> { r with Characters = Some c })

    let private moment =
        agent
            Moment.agent
            MomentData.encode
            [ Step.Timeline; Step.Scene; Step.Characters ]
            "metadata.moment"
            (fun request r -> {
                Query = query request r
                Timeline = r.Timeline.Value
                Scene = r.Scene.Value
                Characters = r.Characters.Value
                Continuity = request.Continuity
            })
            (fun _ m r -> { r with Moment = Some m })

    let private camera =
        agent
            Camera.agent
            CameraData.encode
            [ Step.Timeline; Step.Scene; Step.Characters ]
            "metadata.camera"
            (fun request r -> {
                Query = query request r
                Timeline = r.Timeline.Value
                Scene = r.Scene.Value
                Characters = r.Characters.Value
            })
            (fun _ c r -> { r with Camera = Some c })

    let private graph =
        agent
            Graph.agent
            GraphData.encode
            [ Step.Timeline; Step.Characters ]
            "metadata.graph"
            (fun request r -> {
                Query = query request r
                Timeline = r.Timeline.Value
                Characters = r.Characters.Value
            })
            (fun _ g r -> { r with Graph = Some g })

    /// The dialog agent's input from the results so far.
    let dialogInput request (r: PipelineResult) : DialogInput = {
        Query = query request r
        Timeline = r.Timeline.Value
        Scene = r.Scene.Value
        Speakers = Dialog.speakers r.Characters.Value
        Moment = r.Moment.Value
        Graph = r.Graph.Value
        Revision = None
    }

    let private dialog =
        agent
            Dialog.agent
            DialogData.encode
            [ Step.Timeline; Step.Scene; Step.Characters; Step.Moment; Step.Graph ]
            "metadata.dialog"
            dialogInput
            (fun _ d r -> { r with Dialog = Some d })

    let private critiqueOn (plan: StepPlan) = not (plan.Off.Contains Step.Critique)

    /// Reviews the dialog, cast and scene with the checker's findings over everything so far; non-fatal (a failure
    /// is recorded in the step log and the scene completes).
    let private critique =
        let spec =
            agent
                Critique.agent
                CritiqueData.encode
                [
                    Step.Timeline
                    Step.Scene
                    Step.Characters
                    Step.Moment
                    Step.Camera
                    Step.Graph
                    Step.Dialog
                ]
                "metadata.critique"
                (fun request r -> {
                    Query = query request r
                    Timeline = r.Timeline.Value
                    Scene = r.Scene.Value
                    Characters = r.Characters.Value
                    Dialog = r.Dialog.Value
                    Findings = PipelineResult.findings request.Continuity r
                })
                (fun _ c r -> { r with Critique = Some c })

        {
            spec with
                Switch = Some "CRITIQUE"
                Expected = critiqueOn
                Runs = fun plan _ -> critiqueOn plan
                OnFailure = OnFailure.Records(fun _ r -> r)
        }

    /// After a critical critique: the dialog once more with the reviewer's instructions; it replaces the first.
    let private dialogRevision =
        let spec =
            agent
                {
                    Dialog.agent with
                        Step = Step.DialogRevision
                }
                DialogData.encode
                [ Step.Critique ]
                "metadata.dialog"
                (fun request r -> {
                    dialogInput request r with
                        Revision = r.Critique |> Option.bind (fun c -> c.RevisionInstructions)
                })
                (fun _ d r -> {
                    r with
                        Dialog = Some d
                        Critique = r.Critique |> Option.map (fun c -> { c with Revised = true })
                })

        {
            spec with
                Expected = fun _ -> false
                Runs = fun _ r -> r.Critique |> Option.exists (fun c -> c.HasCritical)
                OnFailure = OnFailure.Records(fun _ r -> r)
        }

    /// The image prompt's input from the results so far.
    let imagePromptInput request (r: PipelineResult) : ImagePromptInput = {
        Query = query request r
        Timeline = r.Timeline.Value
        Scene = r.Scene.Value
        Characters = r.Characters.Value
        Moment = r.Moment.Value
        Dialog = r.Dialog.Value
        Camera = r.Camera.Value
        Graph = r.Graph.Value
    }

    let private imagePromptReads = [
        Step.Timeline
        Step.Scene
        Step.Characters
        Step.Moment
        Step.Dialog
        Step.Camera
        Step.Graph
        Step.DialogRevision
    ]

    /// Refined by a model, or assembled purely from upstream outputs (the configured mode decides).
    let private imagePrompt =
        let refined =
            agent
                ImagePrompt.agent
                ImagePromptData.encode
                imagePromptReads
                "metadata.image_prompt"
                imagePromptInput
                (fun _ p r -> { r with ImagePrompt = Some p })

        {
            refined with
                Run =
                    fun deps request r ct -> task {
                        match deps.ImagePromptMode with
                        | ImagePromptMode.Refined -> return! refined.Run deps request r ct
                        | ImagePromptMode.Assembled ->
                            let started = deps.Elapsed()
                            let data = ImagePrompt.assemble (imagePromptInput request r)

                            let report = {
                                Model = "assembler"
                                Provider = "pipeline"
                                Usage = { Input = 0; Output = 0 }
                                LatencyMs = deps.Elapsed() - started
                                Attempts = 1
                                Output = ImagePromptData.encode data
                            }

                            return Ok(report, (fun r -> { r with ImagePrompt = Some data }))
                    }
        }

    let private image = {
        Step = Step.Image
        Role = Some ModelRole.Image
        Reads = [ Step.ImagePrompt ]
        Lands = "image_url"
        Switch = None
        Expected = fun plan -> plan.GenerateImage
        Runs = fun plan _ -> plan.GenerateImage
        OnFailure =
            OnFailure.Records(fun e r -> {
                r with
                    ImageError = Some(GenerationFailure.describe e)
            })
        Run =
            fun deps request r ct -> task {
                let prompt = r.ImagePrompt.Value

                let call = {
                    Request = {
                        Prompt = $"{prompt.Style} style: {ImagePromptData.enhanced prompt}"
                        AspectRatio = prompt.AspectRatio
                        NegativePrompt = prompt.NegativePrompt
                        Tuning = CallTuning.none
                    }
                    Scene = imagePromptInput request r
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

                    return Ok(report, (fun r -> { r with Image = Some img }))
                | Error e ->
                    ct.ThrowIfCancellationRequested()
                    return Error(GenerationFailure.Provider(Step.Image, e))
            }
    }

    /// Every step, in table order (a step comes after the steps it reads).
    let table = [
        judge
        timeline
        scene
        characters
        moment
        camera
        graph
        dialog
        critique
        dialogRevision
        imagePrompt
        image
    ]

    /// The spec of a step.
    let spec (step: Step) =
        table |> List.find (fun s -> s.Step = step)

    /// Every step in table order.
    let all = table |> List.map (fun s -> s.Step)

    /// Parses a wire name.
    let tryParse (s: string) =
        let wanted = s.Trim().ToLowerInvariant()
        all |> List.tryFind (fun x -> Step.name x = wanted)

    /// The steps grouped into levels: each level reads only steps of earlier levels, so its steps may run at once.
    let levels =
        let depth =
            table
            |> List.fold
                (fun (known: Map<Step, int>) s ->
                    let d =
                        s.Reads
                        |> List.map (fun r -> known |> Map.tryFind r |> Option.defaultValue 0)
                        |> List.fold max -1

                    known.Add(s.Step, d + 1))
                Map.empty

        table
        |> List.groupBy (fun s -> depth[s.Step])
        |> List.sortBy fst
        |> List.map snd

    /// The steps switched off by a lookup of environment variables (`NAME=off` for a step's switch).
    let off (lookup: string -> string option) =
        table
        |> List.choose (fun s ->
            s.Switch
            |> Option.bind lookup
            |> Option.filter (fun v -> v.Trim().ToLowerInvariant() = "off")
            |> Option.map (fun _ -> s.Step))
        |> Set.ofList

    /// How many steps a plan reports (progress is finished steps over this).
    let expected (plan: StepPlan) =
        table |> List.filter (fun s -> s.Expected plan) |> List.length
