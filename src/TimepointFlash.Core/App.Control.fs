namespace TimepointFlash

open System

/// Applying a request's generation control to each model call, and what a run records about itself.
[<RequireQualifiedAccess>]
module Control =
    /// The preset a control runs under: its own, else the deployment's default.
    let presetOf (presets: PresetPort) (c: GenerationControl) =
        c.Preset
        |> Option.filter (fun p -> List.contains p presets.Names)
        |> Option.defaultValue presets.Default

    let private withText (prefix: string option) (suffix: string option) (system: string) =
        let prefixed =
            match prefix with
            | Some p -> p + "\n\n" + system
            | None -> system

        match suffix with
        | Some s -> prefixed + "\n\n" + s
        | None -> prefixed

    /// The tuning every call of a run carries.
    let tuning (preset: PresetTuning) (c: GenerationControl) (role: ModelRole) : CallTuning =
        let text, image = GenerationControl.effectiveModels c

        {
            Preset = Some preset.Name
            Model =
                match role with
                | ModelRole.Image -> image
                // An explicit text model replaces the creative model only; the judge keeps the preset's.
                | ModelRole.Creative -> text
                | ModelRole.Judge ->
                    match c.Policy with
                    | ModelPolicy.Permissive -> text
                    | ModelPolicy.Any -> None
            Permissive = c.Policy = ModelPolicy.Permissive
            TopP = c.Params.TopP
            TopK = c.Params.TopK
            FrequencyPenalty = c.Params.FrequencyPenalty
            PresencePenalty = c.Params.PresencePenalty
            RepetitionPenalty = c.Params.RepetitionPenalty
            Stop = c.Params.Stop
            Thinking = c.Params.Thinking |> Option.orElse preset.Thinking
        }

    /// One chat request under a preset and control: explicit parameters win, then the preset's adjustments,
    /// then the step's own values.
    let chat (preset: PresetTuning) (c: GenerationControl) (request: ChatRequest) : ChatRequest =
        let p = c.Params

        {
            request with
                System = withText p.SystemPromptPrefix p.SystemPromptSuffix request.System
                Temperature =
                    p.Temperature
                    |> Option.defaultValue (Math.Clamp(request.Temperature + preset.TemperatureShift, 0.0, 2.0))
                MaxTokens =
                    match p.MaxTokens, preset.MaxTokens with
                    | Some n, _ -> Some n
                    | None, Some cap -> request.MaxTokens |> Option.map (min cap) |> Option.orElse (Some cap)
                    | None, None -> request.MaxTokens
                Tuning = tuning preset c request.Role
        }

    /// One image request under a preset and control.
    let image (preset: PresetTuning) (c: GenerationControl) (request: ImageRequest) : ImageRequest = {
        request with
            Tuning = tuning preset c ModelRole.Image
    }

    /// The text model a run used: the one most of its text steps answered with.
    let private mostUsed (models: (string * string) list) =
        models
        |> List.countBy id
        |> List.sortByDescending snd
        |> List.tryHead
        |> Option.map fst

    /// What a run records: its preset, the models that answered (the planned ones where no step reported),
    /// and its duration; the models come from the run's completed step records.
    let provenance
        (presetName: string)
        (planned: PlannedModels)
        (records: StepRecord list)
        (elapsedMs: int64)
        : Provenance =
        let answered =
            records
            |> List.choose (fun r ->
                match r.Status, r.Model, r.Provider with
                | StepStatus.Completed, Some m, Some p -> Some(r.Step, m, p)
                | _ -> None)

        let text =
            answered
            |> List.filter (fun (s, m, _) -> s <> Step.Image && m <> "assembler")
            |> List.map (fun (_, m, p) -> m, p)
            |> mostUsed

        let image =
            answered
            |> List.tryFind (fun (s, _, _) -> s = Step.Image)
            |> Option.map (fun (_, m, _) -> m)

        {
            PresetUsed = presetName
            TextModelUsed = text |> Option.map fst |> Option.orElse (Some planned.Text)
            ImageModelUsed = image |> Option.orElse (Some planned.Image)
            ModelProvider = text |> Option.map snd |> Option.orElse (Some planned.Provider)
            GenerationTimeMs = Some elapsedMs
        }
