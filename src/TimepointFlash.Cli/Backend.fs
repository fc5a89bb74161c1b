namespace TimepointFlash.Cli

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// A finished step for the live display: ✓ with its time and model, or ✗ with why.
type StepLine = {
    Step: string
    Ok: bool
    /// Waiting for provider budget (not finished; `LatencyMs` is the expected wait).
    Waiting: bool
    LatencyMs: int64 option
    Model: string option
    Error: string option
}

/// What a running command reports to the live display.
[<RequireQualifiedAccess>]
type StepEvent =
    /// A step began (the embedded engine says so; a server's stream only reports steps that ended).
    | Started of step: string
    /// A step ended.
    | Ended of StepLine

/// Why a command failed.
[<RequireQualifiedAccess>]
type CliError =
    | NotFound of string
    | Invalid of string
    | Failed of string
    | Unreachable of string
    /// The database failed (embedded mode): unreachable, timed out, or another storage error.
    | Storage of DbError

/// What the commands need, from the embedded engine or a running server; answers are wire JSON.
type Backend = {
    /// Generates a scene for a query, with or without an image, under a generation control.
    Generate: string -> bool -> GenerationControl -> (StepEvent -> unit) -> Task<Result<JsonNode, CliError>>
    Get: string -> Task<Result<JsonNode, CliError>>
    List: ListQuery -> Task<Result<JsonNode, CliError>>
    Navigate:
        string -> Direction -> int -> TimeUnit -> (StepEvent -> unit) -> Task<Result<JsonNode * JsonNode, CliError>>
    Sequence: string -> string -> int -> Task<Result<JsonNode, CliError>>
    /// Deletes a scene: soft (hidden, purged later) or, when true, permanently.
    Delete: string -> bool -> Task<Result<JsonNode, CliError>>
    /// Says something to a character of a scene: key, character, message, session to continue, whether to keep one.
    Chat: string -> string -> string -> Guid option -> bool -> Task<Result<JsonNode, CliError>>
    /// Extends a scene's dialog: key, the body as the API takes it, and each streamed event (its name and wire data:
    /// `line`); answers the API's result.
    Dialog: string -> JsonNode -> (string * JsonNode -> unit) -> Task<Result<JsonNode, CliError>>
    /// Surveys a scene's cast: key, the body as the API takes it, and each streamed event (`response`, `summary`,
    /// `error` for one failed answer); answers the API's result.
    Survey: string -> JsonNode -> (string * JsonNode -> unit) -> Task<Result<JsonNode, CliError>>
    Models: unit -> Task<Result<JsonNode, CliError>>
    /// A scene as a download: json, markdown, html or tdf (a server's export endpoints; rendered here embedded).
    Export: string -> string -> Task<Result<string, CliError>>
    /// The model sets and models a comparison can run (GET /api/v1/eval/models).
    EvalModels: unit -> Task<Result<JsonNode, CliError>>
    /// A comparison: the request body as POST /api/v1/eval/compare reads it; with the text report when true.
    Compare: JsonNode -> bool -> Task<Result<JsonNode, CliError>>
    Image: Guid -> Task<StoredImage option>
    Describe: string
    /// True when the embedded engine is the offline one (no provider key).
    Offline: bool
}

[<RequireQualifiedAccess>]
module CliError =
    /// One line for the terminal.
    let describe =
        function
        | CliError.NotFound w -> $"{w} not found"
        | CliError.Invalid m -> m
        | CliError.Failed m -> m
        | CliError.Unreachable m -> $"server unreachable: {m}"
        | CliError.Storage e when DbError.isOutage e -> $"{DbError.describe e} (try again when the database is back)"
        | CliError.Storage e -> DbError.describe e

