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

    /// The C# status.
    let status =
        function
        | TimepointFlash.TimepointStatus.Pending -> TimepointStatus.Pending
        | TimepointFlash.TimepointStatus.Processing -> TimepointStatus.Processing
        | TimepointFlash.TimepointStatus.Completed -> TimepointStatus.Completed
        | TimepointFlash.TimepointStatus.Failed -> TimepointStatus.Failed

    /// The F# status.
    let statusOf =
        function
        | TimepointStatus.Pending -> TimepointFlash.TimepointStatus.Pending
        | TimepointStatus.Processing -> TimepointFlash.TimepointStatus.Processing
        | TimepointStatus.Completed -> TimepointFlash.TimepointStatus.Completed
        | _ -> TimepointFlash.TimepointStatus.Failed

    /// A model of the models listing (its wire JSON).
    let model (n: System.Text.Json.Nodes.JsonNode) =
        let text (key: string) =
            match n[key] with
            | null -> ""
            | v -> v.ToString()

        ModelInfo(
            Id = text "id",
            Name = text "name",
            Provider = text "provider",
            Capabilities =
                ValueList(
                    match n["capabilities"] with
                    | :? System.Text.Json.Nodes.JsonArray as a -> a |> Seq.choose (Option.ofObj >> Option.map string)
                    | _ -> Seq.empty
                ),
            ContextLength =
                (match n["context_length"] with
                 | null -> Nullable()
                 | v -> Nullable(v.GetValue<int>())),
            IsAvailable =
                (match n["is_available"] with
                 | null -> false
                 | v -> v.GetValue<bool>())
        )

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
                    text "grounding" o.Grounding
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

    let private values (xs: 'T seq) = ValueList<'T>(xs)

    let private character (c: Character) =
        CharacterInfo(
            Name = c.Name,
            Role = CharacterRole.name c.Role,
            Description = c.Description,
            Clothing = str c.Clothing,
            Action = str c.Action,
            SpeaksInScene = c.SpeaksInScene
        )

    let private camera (c: CameraData) =
        CameraInfo(
            ShotType = ShotType.name c.ShotType,
            Angle = CameraAngle.name c.Angle,
            FocalPoint = c.FocalPoint,
            SecondaryFocus = str c.SecondaryFocus,
            DepthOfField = DepthOfField.name c.DepthOfField,
            Movement = str c.Movement,
            CompositionRule = c.CompositionRule,
            LeadingLines = values c.LeadingLines,
            Foreground = values c.ForegroundElements,
            Midground = values c.MidgroundElements,
            Background = values c.BackgroundElements,
            FramingIntent = str c.FramingIntent
        )

    let private moment (m: MomentData) =
        MomentInfo(
            Plot = m.PlotSummary,
            Stakes = m.Stakes,
            TensionArc = TensionArc.name m.TensionArc,
            Before = str m.BeforeContext,
            After = str m.AfterContext,
            Consequences = str m.Consequences,
            EmotionalBeats = values m.EmotionalBeats,
            ConflictType = str m.ConflictType,
            CentralQuestion = str m.CentralQuestion,
            HistoricalSignificance = str m.HistoricalSignificance
        )

    let private grounding (g: GroundingData) =
        GroundingInfo(
            VerifiedDate = str g.VerifiedDate,
            VerifiedLocation = str g.VerifiedLocation,
            Participants = values g.Participants,
            Facts = values g.Facts,
            Sources =
                values (
                    g.Sources
                    |> List.map (fun s -> GroundingSourceInfo(Title = s.Title, Url = s.Url))
                ),
            Confidence = g.Confidence
        )

    let private groundingStatus (s: TimepointFlash.GroundingStatus) =
        GroundingStatusInfo(
            Mode =
                (match s.Mode with
                 | TimepointFlash.GroundingMode.Auto -> GroundingMode.Auto
                 | TimepointFlash.GroundingMode.On -> GroundingMode.On
                 | TimepointFlash.GroundingMode.Off -> GroundingMode.Off),
            State =
                (match s.State with
                 | TimepointFlash.GroundingState.Grounded -> GroundingState.Grounded
                 | TimepointFlash.GroundingState.Skipped -> GroundingState.Skipped
                 | TimepointFlash.GroundingState.Failed -> GroundingState.Failed
                 | TimepointFlash.GroundingState.Off -> GroundingState.Off
                 | TimepointFlash.GroundingState.NotApplicable -> GroundingState.NotApplicable),
            Provider = str s.Provider,
            Method = str s.Method,
            Reason = str s.Reason,
            Queries = values s.Queries
        )

    let private calendarDate (d: CalendarDate) =
        CalendarDateInfo(Year = d.Year, Month = d.Month, Day = d.Day)

    let private calendars (v: CalendarsView) =
        CalendarsInfo(
            Display = v.Display,
            Gregorian = Option.toObj (v.Gregorian |> Option.map calendarDate),
            Julian = Option.toObj (v.Julian |> Option.map calendarDate),
            Jdn = Option.toNullable v.Jdn,
            Weekday = str v.Weekday,
            DualYear = str v.DualYear,
            Auc = Option.toNullable v.Auc,
            Hijri = Option.toObj (v.Hijri |> Option.map calendarDate),
            Hebrew = Option.toObj (v.Hebrew |> Option.map calendarDate),
            JapaneseEra = str (v.JapaneseEra |> Option.map fst),
            JapaneseEraYear = Option.toNullable (v.JapaneseEra |> Option.map snd)
        )

    /// The place's calendar of a local point: Julian or Gregorian (a local point is never Historical).
    let private calendarSystem (lp: LocalPoint) =
        match lp.Point.Calendar with
        | Calendar.Julian -> Nullable CalendarSystem.Julian
        | Calendar.Gregorian -> Nullable CalendarSystem.Gregorian
        | Calendar.Historical -> Nullable()

    /// Storage keeps microseconds: a timepoint fresh from a run equals the same one read back.
    let private micro (d: DateTimeOffset) =
        DateTimeOffset(d.UtcTicks - d.UtcTicks % 10L, TimeSpan.Zero)

    /// The C# timepoint: every field of the JSON as a typed property.
    let timepoint (t: TimepointFlash.Timepoint) =
        let t = {
            t with
                CreatedAt = micro t.CreatedAt
                UpdatedAt = micro t.UpdatedAt
        }

        let cast =
            t.Characters |> Option.map (fun c -> c.Characters) |> Option.defaultValue []

        let lines = t.Dialog |> Option.map (fun d -> d.Lines) |> Option.defaultValue []
        let point f = nullable (t.Point |> Option.bind f)
        let scene f = str (t.Scene |> Option.bind f)

        let local =
            t.Point |> Option.bind (PlaceCalendar.localize t.Location >> Result.toOption)

        let provenance f = str (t.Provenance |> Option.bind f)

        Timepoint(
            Id = t.Id,
            Query = t.Query,
            Slug = t.Slug,
            Status = status t.Status,
            Year = nullable (t.Point |> Option.map (fun p -> p.Year)),
            Month = point (fun p -> p.Month),
            Day = point (fun p -> p.Day),
            Hour = point (fun p -> p.Hour),
            Minute = point (fun p -> p.Minute),
            Second = point (fun p -> p.Second),
            Season =
                str (
                    t.Point
                    |> Option.bind (fun p -> p.Season)
                    |> Option.map TimelineData.seasonToString
                ),
            TimeOfDay = str (t.Point |> Option.bind (fun p -> p.TimeOfDay) |> Option.map TimeOfDay.name),
            DisplayDate = str (t.Point |> Option.map Temporal.format),
            Location = str t.Location,
            Era = str (t.Point |> Option.bind (fun p -> p.Era)),
            Setting = scene (fun s -> Some s.Setting),
            Atmosphere = scene (fun s -> Some s.Atmosphere),
            Weather = scene (fun s -> s.Weather),
            Lighting = scene (fun s -> s.Lighting),
            TensionLevel = scene (fun s -> Some(TensionLevel.name s.TensionLevel)),
            Plot = str (t.Moment |> Option.map (fun m -> m.PlotSummary)),
            Stakes = str (t.Moment |> Option.map (fun m -> m.Stakes)),
            Moment = Option.toObj (t.Moment |> Option.map moment),
            Characters = values (cast |> List.map character),
            Dialog =
                values (
                    lines
                    |> List.map (fun l -> DialogLineInfo(Speaker = l.Speaker, Text = l.Text, Tone = str l.Tone))
                ),
            Relationships =
                values (
                    t.Graph
                    |> Option.map (fun g -> g.Relationships)
                    |> Option.defaultValue []
                    |> List.map (fun r ->
                        RelationshipInfo(
                            From = r.FromCharacter,
                            To = r.ToCharacter,
                            Type = RelationshipType.name r.RelationshipType,
                            Tension = RelationshipTension.name r.TensionLevel
                        ))
                ),
            Factions =
                values (
                    t.Graph
                    |> Option.map (fun g -> g.Factions)
                    |> Option.defaultValue []
                    |> List.map (fun f -> FactionInfo(Name = f.Name, Members = values f.Members, Goal = str f.Goal))
                ),
            CentralConflict = str (t.Graph |> Option.bind (fun g -> g.CentralConflict)),
            Review =
                values (
                    t.Critique
                    |> Option.map (fun c -> c.Issues)
                    |> Option.defaultValue []
                    |> List.map (fun i ->
                        ReviewIssueInfo(
                            Severity = CritiqueData.severityName i.Severity,
                            Category = CritiqueData.categoryName i.Category,
                            Field = i.Field,
                            Quote = str i.Quote,
                            Description = i.Description
                        ))
                ),
            DialogRevised = (t.Critique |> Option.exists (fun c -> c.Revised)),
            Camera = str (t.Camera |> Option.map CameraData.describe),
            CameraDetails = Option.toObj (t.Camera |> Option.map camera),
            ImagePrompt = str (t.ImagePrompt |> Option.map (fun p -> p.FullPrompt)),
            HasImage = t.HasImage,
            ImageError = str t.ImageError,
            Error = str (t.Error |> Option.map (fun e -> e.Message)),
            ErrorKind = str (t.Error |> Option.map (fun e -> FailureKind.name e.Kind)),
            ErrorStep = str (t.Error |> Option.bind (fun e -> e.Step) |> Option.map Step.name),
            SuggestedQuery = str (t.Error |> Option.bind (fun e -> e.SuggestedQuery)),
            ParentId = nullable t.ParentId,
            Calendar = (local |> Option.map calendarSystem |> Option.defaultValue (Nullable())),
            Region = str (local |> Option.map (fun lp -> lp.Region.Id)),
            DualYear = str (local |> Option.bind LocalCalendar.dualYear),
            Calendars = Option.toObj (local |> Option.map (CalendarsView.ofLocal >> calendars)),
            Grounding = Option.toObj (Outputs.tryGet GroundingData.key t.Outputs |> Option.map grounding),
            GroundingStatus =
                Option.toObj (
                    Outputs.tryGet TimepointFlash.GroundingStatus.key t.Outputs
                    |> Option.map groundingStatus
                ),
            GenerateImage = t.GenerateImage,
            ErrorProviderKind =
                str (
                    t.Error
                    |> Option.bind (fun e -> e.ProviderKind)
                    |> Option.map ProviderErrorKind.name
                ),
            PresetUsed = str (t.Provenance |> Option.map _.PresetUsed),
            TextModelUsed = provenance _.TextModelUsed,
            ImageModelUsed = provenance _.ImageModelUsed,
            ModelProvider = provenance _.ModelProvider,
            ModelPermissiveness = str (t.Provenance |> Option.map (fun p -> ModelPolicy.permissiveness p.TextModelUsed)),
            GenerationTimeMs = nullable (t.Provenance |> Option.bind _.GenerationTimeMs),
            CreatedAt = t.CreatedAt,
            UpdatedAt = t.UpdatedAt,
            Json = Encode.toString (TimepointWire.encode true t)
        )

    /// One progress report.
    let progress
        (
            step: string,
            state: StepState,
            percent: int,
            latency: Nullable<int64>,
            model: string | null,
            provider: string | null,
            error: string | null,
            id: Nullable<Guid>
        ) =
        StepProgress(
            Step = step,
            State = state,
            Percent = percent,
            LatencyMs = latency,
            Model = model,
            Provider = provider,
            Error = error,
            TimepointId = id
        )

    /// The exception for a failed timepoint; none when it completed. A provider failure takes its kind from the
    /// stored provider kind (so a failure read back says the same), its provider and the wait it asked for
    /// (RetryAfter) from the run's failed step record, and the exception the caller's chat client threw as its cause.
    let failure (causes: RunCauses) (t: TimepointFlash.Timepoint) : exn option =
        match t.Status, t.Error with
        | TimepointFlash.TimepointStatus.Failed, Some e ->
            let step = e.Step |> Option.map Step.name |> Option.defaultValue "generation"
            let cause = causes.ThrownFor step |> Option.toObj

            match e.Kind with
            | FailureKind.Rejected -> Some(TimepointRejectedException(e.Message, str e.SuggestedQuery, t.Id) :> exn)
            | FailureKind.Provider ->
                let failed = e.Step |> Option.bind causes.FailureOf
                let provider = failed |> Option.bind (fun r -> r.Provider) |> Option.toObj

                let kind =
                    e.ProviderKind
                    |> Option.map Causes.kind
                    |> Option.defaultValue ProviderFailureKind.Unknown

                let wait = failed |> Option.bind (fun r -> r.RetryAfter) |> Option.toNullable

                Some(ProviderException(step, e.Message, t.Id, provider, kind, wait, cause) :> exn)
            | FailureKind.InvalidOutput
            | FailureKind.Storage
            | FailureKind.Cancelled
            | FailureKind.Interrupted -> Some(GenerationFailedException(step, e.Message, t.Id, cause) :> exn)
        | TimepointFlash.TimepointStatus.Failed, None ->
            Some(GenerationFailedException("generation", "unknown reason", t.Id) :> exn)
        | _ -> None

    /// The last report of a stream: the generation is over and the timepoint is saved.
    let finished (t: TimepointFlash.Timepoint) =
        progress (
            "complete",
            StepState.Done,
            100,
            Nullable(),
            null,
            null,
            str (t.Error |> Option.map (fun e -> e.Message)),
            Nullable t.Id
        )

    /// Tracks percent so it never decreases.
    type PercentTracker(expected: int) =
        let mutable finished = 0

        /// The progress report for a pipeline event.
        member _.Report(e: StepRecord) =
            let s = e.Step

            match e.Status with
            | TimepointFlash.StepStatus.Started ->
                progress (
                    Step.name s,
                    StepState.Started,
                    min 99 (finished * 100 / expected),
                    Nullable(),
                    null,
                    null,
                    null,
                    Nullable()
                )
            | TimepointFlash.StepStatus.Waiting ->
                progress (
                    Step.name s,
                    StepState.Waiting,
                    min 99 (finished * 100 / expected),
                    Nullable(),
                    Option.toObj e.Model,
                    Option.toObj e.Provider,
                    null,
                    Nullable()
                )
            | TimepointFlash.StepStatus.Completed ->
                finished <- finished + 1

                progress (
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

                progress (
                    Step.name s,
                    StepState.Failed,
                    min 99 (finished * 100 / expected),
                    Nullable(),
                    null,
                    null,
                    e.Error |> Option.map (fun f -> f.Message) |> Option.toObj,
                    Nullable()
                )
