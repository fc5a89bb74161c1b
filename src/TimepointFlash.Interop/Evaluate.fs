namespace TimepointFlash.Interop

open System
open TimepointFlash
open TimepointFlash.Interop

/// Comparison requests checked as the API checks them, and comparisons as the facade's C# records.
module internal Evaluate =
    let private values (xs: 'T seq) = ValueList<'T>(xs)

    let private nullable (o: 'T option) =
        match o with
        | Some v -> Nullable v
        | None -> Nullable()

    let private model (t: EvalTarget) =
        EvalModel(ModelId = t.Id, Provider = t.Provider, Label = t.Label)

    /// What a comparison can run: each model set with its size, the text models, the generation presets.
    let models (presets: PresetPort) (all: EvalTarget list) =
        EvalModels(
            Sets =
                values [
                    for set in Eval.modelSets ->
                        EvalModelSet(Name = set, Count = (Eval.setTargets presets all set).Length)
                ],
            Models = values (all |> List.map model),
            GenerationPresets = values presets.Names
        )

    let private listed (xs: 'T seq | null) =
        match xs with
        | null -> None
        | xs -> Some(List.ofSeq xs)

    let private bounded (param: string) (what: string) (xs: 'T list) =
        if List.isEmpty xs then
            raise (ArgumentException($"List at least one {what}.", param))
        elif xs.Length > Eval.maxTargets then
            raise (ArgumentException($"List at most {Eval.maxTargets} {what}s, not {xs.Length}.", param))
        else
            xs

    let private modelTarget (m: EvalModel) =
        if
            isNull (box m)
            || String.IsNullOrWhiteSpace m.ModelId
            || m.ModelId.Trim().Length > 200
        then
            raise (ArgumentException("Each model needs a ModelId of 1 to 200 characters.", "models"))

        let id = m.ModelId.Trim()

        let label = if String.IsNullOrWhiteSpace m.Label then id else m.Label

        Eval.modelTarget
            id
            (if String.IsNullOrWhiteSpace m.Provider then
                 ""
             else
                 m.Provider.Trim())
            label

    /// The targets of a request, as the API picks them: named models win over presets, which win over a model set
    /// (default verified). Throws ArgumentException naming the parameter when the request is invalid.
    let targets
        (presets: PresetPort)
        (all: EvalTarget list)
        (models: EvalModel seq | null)
        (named: string seq | null)
        (set: string | null)
        =
        match listed models, listed named with
        | Some ms, _ -> bounded "models" "model" ms |> List.map modelTarget
        | None, Some ps ->
            let known = String.concat ", " presets.Names

            bounded "presets" "preset" ps
            |> List.map (fun p ->
                if String.IsNullOrWhiteSpace p || not (List.contains p presets.Names) then
                    raise (ArgumentException($"Unknown preset '{p}'; the presets are {known}.", "presets"))

                p)
            |> List.distinct
            |> List.map (Eval.presetTarget presets)
        | None, None ->
            let set =
                match set with
                | null -> "verified"
                | s -> s

            if not (List.contains set Eval.modelSets) then
                let sets = String.concat ", " Eval.modelSets
                raise (ArgumentException($"Unknown model set '{set}'; the sets are {sets}.", "modelSet"))

            match Eval.setTargets presets all set with
            | [] ->
                raise (
                    ArgumentException(
                        $"The model set '{set}' is empty on this engine; name models or presets instead.",
                        "modelSet"
                    )
                )
            | targets -> targets

    let private status =
        function
        | EvalOutcome.Completed -> EvalStatus.Completed
        | EvalOutcome.Failed _ -> EvalStatus.Failed
        | EvalOutcome.TimedOut -> EvalStatus.Timeout

    let private result (r: TimepointFlash.EvalRun) =
        let output = r.Scene |> Option.bind _.Output

        EvalResult(
            ModelId = r.Target.Id,
            Provider = r.Target.Provider,
            Label = r.Target.Label,
            Success = EvalWire.succeeded r,
            Status = status r.Outcome,
            LatencyMs = r.LatencyMs,
            Output = Option.toObj output,
            OutputLength = (output |> Option.map String.length |> Option.defaultValue 0),
            OutputPreview = Option.toObj (output |> Option.map EvalWire.preview),
            Error = Option.toObj (EvalWire.error r),
            StartedAt = r.StartedAt,
            CompletedAt = r.CompletedAt,
            Tokens = EvalTokens(Input = r.Usage.Input, Output = r.Usage.Output, Total = r.Usage.Input + r.Usage.Output),
            ModelsUsed = values r.Models,
            TimepointId = nullable (r.Scene |> Option.map _.TimepointId),
            Scene =
                (match r.Scene with
                 | None -> null
                 | Some s ->
                     EvalSceneInfo(
                         Slug = s.Slug,
                         Year = nullable s.Year,
                         Location = Option.toObj s.Location,
                         Characters = s.Characters,
                         DialogLines = s.DialogLines
                     ))
        )

    /// A finished comparison, with every field of the API's answer.
    let comparison (c: TimepointFlash.EvalComparison) =
        let s = EvalWire.stats c
        let successes = List.length s.Successes

        EvalComparison(
            Query = c.Request.Query,
            PromptType = c.Request.PromptType,
            Timestamp = c.Timestamp,
            TotalDurationMs = c.TotalDurationMs,
            ModelsTested = c.Runs.Length,
            Results = values (c.Runs |> List.map result),
            FastestModel = Option.toObj (s.Ranking |> List.tryHead |> Option.map _.Target.Id),
            SlowestModel = Option.toObj (s.Ranking |> List.tryLast |> Option.map _.Target.Id),
            SuccessCount = successes,
            FailureCount = c.Runs.Length - successes,
            SuccessRate = EvalWire.successRate c,
            LatencyStats =
                EvalLatencyStats(
                    MinMs = s.MinMs,
                    MaxMs = s.MaxMs,
                    AvgMs = s.AvgMs,
                    MedianMs = s.MedianMs,
                    RangeMs = s.MaxMs - s.MinMs
                ),
            Ranking = values (s.Ranking |> List.map _.Target.Id)
        )

    /// A comparison with its text report.
    let report (c: TimepointFlash.EvalComparison) =
        EvalReport(Comparison = comparison c, Report = EvalWire.report c)
