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
