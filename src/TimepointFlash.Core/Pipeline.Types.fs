namespace TimepointFlash

open System.Threading
open System.Threading.Tasks

/// Facts about one finished step.
type StepReport = {
    Model: string
    Provider: string
    Usage: TokenUsage
    LatencyMs: int64
    Attempts: int
}

/// An image request with the scene behind it, so an engine can draw from context.
type ImageCall = {
    Request: ImageRequest
    Scene: ImagePromptInput
}

/// Draws the scene's image.
type DrawImage = ImageCall -> CancellationToken -> Task<Result<ImageResponse, ProviderError>>

/// Where a step is.
[<RequireQualifiedAccess>]
type StepStatus =
    | Started
    /// Waiting for provider budget (PROVIDER_LIMITS) before a model call goes out: live progress, never stored.
    | Waiting
    | Completed
    | Failed

/// One step's progress as it happens, is stored, replayed and sent to clients: the one step type (the agent's output
/// is not part of it: it is stored once, in the timepoint's outputs).
type StepRecord = {
    /// 1, 2, 3 … per timepoint once stored; 0 before.
    Seq: int64
    Step: Step
    Status: StepStatus
    Model: string option
    Provider: string option
    LatencyMs: int64 option
    Usage: TokenUsage option
    Attempts: int option
    Error: GenerationError option
    /// For a failed step, how long the provider asked to wait before trying again (a rate limit's Retry-After).
    /// Not stored with the step logs: it is for the caller of the run that failed.
    RetryAfter: System.TimeSpan option
    At: System.DateTimeOffset
}

[<RequireQualifiedAccess>]
module StepRecord =
    let private blank (at: System.DateTimeOffset) step status = {
        Seq = 0L
        Step = step
        Status = status
        Model = None
        Provider = None
        LatencyMs = None
        Usage = None
        Attempts = None
        Error = None
        RetryAfter = None
        At = at
    }

    /// A step has started (unnumbered until stored).
    let started at step = blank at step StepStatus.Started

    /// A step's model call is waiting for provider budget (provider and model of the call).
    let waiting at step (w: BudgetWait) = {
        blank at step StepStatus.Waiting with
            Provider = Some w.Provider
            Model = Some w.Model
            LatencyMs = Some(int64 w.Wait.TotalMilliseconds)
    }

    /// A step has finished with its report.
    let completed at step (r: StepReport) = {
        blank at step StepStatus.Completed with
            Model = Some r.Model
            Provider = Some r.Provider
            LatencyMs = Some r.LatencyMs
            Usage = Some r.Usage
            Attempts = Some r.Attempts
    }

    /// A step has failed (with the provider that failed, when one did).
    let failed at step (f: GenerationFailure) = {
        blank at step StepStatus.Failed with
            Provider = GenerationFailure.providerError f |> Option.map ProviderError.provider
            Error = Some(GenerationFailure.toError f)
            RetryAfter = GenerationFailure.providerError f |> Option.bind ProviderError.retryAfter
    }

/// DAG (concurrent independent steps) or one step at a time, for comparison.
[<RequireQualifiedAccess>]
type PipelineMode =
    | Dag
    | Sequential

/// How the image prompt is made: assembled purely from upstream outputs, or refined by a model.
[<RequireQualifiedAccess>]
type ImagePromptMode =
    | Assembled
    | Refined

/// What the pipeline needs from the outside world.
type PipelineDeps = {
    Llm: Llm
    DrawImage: DrawImage option
    /// Receives each step's record as it happens (started, then completed or failed).
    Emit: StepRecord -> Task
    Mode: PipelineMode
    ImagePromptMode: ImagePromptMode
    /// Steps switched off by configuration (a step the table allows to be switched off).
    Off: Set<Step>
    /// Whether real events are checked against sources (`GROUNDING`, or the request's `grounding`).
    Grounding: GroundingMode
    /// Whether the text provider can search, and how (decided once by the composition root).
    Search: SearchSupport
    /// Milliseconds from a monotonic clock, for timing steps that call no model.
    Elapsed: unit -> int64
    /// The time a step record is stamped with.
    Now: unit -> System.DateTimeOffset
    /// Today's date (UTC) for prompts that must know what is past and what is future.
    Today: unit -> System.DateOnly
}

