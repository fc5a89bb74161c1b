namespace TimepointFlash

open System.Threading
open System.Threading.Tasks
open FsToolkit.ErrorHandling

/// Direction of temporal navigation.
[<RequireQualifiedAccess>]
type Direction =
    | Next
    | Prior

/// Context carried into a navigated scene: the source scene and the exact target date.
type Continuity = {
    SourceId: System.Guid
    SourceQuery: string
    Direction: Direction
    Units: int
    Unit: TimeUnit
    Target: TemporalPoint
    Location: string
    Characters: Character list
    Setting: string option
    PriorPlot: string option
    YearsElapsed: int
}

/// What a generation is asked to do.
type GenerationRequest = {
    Query: string
    GenerateImage: bool
    Continuity: Continuity option
}

type JudgeInput = {
    Query: string
    /// Today's date, passed in from the composition root (Core reads no clock).
    Today: System.DateOnly
}

type TimelineInput = {
    Query: string
    Judge: JudgeResult
    Continuity: Continuity option
    /// What the grounding step verified, when it ran.
    Grounding: GroundingData option
}

type SceneInput = {
    Query: string
    Timeline: TimelineData
    Continuity: Continuity option
    /// What the grounding step verified, when it ran.
    Grounding: GroundingData option
}

type CharactersInput = {
    Query: string
    Judge: JudgeResult
    Timeline: TimelineData
    /// The setting the cast stands in: who would be there, their ranks and trades.
    Scene: SceneData
    Continuity: Continuity option
    /// What the grounding step verified, when it ran.
    Grounding: GroundingData option
}

type MomentInput = {
    Query: string
    Timeline: TimelineData
    Scene: SceneData
    Characters: CharacterData
    Continuity: Continuity option
}

type CameraInput = {
    Query: string
    Timeline: TimelineData
    Scene: SceneData
    Characters: CharacterData
}

type GraphInput = {
    Query: string
    Timeline: TimelineData
    Characters: CharacterData
}

type DialogInput = {
    Query: string
    Timeline: TimelineData
    Scene: SceneData
    Speakers: Character list
    Moment: MomentData
    Graph: GraphData
    /// A reviewer's instructions when the dialog is written again after a critical critique.
    Revision: string option
}

type CritiqueInput = {
    Query: string
    Timeline: TimelineData
    Scene: SceneData
    Characters: CharacterData
    Dialog: DialogData
    /// The anachronism checker's findings over the scene so far (see PipelineResult.findings).
    Findings: Finding list
}

type ImagePromptInput = {
    Query: string
    Timeline: TimelineData
    Scene: SceneData
    Characters: CharacterData
    Moment: MomentData
    Dialog: DialogData
    Camera: CameraData
    Graph: GraphData
}

/// A person of a finished scene as someone to talk to: who they are and only what they can know at that moment.
type Persona = {
    TimepointId: System.Guid
    Character: Character
    DateLine: string
    /// The scene's year: nothing after it is known.
    Year: int
    Place: string
    Era: string option
    Setting: string option
    /// What is happening, and what led to it (never what follows).
    Happening: string option
    Before: string option
    /// The rest of the cast, "Name (role)".
    Others: string list
    /// The scene's dialog so far.
    Heard: DialogLine list
}

/// One turn of a conversation with a character.
type Turn = { FromUser: bool; Text: string }

/// A message to one character, with the conversation so far.
type ChatInput = {
    Persona: Persona
    History: Turn list
    Message: string
    /// Ask for JSON with tone, key points and confidence instead of plain speech.
    Structured: bool
}

/// More lines of a scene's dialog among chosen speakers.
type ExtendInput = {
    Speakers: Persona list
    /// The dialog so far.
    SoFar: DialogLine list
    Lines: int
    /// A steer for where the conversation goes.
    Direction: string option
}

/// One survey question put to one character.
type SurveyInput = {
    Persona: Persona
    Question: string
    /// Earlier answers to the same question, when chained: who and what they said.
    Earlier: (string * string) list
    Structured: bool
}

/// The answers to one survey question, to be summarised.
type SummaryInput = {
    Question: string
    Answers: (string * string) list
    DateLine: string
    Place: string
}

/// The typed input behind a chat request (the step's input record), so an engine can answer from context instead of
/// prompt text. Open: a new step's input needs no case here; an engine matches on the input's type.
type AgentContext = { Step: Step; Input: obj }

[<RequireQualifiedAccess>]
module AgentContext =
    /// The context of a step's input.
    let ofInput (step: Step) (input: 'Input) = { Step = step; Input = box input }

    /// The input when it has the given type.
    let tryInput<'Input> (context: AgentContext) : 'Input option =
        match context.Input with
        | :? 'Input as i -> Some i
        | _ -> None

/// A chat request together with its typed context.
type AgentCall = {
    Chat: ChatRequest
    Context: AgentContext
    Attempt: int
}

/// The text model as agents see it.
type Llm = AgentCall -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>

/// A text model that reports its text as it is produced (each chunk once, in order) and then the whole answer.
type StreamLlm = AgentCall -> (string -> Task) -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>

/// System and user text of a prompt.
type Prompt = { System: string; User: string }

/// Why an agent produced no output.
[<RequireQualifiedAccess>]
type AgentError =
    | Provider of ProviderError
    | InvalidOutput of errors: DecodeError list

/// An agent: a step, its model role and temperature, its output schema, a prompt builder and a parser.
type Agent<'Input, 'Output> = {
    Step: Step
    Role: ModelRole
    Temperature: float
    MaxTokens: int
    Schema: Schema
    BuildPrompt: 'Input -> Prompt
    Parse: 'Input -> string -> Validation<'Output, DecodeError>
}

/// An agent outside the step table (chat, dialog extension, survey): a pure prompt builder and parser like the
/// pipeline's agents, named by what it does; its schema depends on the input (plain text has none).
type Interaction<'Input, 'Output> = {
    Name: string
    Role: ModelRole
    Temperature: float
    MaxTokens: int
    Schema: 'Input -> Schema option
    Context: 'Input -> AgentContext
    BuildPrompt: 'Input -> Prompt
    Parse: 'Input -> string -> Validation<'Output, DecodeError>
}

/// An agent's output with the facts of the call that produced it.
type AgentOutcome<'Output> = {
    Output: 'Output
    Model: string
    Provider: string
    Usage: TokenUsage
    LatencyMs: int64
    Attempts: int
    /// What a web search contributed to the answer used, when the call searched.
    Search: SearchEvidence option
}

[<RequireQualifiedAccess>]
module AgentError =
    /// One line for users and logs.
    let describe =
        function
        | AgentError.Provider e -> ProviderError.describe e
        | AgentError.InvalidOutput errors ->
            let first =
                errors |> List.truncate 3 |> List.map DecodeError.describe |> String.concat "; "

            $"the model's answer was invalid after a repair attempt: {first}"
