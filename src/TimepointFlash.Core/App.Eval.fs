namespace TimepointFlash

open System
open System.Threading
open System.Threading.Tasks

/// One contestant of a model comparison: a model id (on a provider) or one of the deployment's presets.
type EvalTarget = {
    /// The id results and rankings name: the model id, or "preset:<name>".
    Id: string
    Provider: string
    Label: string
    Control: GenerationControl
}

/// A comparison to run: one query, every target, one deadline for the whole comparison.
type EvalRequest = {
    Query: string
    Targets: EvalTarget list
    /// The whole comparison ends within this long; a run still going then is cancelled and reported as a timeout.
    Timeout: TimeSpan
    /// The reference's prompt_type, echoed.
    PromptType: string
}

/// The key fields of the scene a run produced.
type EvalScene = {
    TimepointId: Guid
    Slug: string
    Year: int option
    Location: string option
    Characters: int
    DialogLines: int
    /// The moment's plot summary (else the scene's setting): the run's text output.
    Output: string option
}

/// How a run ended.
[<RequireQualifiedAccess>]
type EvalOutcome =
    | Completed
    | Failed of reason: string
    | TimedOut

/// One target's run.
type EvalRun = {
    Target: EvalTarget
    Outcome: EvalOutcome
    LatencyMs: int64
    Usage: TokenUsage
    /// The text models the run's steps used.
    Models: string list
    Scene: EvalScene option
    StartedAt: DateTimeOffset
    CompletedAt: DateTimeOffset
}

/// A finished comparison.
type EvalComparison = {
    Request: EvalRequest
    Timestamp: DateTimeOffset
    TotalDurationMs: int64
    Runs: EvalRun list
}

