namespace TimepointFlash

open System

/// A step of the generation pipeline; what it does is declared once in the step table (`Steps.table`).
[<RequireQualifiedAccess>]
type Step =
    | Judge
    | Timeline
    | Scene
    | Characters
    | Moment
    | Dialog
    | Camera
    | Graph
    | Critique
    | DialogRevision
    | ImagePrompt
    | Image

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

/// Why a timepoint failed, as stored: its kind, the step, a human message and, for a rejected query, a better one.
type GenerationError = {
    Kind: FailureKind
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
    Judge: JudgeResult option
    Timeline: TimelineData option
    Scene: SceneData option
    Characters: CharacterData option
    Moment: MomentData option
    Dialog: DialogData option
    Camera: CameraData option
    Graph: GraphData option
    Critique: CritiqueData option
    ImagePrompt: ImagePromptData option
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
}

[<RequireQualifiedAccess>]
module Step =
    /// Wire name.
    let name =
        function
        | Step.Judge -> "judge"
        | Step.Timeline -> "timeline"
        | Step.Scene -> "scene"
        | Step.Characters -> "characters"
        | Step.Moment -> "moment"
        | Step.Dialog -> "dialog"
        | Step.Camera -> "camera"
        | Step.Graph -> "graph"
        | Step.Critique -> "critique"
        | Step.DialogRevision -> "dialog_revision"
        | Step.ImagePrompt -> "image_prompt"
        | Step.Image -> "image_generation"

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
module GenerationError =
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
        Judge = None
        Timeline = None
        Scene = None
        Characters = None
        Moment = None
        Dialog = None
        Camera = None
        Graph = None
        Critique = None
        ImagePrompt = None
        HasImage = false
        ImageError = None
        Error = None
        ParentId = None
        Control = GenerationControl.none
        Provenance = None
        CreatedAt = now
        UpdatedAt = now
    }

    /// True once generation finished successfully.
    let isComplete (t: Timepoint) = t.Status = TimepointStatus.Completed

    /// The year, when known.
    let year (t: Timepoint) = t.Point |> Option.map (fun p -> p.Year)
