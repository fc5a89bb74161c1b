namespace TimepointFlash

open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash.Agents

/// What a run was asked for: an image or not, the steps configuration switched off, and its grounding mode with
/// what the provider can search.
type StepPlan = {
    GenerateImage: bool
    Off: Set<Step>
    Grounding: GroundingMode
    Search: SearchSupport
}

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
    /// The output it lands, under "metadata" on the wire and in storage (each output type declares its key); None
    /// for a step that lands outside the outputs (the image).
    Output: StoredOutput option
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

    /// The output of a step that a step declares it reads.
    let get (key: OutputKey<'T>) (r: PipelineResult) = PipelineResult.get key r

    /// Lands an agent's output under its key, unchanged.
    let landsUnder (key: OutputKey<'O>) : GenerationRequest -> 'O -> Land = fun _ o r -> PipelineResult.add key o r

    /// A step that runs an agent on an input read from the dependencies and results so far and lands its output
    /// with `landing` (usually `lands key`).
    let agentWith
        (a: Agent<'I, 'O>)
        (key: OutputKey<'O>)
        (reads: Step list)
        (input: PipelineDeps -> GenerationRequest -> PipelineResult -> 'I)
        (landing: GenerationRequest -> 'O -> Land)
        : StepSpec =
        {
            Step = a.Step
            Role = Some a.Role
            Reads = reads
            Output = Some(OutputKey.stored key)
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
                        }

                        return Ok(report, landing request o.Output)
                    | Error e -> return Error(GenerationFailure.Agent(a.Step, e))
                }
        }

    /// A step that runs an agent on an input read from the results so far and lands its output under its key.
    let agent a key reads (input: GenerationRequest -> PipelineResult -> 'I) =
        agentWith a key reads (fun _ request r -> input request r) (landsUnder key)

    /// As `agent`, landing its output with `landing` (to adjust it, or other outputs, as it lands).
    let agentLanding a key reads (input: GenerationRequest -> PipelineResult -> 'I) landing =
        agentWith a key reads (fun _ request r -> input request r) landing

    let private rejection (j: JudgeResult) =
        GenerationFailure.Rejected(j.Reason |> Option.defaultValue GenerationFailure.defaultRejection, j.SuggestedQuery)

    let private judge =
        agentWith
            Judge.agent
            JudgeResult.key
            []
            (fun deps request _ -> {
                Query = request.Query
                Today = deps.Today()
            })
            (fun _ j r -> {
                PipelineResult.add JudgeResult.key j r with
                    Error = if j.IsValid then r.Error else Some(rejection j)
            })

    let private realEvent (r: PipelineResult) =
        Outputs.tryGet JudgeResult.key r.Outputs |> Option.exists Grounding.isRealEvent

    let private groundingInput request r : GroundingInput = {
        Query = query request r
        Judge = get JudgeResult.key r
    }

    /// Checks a query about a real event (as the judge classes it) against sources with the provider's search;
    /// non-fatal (a failure is recorded in the step log and in `grounding_status`, and the scene is built
    /// unverified). It runs when the mode is `on`, or `auto` with a provider that can search; `on` with a provider
    /// that cannot fails at once, naming the provider and why.
    let private grounding =
        let searching (llm: Llm) : Llm =
            fun call ct ->
                llm
                    {
                        call with
                            Chat = { call.Chat with Search = true }
                    }
                    ct

        let run (deps: PipelineDeps) request r ct = task {
            match deps.Search with
            | SearchSupport.NoSearch(provider, reason) ->
                let unsupported =
                    ProviderError.Unavailable(provider, None, $"grounding is on but {reason}")

                return Error(GenerationFailure.Agent(Grounding.step, AgentError.Provider unsupported))
            | SearchSupport.Searches _ ->
                match! AgentKit.run (searching deps.Llm) Grounding.agent (groundingInput request r) ct with
                | Error e -> return Error(GenerationFailure.Agent(Grounding.step, e))
                | Ok o ->
                    let report = {
                        Model = o.Model
                        Provider = o.Provider
                        Usage = o.Usage
                        LatencyMs = o.LatencyMs
                        Attempts = o.Attempts
                    }

                    let grounded = {
                        GroundingStatus.of' deps.Grounding GroundingState.Grounded None with
                            Queries = o.Search |> Option.map _.Queries |> Option.defaultValue []
                    }

                    let lands (r: PipelineResult) =
                        r
                        |> PipelineResult.add GroundingData.key (GroundingData.withEvidence o.Search o.Output)
                        |> PipelineResult.add GroundingStatus.key grounded

                    return Ok(report, lands)
        }

        let spec = agent Grounding.agent GroundingData.key [ Step.Judge ] groundingInput

        {
            spec with
                Expected = fun _ -> false
                Runs =
                    fun plan r ->
                        r.Error.IsNone
                        && realEvent r
                        && (match plan.Grounding, plan.Search with
                            | GroundingMode.Off, _ -> false
                            | GroundingMode.On, _
                            | GroundingMode.Auto, SearchSupport.Searches _ -> true
                            | GroundingMode.Auto, SearchSupport.NoSearch _ -> false)
                Run = run
                OnFailure =
                    OnFailure.Records(fun e ->
                        GroundingStatus.of' GroundingMode.On GroundingState.Failed (Some(GenerationFailure.describe e))
                        |> PipelineResult.add GroundingStatus.key)
        }

    /// After the run: every generation the judge accepted says how its grounding went (`grounding_status`), with
    /// the run's mode and provider; a step that did not run says why.
    let settle (plan: StepPlan) (r: PipelineResult) =
        match Outputs.tryGet JudgeResult.key r.Outputs with
        | Some j when j.IsValid ->
            let status =
                Outputs.tryGet GroundingStatus.key r.Outputs
                |> Option.defaultWith (fun () -> GroundingStatus.notRun plan.Grounding plan.Search (realEvent r))

            PipelineResult.add GroundingStatus.key (GroundingStatus.complete plan.Grounding plan.Search status) r
        | _ -> r

    let private timeline =
        agentLanding
            Timeline.agent
            TimelineData.key
            [ Step.Judge; Grounding.step ]
            (fun request r -> {
                Query = query request r
                Judge = get JudgeResult.key r
                Continuity = request.Continuity
                Grounding = Outputs.tryGet GroundingData.key r.Outputs
            })
            (fun request t ->
                let t =
                    match request.Continuity with
                    | Some c -> { t with Location = c.Location }
                    | None -> t

                PipelineResult.add TimelineData.key t)

    let private scene =
        agent Scene.agent SceneData.key [ Step.Timeline ] (fun request r -> {
            Query = query request r
            Timeline = get TimelineData.key r
            Continuity = request.Continuity
            Grounding = Outputs.tryGet GroundingData.key r.Outputs
        })

    let private characters =
        agent Characters.agent CharacterData.key [ Step.Judge; Step.Timeline; Step.Scene ] (fun request r -> {
            Query = query request r
            Judge = get JudgeResult.key r
            Timeline = get TimelineData.key r
            Scene = get SceneData.key r
            Continuity = request.Continuity
            Grounding = Outputs.tryGet GroundingData.key r.Outputs
        })

    let private moment =
        agent Moment.agent MomentData.key [ Step.Timeline; Step.Scene; Step.Characters ] (fun request r -> {
            Query = query request r
            Timeline = get TimelineData.key r
            Scene = get SceneData.key r
            Characters = get CharacterData.key r
            Continuity = request.Continuity
        })

    let private camera =
        agent Camera.agent CameraData.key [ Step.Timeline; Step.Scene; Step.Characters ] (fun request r -> {
            Query = query request r
            Timeline = get TimelineData.key r
            Scene = get SceneData.key r
            Characters = get CharacterData.key r
        })

    let private graph =
        agent Graph.agent GraphData.key [ Step.Timeline; Step.Characters ] (fun request r -> {
            Query = query request r
            Timeline = get TimelineData.key r
            Characters = get CharacterData.key r
        })

    /// The dialog agent's input from the results so far.
    let dialogInput request (r: PipelineResult) : DialogInput = {
        Query = query request r
        Timeline = get TimelineData.key r
        Scene = get SceneData.key r
        Speakers = Dialog.speakers (get CharacterData.key r)
        Moment = get MomentData.key r
        Graph = get GraphData.key r
        Revision = None
    }

    let private dialog =
        agent
            Dialog.agent
            DialogData.key
            [ Step.Timeline; Step.Scene; Step.Characters; Step.Moment; Step.Graph ]
            dialogInput

    let private critiqueOn (plan: StepPlan) = not (plan.Off.Contains Step.Critique)

    /// Reviews the dialog, cast and scene with the checker's findings over everything so far; non-fatal (a failure
    /// is recorded in the step log and the scene completes).
    let private critique =
        let spec =
            agent
                Critique.agent
                CritiqueData.key
                [
                    Step.Timeline
                    Step.Scene
                    Step.Characters
                    Step.Moment
                    Step.Camera
                    Step.Graph
                    Step.Dialog
                ]
                (fun request r -> {
                    Query = query request r
                    Timeline = get TimelineData.key r
                    Scene = get SceneData.key r
                    Characters = get CharacterData.key r
                    Dialog = get DialogData.key r
                    Findings = PipelineResult.findings request.Continuity r
                })

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
            agentLanding
                {
                    Dialog.agent with
                        Step = Step.DialogRevision
                }
                DialogData.key
                [ Step.Critique ]
                (fun request r -> {
                    dialogInput request r with
                        Revision = r.Critique |> Option.bind (fun c -> c.RevisionInstructions)
                })
                (fun _ d r ->
                    let r = PipelineResult.add DialogData.key d r

                    match r.Critique with
                    | Some c -> PipelineResult.add CritiqueData.key { c with Revised = true } r
                    | None -> r)

        {
            spec with
                Expected = fun _ -> false
                Runs = fun _ r -> r.Critique |> Option.exists (fun c -> c.HasCritical)
                OnFailure = OnFailure.Records(fun _ r -> r)
        }

    /// The image prompt's input from the results so far.
    let imagePromptInput request (r: PipelineResult) : ImagePromptInput = {
        Query = query request r
        Timeline = get TimelineData.key r
        Scene = get SceneData.key r
        Characters = get CharacterData.key r
        Moment = get MomentData.key r
        Dialog = get DialogData.key r
        Camera = get CameraData.key r
        Graph = get GraphData.key r
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
            agent ImagePrompt.agent ImagePromptData.key imagePromptReads imagePromptInput

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
                            }

                            return Ok(report, PipelineResult.add ImagePromptData.key data)
                    }
        }

    let private image = {
        Step = Step.Image
        Role = Some ModelRole.Image
        Reads = [ Step.ImagePrompt ]
        Output = None
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
                let prompt = get ImagePromptData.key r

                let scene = imagePromptInput request r

                let call = {
                    Request = {
                        Prompt = $"{prompt.Style} style: {ImagePromptData.enhanced prompt}"
                        AspectRatio = prompt.AspectRatio
                        NegativePrompt = prompt.NegativePrompt
                        Compact = Some(ImagePrompt.compact scene)
                        Tuning = CallTuning.none
                        OnWait = WaitNotice.None
                    }
                    Scene = scene
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
        grounding
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

    /// Every output the steps land, once each in table order, then the grounding status `settle` lands: the
    /// timepoint's "metadata" and its stored outputs.
    let outputs =
        (table |> List.choose (fun s -> s.Output))
        @ [ OutputKey.stored GroundingStatus.key ]
        |> List.distinctBy (fun o -> o.Name)

    /// Where a step's output lands in the timepoint's wire form: a dotted path ("metadata.dialog", "image_url").
    let landsAt (s: StepSpec) =
        match s.Output with
        | Some o -> "metadata." + o.Name
        | None -> "image_url"

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

    /// The steps switched off by a lookup of environment variables (`NAME=on|off` for a step's switch, any case; unset
    /// or empty is on); any other value is an error naming the variable: (variable, problem).
    let off (lookup: string -> string option) : Result<Set<Step>, string * string> =
        table
        |> List.choose (fun s -> s.Switch |> Option.map (fun name -> s.Step, name))
        |> List.fold
            (fun acc (step, name) ->
                acc
                |> Result.bind (fun (off: Set<Step>) ->
                    match lookup name |> Option.map (fun v -> v.Trim().ToLowerInvariant()) with
                    | None
                    | Some ""
                    | Some "on" -> Ok off
                    | Some "off" -> Ok(off.Add step)
                    | Some v ->
                        let shown = if v.Length > 40 then v.Substring(0, 40) else v
                        Error(name, $"must be on or off, got '{shown}'")))
            (Ok Set.empty)

    /// How many steps a plan reports (progress is finished steps over this).
    let expected (plan: StepPlan) =
        table |> List.filter (fun s -> s.Expected plan) |> List.length
