namespace TimepointFlash.Interop

open System
open System.Collections.Generic
open TimepointFlash
open TimepointFlash.Interop

/// Domain values to the facade's C# classes.
module internal Convert =
    let private str (o: string option) = Option.toObj o

    let private nullable (o: 'T option) =
        match o with
        | Some v -> Nullable v
        | None -> Nullable()

    let private readOnly (xs: 'T seq) : IReadOnlyList<'T> = ResizeArray xs :> IReadOnlyList<'T>

    /// The C# status.
    let status =
        function
        | TimepointFlash.TimepointStatus.Pending -> TimepointStatus.Pending
        | TimepointFlash.TimepointStatus.Processing -> TimepointStatus.Processing
        | TimepointFlash.TimepointStatus.Completed -> TimepointStatus.Completed
        | TimepointFlash.TimepointStatus.Failed -> TimepointStatus.Failed

    /// The F# time unit.
    let unit =
        function
        | TravelUnit.Second -> TimeUnit.Second
        | TravelUnit.Minute -> TimeUnit.Minute
        | TravelUnit.Hour -> TimeUnit.Hour
        | TravelUnit.Week -> TimeUnit.Week
        | TravelUnit.Month -> TimeUnit.Month
        | TravelUnit.Year -> TimeUnit.Year
        | _ -> TimeUnit.Day

    /// The generation control of per-call options, checked as the API checks a request body (an invalid
    /// value is an ArgumentException naming the option).
    let control (presets: string list) (o: GenerateOptions) : GenerationControl =
        let text (name: string) (value: string | null) =
            match value with
            | null -> None
            | v -> Some(name, Encode.string v)

        let node =
            Encode.obj (
                [
                    text "preset" o.Preset
                    text "text_model" o.TextModel
                    text "image_model" o.ImageModel
                    (if o.Temperature.HasValue then
                         Some("llm_params", Encode.obj [ "temperature", Encode.float o.Temperature.Value ])
                     else
                         None)
                ]
                |> List.choose id
            )

        match Decode.fromNode (GenerationControl.decoder presets) node with
        | Ok c -> c
        | Error errors -> raise (ArgumentException(DecodeError.describeAll errors, "options"))

    /// The C# timepoint.
    let timepoint (t: TimepointFlash.Timepoint) =
        let cast =
            t.Characters |> Option.map (fun c -> c.Characters) |> Option.defaultValue []

        let lines = t.Dialog |> Option.map (fun d -> d.Lines) |> Option.defaultValue []

        let rels =
            t.Graph |> Option.map (fun g -> g.Relationships) |> Option.defaultValue []

        Timepoint(
            t.Id,
            t.Query,
            t.Slug,
            status t.Status,
            nullable (t.Point |> Option.map (fun p -> p.Year)),
            nullable (t.Point |> Option.bind (fun p -> p.Month)),
            nullable (t.Point |> Option.bind (fun p -> p.Day)),
            str (t.Point |> Option.map Temporal.format),
            str t.Location,
            str (t.Point |> Option.bind (fun p -> p.Era)),
            str (t.Scene |> Option.map (fun s -> s.Setting)),
            str (t.Scene |> Option.map (fun s -> s.Atmosphere)),
            str (t.Moment |> Option.map (fun m -> m.PlotSummary)),
            readOnly (
                cast
                |> List.map (fun c ->
                    CharacterInfo(
                        c.Name,
                        CharacterRole.name c.Role,
                        c.Description,
                        str c.Clothing,
                        str c.Action,
                        c.SpeaksInScene
                    ))
            ),
            readOnly (lines |> List.map (fun l -> DialogLineInfo(l.Speaker, l.Text, str l.Tone))),
            readOnly (
                rels
                |> List.map (fun r ->
                    RelationshipInfo(r.FromCharacter, r.ToCharacter, r.RelationshipType, r.TensionLevel))
            ),
            readOnly (
                t.Critique
                |> Option.map (fun c -> c.Issues)
                |> Option.defaultValue []
                |> List.map (fun i ->
                    ReviewIssueInfo(
                        CritiqueData.severityName i.Severity,
                        CritiqueData.categoryName i.Category,
                        i.Field,
                        str i.Quote,
                        i.Description
                    ))
            ),
            t.Critique |> Option.exists (fun c -> c.Revised),
            str (t.Camera |> Option.map CameraData.describe),
            str (t.ImagePrompt |> Option.map (fun p -> p.FullPrompt)),
            t.HasImage,
            str t.ImageError,
            str (t.Error |> Option.map (fun e -> e.Message)),
            str (t.Error |> Option.bind (fun e -> e.SuggestedQuery)),
            nullable t.ParentId,
            t.CreatedAt,
            Encode.toString (TimepointWire.encode true t)
        )

    /// The exception for a failed timepoint; none when it completed.
    let failure (t: TimepointFlash.Timepoint) : exn option =
        match t.Status, t.Error with
        | TimepointFlash.TimepointStatus.Failed, Some e ->
            let step = e.Step |> Option.map Step.name |> Option.defaultValue "generation"

            match e.Kind with
            | FailureKind.Rejected -> Some(TimepointRejectedException(e.Message, str e.SuggestedQuery, t.Id) :> exn)
            | FailureKind.Provider -> Some(ProviderException(step, e.Message, t.Id) :> exn)
            | FailureKind.InvalidOutput
            | FailureKind.Storage
            | FailureKind.Cancelled
            | FailureKind.Interrupted -> Some(GenerationFailedException(step, e.Message, t.Id) :> exn)
        | TimepointFlash.TimepointStatus.Failed, None ->
            Some(GenerationFailedException("generation", "unknown reason", t.Id) :> exn)
        | _ -> None

    /// The last report of a stream: the generation is over and the timepoint is saved.
    let finished (t: TimepointFlash.Timepoint) =
        StepProgress(
            "complete",
            StepState.Done,
            100,
            Nullable(),
            null,
            null,
            str (t.Error |> Option.map (fun e -> e.Message)),
            Nullable t.Id
        )

    /// The timepoint marked failed because its generation stopped early (cancelled, or the caller's chat
    /// client threw).
    let stopped (now: DateTimeOffset) (failure: GenerationFailure) (t: TimepointFlash.Timepoint) = {
        t with
            Status = TimepointFlash.TimepointStatus.Failed
            Error = Some(GenerationFailure.toError failure)
            UpdatedAt = now
    }

    /// Tracks percent so it never decreases.
    type PercentTracker(expected: int) =
        let mutable finished = 0

        /// The progress report for a pipeline event.
        member _.Report(e: StepRecord) =
            let s = e.Step

            match e.Status with
            | TimepointFlash.StepStatus.Started ->
                StepProgress(
                    Step.name s,
                    StepState.Started,
                    min 99 (finished * 100 / expected),
                    Nullable(),
                    null,
                    null,
                    null,
                    Nullable()
                )
            | TimepointFlash.StepStatus.Completed ->
                finished <- finished + 1

                StepProgress(
                    Step.name s,
                    StepState.Completed,
                    min 99 (finished * 100 / expected),
                    Nullable(e.LatencyMs |> Option.defaultValue 0L),
                    Option.toObj e.Model,
                    Option.toObj e.Provider,
                    null,
                    Nullable()
                )
            | TimepointFlash.StepStatus.Failed ->
                finished <- finished + 1

                StepProgress(
                    Step.name s,
                    StepState.Failed,
                    min 99 (finished * 100 / expected),
                    Nullable(),
                    null,
                    null,
                    e.Error |> Option.map (fun f -> f.Message) |> Option.toObj,
                    Nullable()
                )
