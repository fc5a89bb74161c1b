namespace TimepointFlash.Cli

open System
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// The embedded engine's step records as live-display events.
module internal EmbeddedSteps =
    /// A step that finished well, or waits for provider budget (`LatencyMs` is then the expected wait).
    let private going (r: StepRecord) (waiting: bool) = {
        Step = Step.name r.Step
        Ok = true
        Waiting = waiting
        LatencyMs = r.LatencyMs
        Model = r.Model
        Error = None
    }

    let private progressOf (r: StepRecord) =
        match r.Status with
        | StepStatus.Started -> StepEvent.Started(Step.name r.Step)
        | StepStatus.Waiting -> StepEvent.Ended(going r true)
        | StepStatus.Completed -> StepEvent.Ended(going r false)
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

    /// Passes each step record on to the live display.
    let observer (report: StepEvent -> unit) (e: StepRecord) =
        report (progressOf e)
        Task.CompletedTask
