namespace TimepointFlash

open System

/// A step of the generation pipeline, known by its wire name. What it does is declared once in the step table
/// (`Steps.table`); a new step names itself where its agent is declared (`Step.named`).
[<RequireQualifiedAccess>]
type Step =
    private
    | Named of string

    override s.ToString() =
        let (Named n) = s
        n

    static member Judge = Named "judge"
    static member Timeline = Named "timeline"
    static member Scene = Named "scene"
    static member Characters = Named "characters"
    static member Moment = Named "moment"
    static member Dialog = Named "dialog"
    static member Camera = Named "camera"
    static member Graph = Named "graph"
    static member Critique = Named "critique"
    static member DialogRevision = Named "dialog_revision"
    static member ImagePrompt = Named "image_prompt"
    static member Image = Named "image_generation"
    /// The character interactions: agents outside the step table.
    static member Chat = Named "chat"
    static member DialogExtension = Named "dialog_extension"
    static member Survey = Named "survey"
    static member SurveySummary = Named "survey_summary"

/// Life cycle of a timepoint.
[<RequireQualifiedAccess>]
type TimepointStatus =
    | Pending
    | Processing
    | Completed
    | Failed

/// What kind of failure stopped a generation (the case of `GenerationFailure`), as stored beside its message.
[<RequireQualifiedAccess>]
type FailureKind =
    /// The judge turned the query down.
    | Rejected
    /// A model's answer stayed invalid after a repair attempt.
    | InvalidOutput
    /// A model provider failed (unreachable, refused, rate-limited, timed out …).
    | Provider
    /// The database failed.
    | Storage
    /// The run was cancelled.
    | Cancelled
    /// The run stopped for a reason outside the pipeline (a navigation source gone, an unexpected exception).
    | Interrupted

/// What a model provider reported when a provider failure stopped a generation (the case of `ProviderError`), kept
/// beside `FailureKind.Provider`.
[<RequireQualifiedAccess>]
type ProviderErrorKind =
    | MissingKey
    | AuthFailed
    | RateLimited
    | Unavailable
    | Timeout
    | BadRequest
    | BadResponse
    | CircuitOpen
    /// Safety, recitation, prohibited content, a prompt block, a refusal or a content filter.
    | Blocked
    /// The answer stopped at the output-token limit.
    | Truncated
    /// Billing quota or credit exhausted.
    | QuotaExhausted
    /// The provider's moderation flagged the input.
    | Moderated
    /// The upstream model failed inside a 200 answer.
    | UpstreamError

/// Why a timepoint failed, as stored: its kind, the step, a human message and, for a rejected query, a better one.
type GenerationError = {
    Kind: FailureKind
    /// For a provider failure, what the provider reported (stored as `error_provider_kind`).
    ProviderKind: ProviderErrorKind option
    Step: Step option
    Message: string
    SuggestedQuery: string option
}

/// A generated scene and everything known about it.
type Timepoint = {
    Id: Guid
    Query: string
    Slug: string
    Status: TimepointStatus
    GenerateImage: bool
    Point: TemporalPoint option
    Location: string option
    /// Every step's output, keyed by output name (each output type declares its key).
    Outputs: Outputs
    HasImage: bool
    ImageError: string option
    Error: GenerationError option
    ParentId: Guid option
    /// What the request asked for (preset, models, policy, parameters), kept for jobs and navigation.
    Control: GenerationControl
    /// Which settings and models produced it; None until a run finishes.
    Provenance: Provenance option
    CreatedAt: DateTimeOffset
    UpdatedAt: DateTimeOffset
} with

    member t.Judge = Outputs.tryGet JudgeResult.key t.Outputs
    member t.Timeline = Outputs.tryGet TimelineData.key t.Outputs
    member t.Scene = Outputs.tryGet SceneData.key t.Outputs
    member t.Characters = Outputs.tryGet CharacterData.key t.Outputs
    member t.Moment = Outputs.tryGet MomentData.key t.Outputs
    member t.Dialog = Outputs.tryGet DialogData.key t.Outputs
    member t.Camera = Outputs.tryGet CameraData.key t.Outputs
    member t.Graph = Outputs.tryGet GraphData.key t.Outputs
    member t.Critique = Outputs.tryGet CritiqueData.key t.Outputs
    member t.ImagePrompt = Outputs.tryGet ImagePromptData.key t.Outputs

[<RequireQualifiedAccess>]
module Step =
    /// Wire name.
    let name (Step.Named n) = n

    /// The step of a wire name; a step table entry declares its step with this.
    let named (name: string) = Step.Named name

[<RequireQualifiedAccess>]
module TimepointStatus =
    /// Every status.
    let all = [
        TimepointStatus.Pending
        TimepointStatus.Processing
        TimepointStatus.Completed
        TimepointStatus.Failed
    ]

    /// Wire and database value.
    let name =
        function
        | TimepointStatus.Pending -> "pending"
        | TimepointStatus.Processing -> "processing"
        | TimepointStatus.Completed -> "completed"
        | TimepointStatus.Failed -> "failed"

    /// Parses a wire value, case-insensitively.
    let tryParse (s: string) =
        if isNull s then
            None
        else
            all |> List.tryFind (fun x -> name x = s.Trim().ToLowerInvariant())

    /// True for completed and failed.
    let isFinal =
        function
        | TimepointStatus.Completed
        | TimepointStatus.Failed -> true
        | _ -> false

