namespace TimepointFlash.Api

open System
open System.Text
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash

/// Server-sent events: the envelope {event, step, data, progress, error} and a writer with heartbeats.
[<RequireQualifiedAccess>]
module Sse =
    /// One message of a stream.
    type Message = {
        Event: string
        Step: string option
        Data: JsonNode
        Progress: int
        Error: string option
    }

    /// Seconds between keep-alive comments while a step runs.
    let heartbeatSeconds = 10.0

    /// The message's JSON envelope (all keys always present, in this order).
    let envelope (m: Message) =
        Encode.obj [
            "event", Encode.string m.Event
            "step", Encode.opt Encode.string m.Step
            "data", m.Data
            "progress", Encode.int m.Progress
            "error", Encode.opt Encode.string m.Error
        ]

    /// The wire text of a message: one data line and a blank line.
    let frame (m: Message) =
        "data: " + Encode.toString (envelope m) + "\n\n"

    /// Sets the event-stream headers.
    let start (ctx: HttpContext) =
        ctx.Response.StatusCode <- 200
        ctx.Response.ContentType <- "text/event-stream; charset=utf-8"
        ctx.Response.Headers.CacheControl <- "no-cache"
        ctx.Response.Headers["X-Accel-Buffering"] <- "no"

    /// Writes text and flushes; false once the client has gone.
    let write (ctx: HttpContext) (text: string) : Task<bool> = task {
        if ctx.RequestAborted.IsCancellationRequested then
            return false
        else
            try
                let bytes = Encoding.UTF8.GetBytes text
                do! ctx.Response.Body.WriteAsync(bytes, 0, bytes.Length, ctx.RequestAborted)
                do! ctx.Response.Body.FlushAsync(ctx.RequestAborted)
                return true
            with
            | :? OperationCanceledException
            | :? ObjectDisposedException
            | :? IO.IOException -> return false
    }

    /// Writes one message.
    let send ctx (m: Message) = write ctx (frame m)

    /// A keep-alive comment line.
    let heartbeat ctx = write ctx ": keep-alive\n\n"

    /// Tracks progress so that it never decreases: finished steps over expected steps.
    type Progress(expected: int) =
        let mutable finished = 0

        /// Counts a finished step and returns the new percentage (below 100 until done).
        member _.Step() =
            finished <- finished + 1
            min 99 (finished * 100 / (max 1 expected))

        /// The current percentage.
        member _.Current = min 99 (finished * 100 / (max 1 expected))

    /// The message for a step record (None for "started", which carries no progress; "waiting" keeps the percentage). Live events and the replay
    /// of a stored job go through this one function, so both send the same payload for the same step.
    let ofRecord (progress: Progress) (r: StepRecord) =
        match r.Status with
        | StepStatus.Started -> None
        | StepStatus.Waiting ->
            Some {
                Event = "step_waiting"
                Step = Some(Step.name r.Step)
                Data =
                    Encode.obj [
                        "state", Encode.string "waiting for provider budget"
                        "provider", Encode.opt Encode.string r.Provider
                        "model_used", Encode.opt Encode.string r.Model
                        "wait_ms", Encode.opt Encode.int64 r.LatencyMs
                    ]
                Progress = progress.Current
                Error = None
            }
        | StepStatus.Completed ->
            Some {
                Event = "step_complete"
                Step = Some(Step.name r.Step)
                Data =
                    Encode.obj [
                        "latency_ms", Encode.opt Encode.int64 r.LatencyMs
                        "model_used", Encode.opt Encode.string r.Model
                        "provider", Encode.opt Encode.string r.Provider
                        "input_tokens", Encode.opt (fun (u: TokenUsage) -> Encode.int u.Input) r.Usage
                        "output_tokens", Encode.opt (fun (u: TokenUsage) -> Encode.int u.Output) r.Usage
                        "attempts", Encode.opt Encode.int r.Attempts
                    ]
                Progress = progress.Step()
                Error = None
            }
        | StepStatus.Failed ->
            Some {
                Event = "step_error"
                Step = Some(Step.name r.Step)
                Data =
                    Encode.obj [
                        "error_kind",
                        Encode.opt (fun (e: GenerationError) -> Encode.string (FailureKind.name e.Kind)) r.Error
                        "provider_kind",
                        r.Error
                        |> Option.bind (fun e -> e.ProviderKind)
                        |> Encode.opt (ProviderErrorKind.name >> Encode.string)
                    ]
                Progress = progress.Step()
                Error = r.Error |> Option.map (fun e -> e.Message)
            }

    /// The closing message for a saved timepoint.
    let done' (t: Timepoint) (totalMs: int64) = {
        Event = "done"
        Step = Some "complete"
        Data =
            Encode.obj [
                "timepoint_id", Encode.string (string t.Id)
                "slug", Encode.string t.Slug
                "status", Encode.string (TimepointStatus.name t.Status)
                "year", Encode.opt Encode.int (Timepoint.year t)
                "location", Encode.opt Encode.string t.Location
                "total_latency_ms", Encode.int64 totalMs
                "has_image", Encode.bool t.HasImage
                "image_error", Encode.opt Encode.string t.ImageError
                "error", Encode.opt (GenerationError.describe >> Encode.string) t.Error
                "error_kind", Encode.opt (fun (e: GenerationError) -> Encode.string (FailureKind.name e.Kind)) t.Error
                "error_provider_kind",
                t.Error
                |> Option.bind (fun e -> e.ProviderKind)
                |> Encode.opt (ProviderErrorKind.name >> Encode.string)
                "suggested_query", t.Error |> Option.bind (fun e -> e.SuggestedQuery) |> Encode.opt Encode.string
                "saved", Encode.bool true
            ]
        Progress = 100
        Error = None
    }

    /// The message for a run that could not finish.
    let error (progress: int) (message: string) = {
        Event = "error"
        Step = None
        Data = Encode.nil
        Progress = progress
        Error = Some message
    }

    /// The `error` message for a storage failure: the detail, and status and retry_after (seconds) as data.
    let storageError (progress: int) (answer: StorageAnswer) = {
        Event = "error"
        Step = None
        Data =
            Encode.obj [
                "status", Encode.int answer.Status
                "retry_after", Encode.opt Encode.int answer.RetryAfter
            ]
        Progress = progress
        Error = Some answer.Detail
    }

    /// The opening message.
    let start' (query: string) (id: Guid) = {
        Event = "start"
        Step = Some "initialization"
        Data = Encode.obj [ "query", Encode.string query; "timepoint_id", Encode.string (string id) ]
        Progress = 0
        Error = None
    }

    /// The `start` event of a stored timepoint: its query and id, whether it draws an image, and its preset.
    let startOf (presets: PresetPort) (t: Timepoint) =
        let s = start' t.Query t.Id

        {
            s with
                Data =
                    Encode.obj [
                        "query", Encode.string t.Query
                        "timepoint_id", Encode.string (string t.Id)
                        "generate_image", Encode.bool t.GenerateImage
                        "preset", Encode.string (Control.presetOf presets t.Control)
                    ]
        }

    /// Waits for the task, writing heartbeats while it runs; returns false when the client left.
    let heartbeatsUntil (ctx: HttpContext) (work: Task) : Task<bool> = task {
        let mutable alive = true

        while alive && not work.IsCompleted do
            let! _ = Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds heartbeatSeconds))

            if not work.IsCompleted then
                let! ok = heartbeat ctx
                alive <- ok

        return alive
    }
