namespace TimepointFlash

open System
open System.Threading
open System.Threading.Tasks
open TimepointFlash.Agents

/// How an answer is asked for: plain speech, JSON with tone and key points, or the best the model can do.
[<RequireQualifiedAccess>]
type ResponseFormat =
    | Text
    | Structured
    | Auto

/// Who wrote a message of a chat session.
[<RequireQualifiedAccess>]
type MessageRole =
    | User
    | Character

/// One message of a chat session.
type SessionMessage = {
    Role: MessageRole
    Content: string
    CharacterName: string option
    At: DateTimeOffset
}

/// A stored conversation with one character of one timepoint.
type ChatSession = {
    Id: Guid
    TimepointId: Guid
    CharacterName: string
    /// In the order they were stored.
    Messages: SessionMessage list
    CreatedAt: DateTimeOffset
    UpdatedAt: DateTimeOffset
}

/// A session in a listing.
type SessionSummary = {
    Id: Guid
    TimepointId: Guid
    CharacterName: string
    MessageCount: int
    LastPreview: string option
    CreatedAt: DateTimeOffset
    UpdatedAt: DateTimeOffset
}

/// Messages to add to a session (created when new), atomically and after any already stored.
type SessionAppend = {
    SessionId: Guid
    TimepointId: Guid
    CharacterName: string
    Messages: SessionMessage list
    At: DateTimeOffset
}

/// Chat session storage, as functions; deleting a timepoint deletes its sessions.
type SessionStore = {
    Append: SessionAppend -> Task<unit>
    Get: Guid -> Task<ChatSession option>
    /// Sessions of a timepoint, most recently updated first.
    List: Guid -> Task<SessionSummary list>
    Delete: Guid -> Task<bool>
}

/// Why an interaction was refused or failed.
[<RequireQualifiedAccess>]
type InteractError =
    | TimepointNotFound
    | NotCompleted of status: TimepointStatus
    | CharacterNotFound of name: string * cast: string list
    | SessionNotFound
    | SessionOfAnotherTimepoint of sessionTimepoint: Guid
    | SessionOfAnotherCharacter of character: string
    | Agent of AgentError

/// A message to one character.
type ChatAsk = {
    Character: string
    Message: string
    SessionId: Guid option
    SaveSession: bool
    Format: ResponseFormat
}

/// A character's answer.
type ChatAnswer = {
    CharacterName: string
    Reply: Reply
    /// The session the exchange was stored in, when one was asked for.
    SessionId: Guid option
    Model: string
    LatencyMs: int64
}

/// More lines for a scene's dialog.
type DialogAsk = {
    /// None for the scene's speakers.
    Characters: string list option
    Lines: int
    Prompt: string option
    /// Append the lines to the stored dialog.
    Save: bool
}

/// The added lines.
type DialogAnswer = {
    Lines: DialogLine list
    Context: string
    CharactersInvolved: string list
    Saved: bool
    LatencyMs: int64
}

/// Whether survey calls run at once or one after another.
[<RequireQualifiedAccess>]
type SurveyMode =
    | Parallel
    | Sequential

/// The same questions to several characters.
type SurveyAsk = {
    Characters: string list option
    Questions: string list
    Mode: SurveyMode
    /// In sequential mode, each character sees the earlier answers to the same question.
    ChainPrompts: bool
    IncludeSummary: bool
    Format: ResponseFormat
}

/// One character's answer to one question.
type SurveyAnswer = {
    CharacterName: string
    Question: string
    Reply: SurveyReply
}

/// What a survey streams: each answer or failed answer as it comes (with progress 0–100), then the summary.
[<RequireQualifiedAccess>]
type SurveyEvent =
    | Answered of SurveyAnswer * progress: int
    | Failed of character: string * question: string * error: AgentError * progress: int
    | Summary of string

/// A survey's result.
type SurveyResult = {
    TimepointId: Guid
    Questions: string list
    Answers: SurveyAnswer list
    Summary: string option
    Mode: SurveyMode
    TotalCharacters: int
    LatencyMs: int64
}

/// An interaction checked and ready to run: its events go to the callback as they happen (streams send them,
/// plain requests ignore them).
type Prepared<'Event, 'Result> = {
    Run: ('Event -> Task) -> CancellationToken -> Task<Result<'Result, InteractError>>
}

/// What interactions need.
type InteractEnv = {
    Store: Store
    Sessions: SessionStore
    Llm: Llm
    Stream: StreamLlm
    Now: unit -> DateTimeOffset
    NewId: unit -> Guid
    Elapsed: unit -> int64
    /// Presets, so a conversation's model calls carry its scene's preset, models and parameters.
    Presets: PresetPort
}

/// The character interactions as one record of functions, for the API, CLI, facade and MCP tools. Each request
/// is checked first (a refusal changes nothing), then run.
type Interactions = {
    /// The cast of a completed timepoint as personas (their role-play prompts by `Persona.systemPrompt`).
    Cast: Guid -> Task<Result<Persona list, InteractError>>
    /// Chat: events are text chunks as the model produces them.
    Chat: Guid -> ChatAsk -> Task<Result<Prepared<string, ChatAnswer>, InteractError>>
    /// Dialog extension: events are the added lines, one by one.
    Dialog: Guid -> DialogAsk -> Task<Result<Prepared<DialogLine, DialogAnswer>, InteractError>>
    Survey: Guid -> SurveyAsk -> Task<Result<Prepared<SurveyEvent, SurveyResult>, InteractError>>
    Sessions: Guid -> Task<SessionSummary list>
    Session: Guid -> Task<ChatSession option>
    DeleteSession: Guid -> Task<bool>
}