[<RequireQualifiedAccess>]
module FailureKind =
    /// Every kind.
    let all = [
        FailureKind.Rejected
        FailureKind.InvalidOutput
        FailureKind.Provider
        FailureKind.Storage
        FailureKind.Cancelled
        FailureKind.Interrupted
    ]

    /// Wire and database value.
    let name =
        function
        | FailureKind.Rejected -> "rejected"
        | FailureKind.InvalidOutput -> "invalid_output"
        | FailureKind.Provider -> "provider"
        | FailureKind.Storage -> "storage"
        | FailureKind.Cancelled -> "cancelled"
        | FailureKind.Interrupted -> "interrupted"

    /// Parses a wire or database value.
    let tryParse (s: string) =
        all |> List.tryFind (fun k -> name k = s)

[<RequireQualifiedAccess>]
module ProviderErrorKind =
    /// Every kind.
    let all = [
        ProviderErrorKind.MissingKey
        ProviderErrorKind.AuthFailed
        ProviderErrorKind.RateLimited
        ProviderErrorKind.Unavailable
        ProviderErrorKind.Timeout
        ProviderErrorKind.BadRequest
        ProviderErrorKind.BadResponse
        ProviderErrorKind.CircuitOpen
        ProviderErrorKind.Blocked
        ProviderErrorKind.Truncated
        ProviderErrorKind.QuotaExhausted
        ProviderErrorKind.Moderated
        ProviderErrorKind.UpstreamError
    ]

    /// Wire, database and metric value (snake_case).
    let name =
        function
        | ProviderErrorKind.MissingKey -> "missing_key"
        | ProviderErrorKind.AuthFailed -> "auth_failed"
        | ProviderErrorKind.RateLimited -> "rate_limited"
        | ProviderErrorKind.Unavailable -> "unavailable"
        | ProviderErrorKind.Timeout -> "timeout"
        | ProviderErrorKind.BadRequest -> "bad_request"
        | ProviderErrorKind.BadResponse -> "bad_response"
        | ProviderErrorKind.CircuitOpen -> "circuit_open"
        | ProviderErrorKind.Blocked -> "blocked"
        | ProviderErrorKind.Truncated -> "truncated"
        | ProviderErrorKind.QuotaExhausted -> "quota_exhausted"
        | ProviderErrorKind.Moderated -> "moderated"
        | ProviderErrorKind.UpstreamError -> "upstream_error"

    /// Parses a wire or database value.
    let tryParse (s: string) =
        all |> List.tryFind (fun k -> name k = s)

    /// A few words for people ("the provider blocked the answer").
    let label =
        function
        | ProviderErrorKind.MissingKey -> "no API key is configured"
        | ProviderErrorKind.AuthFailed -> "the API key was refused"
        | ProviderErrorKind.RateLimited -> "rate-limited"
        | ProviderErrorKind.Unavailable -> "the provider is unavailable"
        | ProviderErrorKind.Timeout -> "the provider timed out"
        | ProviderErrorKind.BadRequest -> "the provider refused the request"
        | ProviderErrorKind.BadResponse -> "the provider's answer was malformed"
        | ProviderErrorKind.CircuitOpen -> "the provider is paused after repeated failures"
        | ProviderErrorKind.Blocked -> "the provider blocked the answer"
        | ProviderErrorKind.Truncated -> "the answer was cut off at the output limit"
        | ProviderErrorKind.QuotaExhausted -> "the provider's quota is exhausted"
        | ProviderErrorKind.Moderated -> "the provider's moderation flagged the input"
        | ProviderErrorKind.UpstreamError -> "the upstream model failed"

    /// How the edges show a provider failure's kind: "provider failure (blocked): the provider blocked the answer".
    let note k =
        $"provider failure ({name k}): {label k}"

[<RequireQualifiedAccess>]
module GenerationError =
    /// The provider kind as shown to people: "provider failure (blocked): the provider blocked the answer".
    let providerNote (f: GenerationError) =
        f.ProviderKind |> Option.map ProviderErrorKind.note

    /// One line: "step: message (try: suggestion)".
    let describe (f: GenerationError) =
        let step =
            f.Step |> Option.map (fun s -> Step.name s + ": ") |> Option.defaultValue ""

        let hint =
            f.SuggestedQuery
            |> Option.map (fun q -> $" Try: \"{q}\"")
            |> Option.defaultValue ""

        step + f.Message + hint

[<RequireQualifiedAccess>]
module Timepoint =
    /// A new pending timepoint for a query.
    let pending (id: Guid) (query: string) (slug: string) (generateImage: bool) (now: DateTimeOffset) = {
        Id = id
        Query = query
        Slug = slug
        Status = TimepointStatus.Pending
        GenerateImage = generateImage
        Point = None
        Location = None
        Outputs = Outputs.empty
        HasImage = false
        ImageError = None
        Error = None
        ParentId = None
        Control = GenerationControl.none
        Provenance = None
        CreatedAt = now
        UpdatedAt = now
    }

    /// Sets (or replaces) a step's output.
    let withOutput (key: OutputKey<'T>) (value: 'T) (t: Timepoint) = {
        t with
            Outputs = Outputs.add key value t.Outputs
    }

    /// True once generation finished successfully.
    let isComplete (t: Timepoint) = t.Status = TimepointStatus.Completed

    /// The year, when known.
    let year (t: Timepoint) = t.Point |> Option.map (fun p -> p.Year)
