namespace TimepointFlash

/// Why a generation failed, typed until an edge renders it.
[<RequireQualifiedAccess>]
type GenerationFailure =
    /// The judge turned the query down, with its reason and a better query when it has one.
    | Rejected of reason: string * suggestedQuery: string option
    /// An agent produced no usable output.
    | Agent of step: Step * AgentError
    /// A provider call outside an agent failed (the image).
    | Provider of step: Step * ProviderError
    /// The database failed.
    | Storage of DbError
    /// The run was cancelled.
    | Cancelled
    /// The run stopped for a reason outside the pipeline (a navigation source gone, an unexpected exception).
    | Interrupted of reason: string

[<RequireQualifiedAccess>]
module GenerationFailure =
    /// The reason a rejection gives when the judge gives none.
    let defaultRejection =
        "The query does not describe a moment in time that can be staged."

    /// The step that failed, when one did.
    let step =
        function
        | GenerationFailure.Rejected _ -> Some Step.Judge
        | GenerationFailure.Agent(s, _)
        | GenerationFailure.Provider(s, _) -> Some s
        | GenerationFailure.Storage _
        | GenerationFailure.Cancelled
        | GenerationFailure.Interrupted _ -> None

    /// The kind stored beside the message.
    let kind =
        function
        | GenerationFailure.Rejected _ -> FailureKind.Rejected
        | GenerationFailure.Agent(_, AgentError.InvalidOutput _) -> FailureKind.InvalidOutput
        | GenerationFailure.Agent(_, AgentError.Provider ProviderError.Cancelled)
        | GenerationFailure.Cancelled -> FailureKind.Cancelled
        | GenerationFailure.Agent(_, AgentError.Provider _)
        | GenerationFailure.Provider _ -> FailureKind.Provider
        | GenerationFailure.Storage _ -> FailureKind.Storage
        | GenerationFailure.Interrupted _ -> FailureKind.Interrupted

    /// One line for users and logs (without the step; never a key or connection secret).
    let describe =
        function
        | GenerationFailure.Rejected(reason, _) -> reason
        | GenerationFailure.Agent(_, e) -> AgentError.describe e
        | GenerationFailure.Provider(_, e) -> ProviderError.describe e
        | GenerationFailure.Storage e -> DbError.describe e
        | GenerationFailure.Cancelled -> "The generation was cancelled."
        | GenerationFailure.Interrupted reason -> reason

    /// The stored form: kind, step, message and suggested query.
    let toError (f: GenerationFailure) : GenerationError = {
        Kind = kind f
        ProviderKind =
            match f with
            | GenerationFailure.Agent(_, AgentError.Provider e)
            | GenerationFailure.Provider(_, e) -> ProviderError.tryKind e
            | _ -> None
        Step = step f
        Message = describe f
        SuggestedQuery =
            match f with
            | GenerationFailure.Rejected(_, q) -> q
            | _ -> None
    }
