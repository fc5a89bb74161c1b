namespace TimepointFlash

open System
open System.Globalization
open System.Text

/// The statistics of a comparison's successful runs.
type EvalStats = {
    Successes: EvalRun list
    /// Successful runs, fastest first (ties in request order).
    Ranking: EvalRun list
    MinMs: int64
    MaxMs: int64
    AvgMs: float
    /// The element at index n/2 of the sorted latencies (the reference's median).
    MedianMs: int64
}

/// A comparison as the reference's EvalComparison JSON (plus our fields) and as its 70-column text report.
[<RequireQualifiedAccess>]
module EvalWire =
    let private iso (d: DateTimeOffset) =
        d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)

    /// Whether a run succeeded.
    let succeeded (r: EvalRun) = r.Outcome = EvalOutcome.Completed

    /// The statistics of the successful runs (zeros when none succeeded).
    let stats (c: EvalComparison) : EvalStats =
        let successes = c.Runs |> List.filter succeeded
        let ranking = successes |> List.sortBy _.LatencyMs
        let latencies = ranking |> List.map _.LatencyMs

        match latencies with
        | [] -> {
            Successes = []
            Ranking = []
            MinMs = 0L
            MaxMs = 0L
            AvgMs = 0.0
            MedianMs = 0L
          }
        | _ -> {
            Successes = successes
            Ranking = ranking
            MinMs = List.head latencies
            MaxMs = List.last latencies
            AvgMs = latencies |> List.averageBy float |> (fun a -> Math.Round(a, 1))
            MedianMs = latencies[latencies.Length / 2]
          }

    /// The success rate in percent (0–100).
    let successRate (c: EvalComparison) =
        match c.Runs with
        | [] -> 0.0
        | runs -> Math.Round(100.0 * float (List.length (List.filter succeeded runs)) / float runs.Length, 1)

    /// Why a run failed or timed out (None when it completed).
    let error (r: EvalRun) =
        match r.Outcome with
        | EvalOutcome.Completed -> None
        | EvalOutcome.Failed reason -> Some reason
        | EvalOutcome.TimedOut -> Some $"Timeout after {int r.LatencyMs / 1000}s"

    /// A run's output cut to 200 characters.
    let preview (text: string) =
        if text.Length > 200 then
            text.Substring(0, 200) + "..."
        else
            text

    /// One run: the reference's EvalModelResult plus status, tokens, the models used and the scene's key fields.
    let run (r: EvalRun) =
        let output = r.Scene |> Option.bind _.Output

        Encode.obj [
            "model_id", Encode.string r.Target.Id
            "provider", Encode.string r.Target.Provider
            "label", Encode.string r.Target.Label
            "success", Encode.bool (succeeded r)
            "status",
            Encode.string (
                match r.Outcome with
                | EvalOutcome.Completed -> "completed"
                | EvalOutcome.Failed _ -> "failed"
                | EvalOutcome.TimedOut -> "timeout"
            )
            "latency_ms", Encode.int64 r.LatencyMs
            "output", Encode.opt Encode.string output
            "output_length", Encode.int (output |> Option.map String.length |> Option.defaultValue 0)
            "output_preview", Encode.opt (preview >> Encode.string) output
            "error", Encode.opt Encode.string (error r)
            "started_at", Encode.string (iso r.StartedAt)
            "completed_at", Encode.string (iso r.CompletedAt)
            "tokens",
            Encode.obj [
                "input", Encode.int r.Usage.Input
                "output", Encode.int r.Usage.Output
                "total", Encode.int (r.Usage.Input + r.Usage.Output)
            ]
            "models_used", Encode.list Encode.string r.Models
            "timepoint_id", Encode.opt (fun (s: EvalScene) -> Encode.string (string s.TimepointId)) r.Scene
            "scene",
            Encode.opt
                (fun (s: EvalScene) ->
                    Encode.obj [
                        "slug", Encode.string s.Slug
                        "year", Encode.opt Encode.int s.Year
                        "location", Encode.opt Encode.string s.Location
                        "characters", Encode.int s.Characters
                        "dialog_lines", Encode.int s.DialogLines
                    ])
                r.Scene
        ]

    /// The reference's EvalComparison (plus each run's extra fields).
    let comparison (c: EvalComparison) =
        let s = stats c
        let successes = List.length s.Successes

        Encode.obj [
            "query", Encode.string c.Request.Query
            "prompt_type", Encode.string c.Request.PromptType
            "timestamp", Encode.string (iso c.Timestamp)
            "total_duration_ms", Encode.int64 c.TotalDurationMs
            "models_tested", Encode.int c.Runs.Length
            "results", Encode.list run c.Runs
            "fastest_model", Encode.opt (fun (r: EvalRun) -> Encode.string r.Target.Id) (List.tryHead s.Ranking)
            "slowest_model", Encode.opt (fun (r: EvalRun) -> Encode.string r.Target.Id) (List.tryLast s.Ranking)
            "success_count", Encode.int successes
            "failure_count", Encode.int (c.Runs.Length - successes)
            "success_rate", Encode.float (successRate c)
            "latency_stats",
            Encode.obj [
                "min_ms", Encode.int64 s.MinMs
                "max_ms", Encode.int64 s.MaxMs
                "avg_ms", Encode.float s.AvgMs
                "median_ms", Encode.int64 s.MedianMs
                "range_ms", Encode.int64 (s.MaxMs - s.MinMs)
            ]
            "ranking", Encode.list (fun (r: EvalRun) -> Encode.string r.Target.Id) s.Ranking
        ]

    /// The width of every report line.
    let width = 70

    let private cut (n: int) (text: string) =
        if text.Length > n then
            text.Substring(0, n - 3) + "..."
        else
            text

    let private ordinal n =
        match n with
        | 1 -> "1st"
        | 2 -> "2nd"
        | 3 -> "3rd"
        | n -> $"{n}th"

    /// The plain-text report: banner, query, counts, results by speed then failures, statistics; no line is
    /// longer than `width`.
    let report (c: EvalComparison) =
        let s = stats c
        let b = StringBuilder()

        let line (text: string) =
            b.Append(cut width text).Append('\n') |> ignore

        let rule = String('=', width)
        line rule
        line (String.replicate ((width - 24) / 2) " " + "MODEL COMPARISON REPORT")
        line rule
        line $"Query: {cut 60 c.Request.Query}"
        line $"Models tested: {c.Runs.Length}"
        line $"Total time: {c.TotalDurationMs} ms"
        line (sprintf "Success rate: %.1f%%" (successRate c))
        line (String('-', width))

        s.Ranking
        |> List.iteri (fun i r ->
            line (sprintf "%-5s %-40s %9d ms  OK" (ordinal (i + 1)) (cut 40 r.Target.Label) r.LatencyMs))

        for r in c.Runs |> List.filter (succeeded >> not) do
            line (sprintf "%-5s %-40s %9s     FAIL" "N/A" (cut 40 r.Target.Label) "-")
            line $"      {cut 50 (error r |> Option.defaultValue String.Empty)}"

        line (String('-', width))

        match s.Ranking with
        | [] -> line "No model succeeded."
        | fastest :: _ ->
            let slowest = List.last s.Ranking
            line $"Fastest: {cut 40 fastest.Target.Label} ({fastest.LatencyMs} ms)"
            line $"Slowest: {cut 40 slowest.Target.Label} ({slowest.LatencyMs} ms)"
            line (sprintf "Average: %.1f ms   Range: %d ms" s.AvgMs (s.MaxMs - s.MinMs))

            if fastest.LatencyMs > 0L then
                line (sprintf "The fastest is %.1fx faster than average." (s.AvgMs / float fastest.LatencyMs))

        line rule
        b.ToString()

    /// The report answer: the comparison and its text.
    let withReport (c: EvalComparison) =
        Encode.obj [ "comparison", comparison c; "report", Encode.string (report c) ]
