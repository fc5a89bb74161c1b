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
    Delete: string -> Task<Result<JsonNode, CliError>>
    /// Says something to a character of a scene: key, character, message, session to continue, whether to keep one.
    Chat: string -> string -> string -> Guid option -> bool -> Task<Result<JsonNode, CliError>>
    Models: unit -> Task<Result<JsonNode, CliError>>
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
        | StepStatus.Completed ->
            StepEvent.Ended {
                Step = Step.name r.Step
                Ok = true
                LatencyMs = r.LatencyMs
                Model = r.Model
                Error = None
            }
        | StepStatus.Failed ->
            StepEvent.Ended {
                Step = Step.name r.Step
                Ok = false
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
                fun key -> task {
                    match! require env key with
                    | Error e -> return Error e
                    | Ok t ->
                        let! _ = env.Store.Delete t.Id
                        return Ok(AppWire.deleted t.Id)
                }
            Models = fun () -> Task.FromResult(Ok(models ()))
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
            Describe = describe
            Offline = offline
        }