/// Everything a generation produced, and why it stopped if it did.
type PipelineResult = {
    /// Every step's output so far, keyed by output name.
    Outputs: Outputs
    Image: ImageResponse option
    ImageError: string option
    Error: GenerationFailure option
} with

    member r.Judge = Outputs.tryGet JudgeResult.key r.Outputs
    member r.Timeline = Outputs.tryGet TimelineData.key r.Outputs
    member r.Scene = Outputs.tryGet SceneData.key r.Outputs
    member r.Characters = Outputs.tryGet CharacterData.key r.Outputs
    member r.Moment = Outputs.tryGet MomentData.key r.Outputs
    member r.Dialog = Outputs.tryGet DialogData.key r.Outputs
    member r.Camera = Outputs.tryGet CameraData.key r.Outputs
    member r.Graph = Outputs.tryGet GraphData.key r.Outputs
    member r.Critique = Outputs.tryGet CritiqueData.key r.Outputs
    member r.ImagePrompt = Outputs.tryGet ImagePromptData.key r.Outputs

[<RequireQualifiedAccess>]
module PipelineResult =
    /// Nothing produced yet.
    let empty = {
        Outputs = Outputs.empty
        Image = None
        ImageError = None
        Error = None
    }

    /// The output of a step the caller declared it reads (so it is there).
    let get (key: OutputKey<'T>) (r: PipelineResult) = Outputs.get key r.Outputs

    /// Sets (or replaces) an output.
    let add (key: OutputKey<'T>) (value: 'T) (r: PipelineResult) = {
        r with
            Outputs = Outputs.add key value r.Outputs
    }

    /// Completed unless a required step failed or the judge rejected the query.
    let status (r: PipelineResult) =
        match r.Error with
        | None -> TimepointStatus.Completed
        | Some _ -> TimepointStatus.Failed

    /// The point in time a result describes: the navigation target when given, else the timeline's date.
    let point (continuity: Continuity option) (r: PipelineResult) =
        match continuity, r.Timeline with
        | Some c, t ->
            Some {
                c.Target with
                    Era = t |> Option.bind (fun t -> t.Era) |> Option.orElse c.Target.Era
            }
        | None, Some t ->
            Some {
                Year = t.Year
                Month = t.Month
                Day = t.Day
                Hour = t.Hour
                Minute = t.Minute
                Second = None
                Season = t.Season
                TimeOfDay = t.TimeOfDay
                Era = t.Era
                Hemisphere = None
                Calendar = Calendar.Historical
            }
        | None, None -> None

    /// Copies a result into a timepoint.
    let applyTo (continuity: Continuity option) (now: System.DateTimeOffset) (r: PipelineResult) (t: Timepoint) = {
        t with
            Status = status r
            Point = point continuity r
            Location =
                continuity
                |> Option.map (fun c -> c.Location)
                |> Option.orElse (r.Timeline |> Option.map (fun x -> x.Location))
            Outputs = r.Outputs
            HasImage = r.Image.IsSome
            ImageError = r.ImageError
            Error = r.Error |> Option.map GenerationFailure.toError
            ParentId = continuity |> Option.map (fun c -> c.SourceId) |> Option.orElse t.ParentId
            UpdatedAt = now
    }

    /// The anachronism checker's findings over every text the result has so far, for the point it describes.
    let findings (continuity: Continuity option) (r: PipelineResult) =
        let at = System.DateTimeOffset.UnixEpoch

        Timepoint.pending System.Guid.Empty "" "" false at
        |> applyTo continuity at r
        |> Anachronisms.scanScene
