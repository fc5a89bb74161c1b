namespace TimepointFlash.Cli

open System
open System.Globalization
open System.Text.Json.Nodes

/// The live step display's state (pure): the steps running now, each with when it began on a monotonic clock in
/// milliseconds, in the order they began; the judge's finished line, held until the next step or the outcome says
/// whether the query was accepted; and when the last step event came.
type LiveSteps = {
    Running: (string * int64) list
    Held: StepLine option
    Since: int64
}

[<RequireQualifiedAccess>]
module LiveSteps =
    /// The spinner's frames, one per redraw.
    let frames = [| "⠋"; "⠙"; "⠹"; "⠸"; "⠼"; "⠴"; "⠦"; "⠧"; "⠇"; "⠏" |]

    /// Nothing running yet, at a clock reading.
    let start (now: int64) = {
        Running = []
        Held = None
        Since = now
    }

    let private holds (line: StepLine) = line.Ok && line.Step = "judge"

    /// Applies a step event at a clock reading: the lines to print now (in order) and the next state. A step that
    /// begins or ends releases the held judge line (the query was accepted); the judge's own ✓ is held.
    let apply (now: int64) (event: StepEvent) (s: LiveSteps) : StepLine list * LiveSteps =
        let released = Option.toList s.Held

        match event with
        | StepEvent.Started step ->
            let running = s.Running |> List.filter (fun (n, _) -> n <> step)

            released,
            {
                Running = running @ [ step, now ]
                Held = None
                Since = now
            }
        | StepEvent.Ended line when line.Waiting ->
            // A wait for provider budget is news, not an end: the step keeps running (and its clock).
            released @ [ line ], { s with Held = None; Since = now }
        | StepEvent.Ended line ->
            let running = s.Running |> List.filter (fun (n, _) -> n <> line.Step)

            if holds line then
                released,
                {
                    Running = running
                    Held = Some line
                    Since = now
                }
            else
                released @ [ line ],
                {
                    Running = running
                    Held = None
                    Since = now
                }

    /// Why a finished generation was rejected, from its wire JSON: the reason and, when it adds something, the
    /// suggested query; None when it was not rejected.
    let rejection (t: JsonNode option) =
        let text (key: string) =
            t |> Option.bind (fun t -> Option.ofObj t[key]) |> Option.map string

        match text "error_kind" with
        | Some "rejected" ->
            match text "error", text "suggested_query" with
            | Some e, Some q when not (e.Contains q) -> Some $"rejected: {e} (try: {q})"
            | Some e, _ -> Some $"rejected: {e}"
            | None, _ -> Some "rejected"
        | _ -> None

    /// The lines left to print when the command ends: the held judge line, as ✗ with the reason when the query was
    /// rejected.
    let finish (rejected: string option) (s: LiveSteps) : StepLine list =
        match s.Held, rejected with
        | Some judge, Some reason -> [
            {
                judge with
                    Ok = false
                    Error = Some reason
            }
          ]
        | held, _ -> Option.toList held

    /// Seconds with one decimal and an "s" ("12.3s").
    let seconds (ms: int64) =
        (float (max 0L ms) / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + "s"

    /// The status line at a redraw: a spinner frame, then every running step with its elapsed time, steps that
    /// run in parallel side by side; "working" with the time since the last step event when none is known to run.
    let status (tick: int) (now: int64) (s: LiveSteps) =
        let parts =
            match s.Running with
            | [] -> [ $"working {seconds (now - s.Since)}" ]
            | running -> running |> List.map (fun (step, began) -> $"{step} {seconds (now - began)}")

        frames[abs tick % frames.Length] + " " + String.concat "  ·  " parts

    /// The text cut to a terminal width (a wrapped status line could not be redrawn in place).
    let fit (width: int) (text: string) =
        let room = max 8 (width - 1)

        if text.Length <= room then
            text
        else
            text.Substring(0, room - 1) + "…"