/// Running a comparison through the generation pipeline (offline engine included): every target generates the same
/// query as a real scene (stored, so each result links to it), at most `maxConcurrent` at once, under one deadline.
[<RequireQualifiedAccess>]
module Eval =
    /// Runs at once per comparison.
    let maxConcurrent = 4

    /// Targets per comparison.
    let maxTargets = 20

    /// Bounds of timeout_seconds (the reference's).
    let timeoutBounds = 10, 600

    /// The reference's eval preset names (model sets), and ours (the deployment's generation presets).
    let modelSets = [ "verified"; "google_native"; "openrouter"; "all" ]

    /// A target running a model id on a provider (the router translates it per provider).
    let modelTarget (modelId: string) (provider: string) (label: string) = {
        Id = modelId
        Provider = provider
        Label = label
        Control = {
            GenerationControl.none with
                TextModel = Some modelId
        }
    }

    /// A target running one of the deployment's presets.
    let presetTarget (presets: PresetPort) (name: string) =
        let planned =
            presets.Planned {
                GenerationControl.none with
                    Preset = Some name
            }

        {
            Id = $"preset:{name}"
            Provider = planned.Provider
            Label = $"Preset {name} ({planned.Text})"
            Control = {
                GenerationControl.none with
                    Preset = Some name
            }
        }

    /// The text models of a model listing (`GET /api/v1/models` items) that are available, as targets.
    let textTargets (listing: Text.Json.Nodes.JsonNode seq) =
        let text (n: Text.Json.Nodes.JsonNode) (key: string) =
            match n[key] with
            | null -> ""
            | v -> v.ToString()

        let isText (n: Text.Json.Nodes.JsonNode) =
            match n["capabilities"] with
            | :? Text.Json.Nodes.JsonArray as a -> a |> Seq.exists (fun c -> not (isNull c) && c.ToString() = "text")
            | _ -> false

        let available (n: Text.Json.Nodes.JsonNode) =
            match n["is_available"] with
            | null -> true
            | v -> v.GetValueKind() <> Text.Json.JsonValueKind.False

        listing
        |> Seq.filter (fun n -> not (isNull n) && isText n && available n)
        |> Seq.map (fun n ->
            let id, provider = text n "id", text n "provider"
            modelTarget id provider $"{provider} {id}")
        |> List.ofSeq

    /// The targets of a model set over the deployment's text models: verified = the models its presets plan;
    /// google_native = Gemini's models, openrouter = OpenRouter's; all = every text model (at most maxTargets).
    let setTargets (presets: PresetPort) (models: EvalTarget list) (set: string) =
        match set with
        | "google_native" -> models |> List.filter (fun t -> t.Provider = "gemini" || t.Provider = "google")
        | "openrouter" -> models |> List.filter (fun t -> t.Provider = "openrouter")
        | "verified" ->
            presets.Names
            |> List.map (fun p ->
                presets.Planned {
                    GenerationControl.none with
                        Preset = Some p
                })
            |> List.distinctBy (fun p -> p.Text, p.Provider)
            |> List.map (fun p -> modelTarget p.Text p.Provider $"{p.Provider} {p.Text}")
        | _ -> models
        |> List.truncate maxTargets

    let private sceneOf (t: Timepoint) =
        let characters =
            t.Characters
            |> Option.map (fun c -> List.length c.Characters)
            |> Option.defaultValue 0

        let lines =
            t.Dialog |> Option.map (fun d -> List.length d.Lines) |> Option.defaultValue 0

        let output =
            t.Moment
            |> Option.map (fun m -> m.PlotSummary)
            |> Option.orElse (t.Scene |> Option.map (fun s -> s.Setting))
            |> Option.bind String.nonBlank

        {
            TimepointId = t.Id
            Slug = t.Slug
            Year = t.Point |> Option.map (fun p -> p.Year)
            Location = t.Location
            Characters = characters
            DialogLines = lines
            Output = output
        }

    let private runOne (env: AppEnv) (request: EvalRequest) (gate: SemaphoreSlim) (ct: CancellationToken) target = task {
        let started = env.Now()
        let clock = Diagnostics.Stopwatch.StartNew()
        let records = Collections.Concurrent.ConcurrentQueue<StepRecord>()

        let observe (r: StepRecord) =
            records.Enqueue r
            Task.CompletedTask

        let! outcome, scene = task {
            try
                do! gate.WaitAsync ct

                try
                    let! t = Generation.runNowWith env target.Control observe request.Query false ct

                    match t.Status, t.Error with
                    | TimepointStatus.Completed, _ -> return EvalOutcome.Completed, Some(sceneOf t)
                    | _, Some e -> return EvalOutcome.Failed(GenerationError.describe e), Some(sceneOf t)
                    | status, None -> return EvalOutcome.Failed(TimepointStatus.name status), Some(sceneOf t)
                finally
                    gate.Release() |> ignore
            with :? OperationCanceledException ->
                return EvalOutcome.TimedOut, None
        }

        let completed =
            records |> Seq.filter (fun r -> r.Status = StepStatus.Completed) |> List.ofSeq

        let usage =
            completed
            |> List.choose _.Usage
            |> List.fold
                (fun (a: TokenUsage) u -> {
                    Input = a.Input + u.Input
                    Output = a.Output + u.Output
                })
                { Input = 0; Output = 0 }

        return {
            Target = target
            Outcome = outcome
            LatencyMs =
                match outcome with
                | EvalOutcome.TimedOut -> int64 request.Timeout.TotalMilliseconds
                | _ -> clock.ElapsedMilliseconds
            Usage = usage
            Models = completed |> List.choose _.Model |> List.distinct
            Scene = scene
            StartedAt = started
            CompletedAt = env.Now()
        }
    }

    /// Runs every target (at most maxConcurrent at once) and gathers the runs in the request's order; the whole
    /// comparison ends within the request's timeout (or when the caller's token is cancelled).
    let compare (env: AppEnv) (request: EvalRequest) (ct: CancellationToken) : Task<EvalComparison> = task {
        let timestamp = env.Now()
        let clock = Diagnostics.Stopwatch.StartNew()
        use deadline = CancellationTokenSource.CreateLinkedTokenSource ct
        deadline.CancelAfter request.Timeout
        use gate = new SemaphoreSlim(maxConcurrent)

        let! runs =
            request.Targets
            |> List.map (runOne env request gate deadline.Token)
            |> Task.WhenAll

        return {
            Request = request
            Timestamp = timestamp
            TotalDurationMs = clock.ElapsedMilliseconds
            Runs = List.ofArray runs
        }
    }