/// The embedded backend: the same services and configuration the server uses.
[<RequireQualifiedAccess>]
module Embedded =
    let private progressOf (r: StepRecord) =
        match r.Status with
        | StepStatus.Started -> StepEvent.Started(Step.name r.Step)
        | StepStatus.Waiting ->
            StepEvent.Ended {
                Step = Step.name r.Step
                Ok = true
                Waiting = true
                LatencyMs = r.LatencyMs
                Model = r.Model
                Error = None
            }
        | StepStatus.Completed ->
            StepEvent.Ended {
                Step = Step.name r.Step
                Ok = true
                Waiting = false
                LatencyMs = r.LatencyMs
                Model = r.Model
                Error = None
            }
        | StepStatus.Failed ->
            StepEvent.Ended {
                Step = Step.name r.Step
                Ok = false
                Waiting = false
                LatencyMs = None
                Model = None
                Error =
                    r.Error
                    |> Option.map (fun e ->
                        match GenerationError.providerNote e with
                        | Some note -> $"{e.Message} ({note})"
                        | None -> e.Message)
            }

    let private observer (report: StepEvent -> unit) (e: StepRecord) =
        report (progressOf e)
        Task.CompletedTask

    /// Finds a timepoint by id or slug.
    let find (env: AppEnv) (key: string) = task {
        match Guid.TryParse key with
        | true, id -> return! env.Store.Get id
        | _ -> return! env.Store.GetBySlug key
    }

    let private require (env: AppEnv) key = task {
        match! find env key with
        | Some t -> return Ok t
        | None -> return Error(CliError.NotFound $"Timepoint '{key}'")
    }

    /// A refused or failed interaction as a command-line error.
    let ofInteract (key: string) =
        function
        | InteractError.TimepointNotFound -> CliError.NotFound $"Timepoint '{key}'"
        | InteractError.NotCompleted status ->
            CliError.Invalid
                $"the scene is {TimepointStatus.name status}; its people can be talked to once it has completed"
        | InteractError.CharacterNotFound(name, cast) ->
            let listed = String.concat ", " cast
            CliError.NotFound $"Character '{name}' (the cast: {listed})"
        | InteractError.SessionNotFound -> CliError.NotFound "Session"
        | InteractError.SessionOfAnotherTimepoint _ -> CliError.Invalid "the session belongs to another scene"
        | InteractError.SessionOfAnotherCharacter name -> CliError.Invalid $"the session is a conversation with {name}"
        | InteractError.Agent e -> CliError.Failed(AgentError.describe e)

    /// Checks a body with the API's decoder, then runs the interaction on the scene, passing each event on as its
    /// stream's event name and data; answers the result as the API would.
    let private interaction
        (env: AppEnv)
        (decoder: Decoder<'Ask>)
        (start: Guid -> 'Ask -> Task<Result<Prepared<'Event, 'Result>, InteractError>>)
        (wire: 'Event -> string * JsonNode)
        (result: 'Result -> JsonNode)
        (key: string)
        (body: JsonNode)
        (onEvent: string * JsonNode -> unit)
        =
        task {
            match Decode.fromNode decoder body with
            | Error e -> return Error(CliError.Invalid(e |> List.map DecodeError.describe |> String.concat "; "))
            | Ok ask ->
                match! require env key with
                | Error e -> return Error e
                | Ok t ->
                    match! start t.Id ask with
                    | Error e -> return Error(ofInteract key e)
                    | Ok prepared ->
                        let pass e =
                            onEvent (wire e)
                            Task.CompletedTask

                        match! prepared.Run pass (Interrupt.token ()) with
                        | Ok r -> return Ok(result r)
                        | Error e -> return Error(ofInteract key e)
        }

    /// A survey event as the survey stream names it.
    let private surveyEvent =
        function
        | SurveyEvent.Answered(a, _) -> "response", InteractWire.answer a
        | SurveyEvent.Failed(name, _, e, _) -> "error", Encode.string $"Failed for {name}: {AgentError.describe e}"
        | SurveyEvent.Summary text -> "summary", Encode.string text

    /// The comparison targets of the models listing (`models ()`'s "models").
    let private evalTargets (models: unit -> JsonNode) =
        match (models ())["models"] with
        | :? JsonArray as a -> Eval.textTargets a
        | _ -> []

    /// The backend over an application environment and its character interactions.
    let create
        (env: AppEnv)
        (interact: Interactions)
        (models: unit -> JsonNode)
        (describe: string)
        (offline: bool)
        : Backend =
        {
            Generate =
                fun query image control report -> task {
                    let! t = Generation.runNowWith env control (observer report) query image (Interrupt.token ())
                    return Ok(TimepointWire.encode true t)
                }
            Get =
                fun key -> task {
                    let! t = require env key
                    return t |> Result.map (TimepointWire.encode true)
                }
            List =
                fun q -> task {
                    let! page = env.Store.ListSummaries q
                    return Ok(AppWire.page page)
                }
            Navigate =
                fun key direction units unit report -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok source ->
                        match!
                            Navigation.run env (observer report) source.Id direction units unit (Interrupt.token ())
                        with
                        | Ok o ->
                            return
                                Ok(
                                    AppWire.navigation o.Source o.Target direction units unit,
                                    TimepointWire.encode true o.Target
                                )
                        | Error(AppError.Temporal te) -> return Error(CliError.Invalid(TemporalError.describe te))
                        | Error(AppError.NotCompleted(_, s)) ->
                            return
                                Error(CliError.Invalid $"the source scene is {TimepointStatus.name s}, not completed")
                        | Error(AppError.NotFound w) -> return Error(CliError.NotFound w)
                        | Error(AppError.NoDate _) -> return Error(CliError.Invalid "the source scene has no date")
                }
            Sequence =
                fun key direction limit -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        match Sequence.parseSide direction with
                        | None -> return Error(CliError.Invalid "direction must be prior, next or both")
                        | Some side ->
                            let! v = Sequence.load env.Store side limit t
                            return Ok(AppWire.sequence v)
                }
            Delete =
                fun key permanent -> task {
                    let removal = if permanent then Removal.Permanent else Removal.Soft

                    match Guid.TryParse key with
                    // An id deletes even a soft-deleted scene (a permanent delete of one purges it now).
                    | true, id ->
                        match! env.Store.Delete removal id with
                        | true -> return Ok(AppWire.deleted removal id)
                        | false -> return Error(CliError.NotFound $"Timepoint '{key}'")
                    | _ ->
                        match! require env key with
                        | Error e -> return Error e
                        | Ok t ->
                            let! _ = env.Store.Delete removal t.Id
                            return Ok(AppWire.deleted removal t.Id)
                }
            Models = fun () -> Task.FromResult(Ok(models ()))
            Export =
                fun key format -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        match format with
                        | "json" -> return Ok(Encode.toIndentedString (TimepointWire.encode true t))
                        | "markdown" -> return Ok(TimepointFlash.Runtime.Render.markdown (TimepointWire.encode true t))
                        | "tdf" -> return Ok(Encode.toIndentedString (Tdf.record t))
                        | "html" ->
                            let! image = env.Store.GetImage t.Id

                            return
                                Ok(
                                    TimepointFlash.Api.ExportHandlers.html
                                        t
                                        (image |> Option.map (fun i -> i.Bytes, i.MimeType))
                                )
                        | other ->
                            return
                                Error(CliError.Invalid $"--format must be json, markdown, html or tdf, got '{other}'")
                }
            EvalModels =
                fun () ->
                    let all = evalTargets models

                    Task.FromResult(
                        Ok(
                            Encode.obj [
                                "presets",
                                Encode.obj [
                                    for set in Eval.modelSets ->
                                        set, Encode.int (Eval.setTargets env.Presets all set).Length
                                ]
                                "models",
                                all
                                |> Encode.list (fun t ->
                                    Encode.obj [
                                        "model_id", Encode.string t.Id
                                        "provider", Encode.string t.Provider
                                        "label", Encode.string t.Label
                                    ])
                                "generation_presets", Encode.list Encode.string env.Presets.Names
                            ]
                        )
                    )
            Compare =
                fun request withReport -> task {
                    let element = Text.Json.JsonDocument.Parse(Encode.toString request).RootElement

                    match TimepointFlash.Api.EvalDto.body env.Presets.Names "" element with
                    | Error errors ->
                        return Error(CliError.Invalid(errors |> List.map DecodeError.describe |> String.concat "; "))
                    | Ok body ->
                        let targets =
                            match body.Choice with
                            | TimepointFlash.Api.EvalChoice.Models ms ->
                                ms |> List.map (fun m -> Eval.modelTarget m.ModelId m.Provider m.Label)
                            | TimepointFlash.Api.EvalChoice.Presets ps -> ps |> List.map (Eval.presetTarget env.Presets)
                            | TimepointFlash.Api.EvalChoice.Set set ->
                                Eval.setTargets env.Presets (evalTargets models) set

                        if List.isEmpty targets then
                            return Error(CliError.Invalid "this model set is empty here; name models or presets")
                        else
                            let! c =
                                Eval.compare
                                    env
                                    {
                                        Query = body.Query
                                        Targets = targets
                                        Timeout = TimeSpan.FromSeconds(float body.TimeoutSeconds)
                                        PromptType = body.PromptType
                                    }
                                    (Interrupt.token ())

                            return
                                Ok(
                                    if withReport then
                                        EvalWire.withReport c
                                    else
                                        EvalWire.comparison c
                                )
                }
            Image = fun id -> env.Store.GetImage id
            Chat =
                fun key character message session save -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        let ask = {
                            Character = character
                            Message = message
                            SessionId = session
                            SaveSession = save
                            Format = ResponseFormat.Text
                        }

                        match! interact.Chat t.Id ask with
                        | Error e -> return Error(ofInteract key e)
                        | Ok prepared ->
                            match! InteractionServices.run prepared CancellationToken.None with
                            | Ok a -> return Ok(InteractWire.chat a)
                            | Error e -> return Error(ofInteract key e)
                }
            Dialog =
                fun key body onEvent ->
                    let number = ref 0

                    let line l =
                        number.Value <- number.Value + 1
                        "line", InteractWire.line number.Value l

                    interaction
                        env
                        TimepointFlash.Api.InteractDto.dialog
                        interact.Dialog
                        line
                        InteractWire.dialog
                        key
                        body
                        onEvent
            Survey =
                interaction env TimepointFlash.Api.InteractDto.survey interact.Survey surveyEvent InteractWire.survey
            Describe = describe
            Offline = offline
        }
