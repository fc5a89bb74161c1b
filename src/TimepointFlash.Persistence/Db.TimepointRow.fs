namespace TimepointFlash.Persistence

open System
open FsToolkit.ErrorHandling
open TimepointFlash

/// The timepoints row: its column list, parameters from a Timepoint and the row mapper back.
[<RequireQualifiedAccess>]
module TimepointRow =
    /// The condition every read of timepoints adds (alias t): the row is not soft-deleted (migration 0012).
    let visible = "t.deleted_at IS NULL"

    /// The plain columns a summary needs (no agent output JSON), the image flag derived from timepoint_images.
    let summaryColumns =
        """
        t.id, t.query, t.slug, t.status, t.generate_image,
        t.year, t.month, t.day, t.hour, t.minute, t.second,
        t.season, t.time_of_day, t.era, t.hemisphere, t.calendar, t.location,
        t.image_prompt, t.image_error, t.error_kind, t.error_provider_kind, t.error_message, t.error_step, t.suggested_query,
        t.parent_id, t.created_at, t.updated_at,
        t.preset_used, t.text_model_used, t.image_model_used, t.model_provider, t.generation_time_ms,
        EXISTS (SELECT 1 FROM timepoint_images i WHERE i.timepoint_id = t.id) AS has_image
        """

    /// Every column a SELECT of a full timepoint returns.
    let columns = summaryColumns + ", t.outputs_json, t.control_json"

    /// Database text of a calendar convention.
    let calendarName =
        function
        | Calendar.Historical -> "historical"
        | Calendar.Julian -> "julian"
        | Calendar.Gregorian -> "gregorian"

    /// Reads a calendar convention.
    let parseCalendar =
        function
        | "julian" -> Some Calendar.Julian
        | "gregorian" -> Some Calendar.Gregorian
        | "historical" -> Some Calendar.Historical
        | _ -> None

    /// Database text of a hemisphere.
    let hemisphereName =
        function
        | Hemisphere.Northern -> "northern"
        | Hemisphere.Southern -> "southern"

    /// Reads a hemisphere.
    let parseHemisphere =
        function
        | "northern" -> Some Hemisphere.Northern
        | "southern" -> Some Hemisphere.Southern
        | _ -> None

    /// Named parameters for every stored column of a timepoint (has_image is derived, not stored).
    let parameters (t: Timepoint) : (string * SqlValue) list =
        let point f = t.Point |> Option.bind f

        [
            "id", Sql.uuid t.Id
            "query", Sql.text t.Query
            "slug", Sql.text t.Slug
            "status", Sql.text (TimepointStatus.name t.Status)
            "generate_image", Sql.bool t.GenerateImage
            "year", Sql.intOrNone (point (fun p -> Some p.Year))
            "month", Sql.intOrNone (point (fun p -> p.Month))
            "day", Sql.intOrNone (point (fun p -> p.Day))
            "hour", Sql.intOrNone (point (fun p -> p.Hour))
            "minute", Sql.intOrNone (point (fun p -> p.Minute))
            "second", Sql.intOrNone (point (fun p -> p.Second))
            "season", Sql.textOrNone (point (fun p -> p.Season |> Option.map TimelineData.seasonToString))
            "time_of_day", Sql.textOrNone (point (fun p -> p.TimeOfDay |> Option.map TimelineData.timeOfDayToString))
            "era", Sql.textOrNone (point (fun p -> p.Era))
            "hemisphere", Sql.textOrNone (point (fun p -> p.Hemisphere |> Option.map hemisphereName))
            "calendar", Sql.textOrNone (point (fun p -> Some(calendarName p.Calendar)))
            "location", Sql.textOrNone t.Location
            "search_text", Sql.text (SearchText.ofTimepoint t.Query t.Location)
            "outputs_json", Sql.json (Encode.toString (Outputs.encode t.Outputs))
            "image_prompt", Sql.textOrNone (t.ImagePrompt |> Option.map (fun p -> p.FullPrompt))
            "image_error", Sql.textOrNone t.ImageError
            "error_kind", Sql.textOrNone (t.Error |> Option.map (fun e -> FailureKind.name e.Kind))
            "error_provider_kind",
            Sql.textOrNone (
                t.Error
                |> Option.bind (fun e -> e.ProviderKind)
                |> Option.map ProviderErrorKind.name
            )
            "error_message", Sql.textOrNone (t.Error |> Option.map (fun e -> e.Message))
            "error_step", Sql.textOrNone (t.Error |> Option.bind (fun e -> e.Step) |> Option.map Step.name)
            "suggested_query", Sql.textOrNone (t.Error |> Option.bind (fun e -> e.SuggestedQuery))
            "parent_id", Sql.uuidOrNone t.ParentId
            "control_json", Sql.json (Encode.toString (GenerationControl.encode t.Control))
            "preset_used", Sql.textOrNone (t.Provenance |> Option.map _.PresetUsed)
            "text_model_used", Sql.textOrNone (t.Provenance |> Option.bind _.TextModelUsed)
            "image_model_used", Sql.textOrNone (t.Provenance |> Option.bind _.ImageModelUsed)
            "model_provider", Sql.textOrNone (t.Provenance |> Option.bind _.ModelProvider)
            "generation_time_ms",
            (match t.Provenance |> Option.bind _.GenerationTimeMs with
             | Some ms -> Sql.int64 ms
             | None -> SqlValue.Null)
            "created_at", Sql.timestamp t.CreatedAt
            "updated_at", Sql.timestamp t.UpdatedAt
        ]

    /// The step outputs of a row: one JSON object keyed by output name, decoded with the step table's codecs.
    let private outputs (row: Row) : Result<Outputs, DbError> =
        match row.textOrNone "outputs_json" with
        | None -> Ok Outputs.empty
        | Some text ->
            let decoded =
                try
                    Ok(Text.Json.Nodes.JsonNode.Parse text)
                with :? Text.Json.JsonException as e ->
                    Error [
                        {
                            Path = ""
                            Message = $"not valid JSON ({e.Message})"
                        }
                    ]
                |> Result.bind (Outputs.decode Steps.outputs)

            match decoded with
            | Ok o -> Ok o
            | Error errors ->
                let id = row.text "id"
                Error(DbError.Corrupt $"timepoints.outputs_json of {id}: {DecodeError.describeAll errors}")

    /// One JSON column decoded on its own (null is None); undecodable JSON is a Corrupt error.
    let private decodeColumn (row: Row) (column: string) (decoder: Decoder<'T>) : Result<'T option, DbError> =
        match row.textOrNone column with
        | None -> Ok None
        | Some text ->
            match Decode.fromString decoder text with
            | Ok v -> Ok(Some v)
            | Error errors ->
                let id = row.text "id"
                Error(DbError.Corrupt $"timepoints.{column} of {id}: {DecodeError.describeAll errors}")

    let private point (row: Row) : Result<TemporalPoint option, DbError> =
        match row.intOrNone "year" with
        | None -> Ok None
        | Some year ->
            let calendarText = row.textOrNone "calendar" |> Option.defaultValue "historical"

            match parseCalendar calendarText with
            | None -> Error(DbError.Corrupt $"timepoints.calendar '{calendarText}' is unknown")
            | Some calendar ->
                Ok(
                    Some {
                        Year = year
                        Month = row.intOrNone "month"
                        Day = row.intOrNone "day"
                        Hour = row.intOrNone "hour"
                        Minute = row.intOrNone "minute"
                        Second = row.intOrNone "second"
                        Season = row.textOrNone "season" |> Option.bind TimelineData.parseSeason
                        TimeOfDay = row.textOrNone "time_of_day" |> Option.bind TimelineData.parseTimeOfDay
                        Era = row.textOrNone "era"
                        Hemisphere = row.textOrNone "hemisphere" |> Option.bind parseHemisphere
                        Calendar = calendar
                    }
                )

    /// Maps a row selected with `summaryColumns` (or `columns`) to a summary; nothing is decoded from JSON.
    let readSummary (row: Row) : Result<TimepointSummary, DbError> =
        let statusText = row.text "status"

        let error =
            row.textOrNone "error_message"
            |> Option.map (fun message -> {
                Kind =
                    row.textOrNone "error_kind"
                    |> Option.bind FailureKind.tryParse
                    |> Option.defaultValue FailureKind.Interrupted
                ProviderKind = row.textOrNone "error_provider_kind" |> Option.bind ProviderErrorKind.tryParse
                Step = row.textOrNone "error_step" |> Option.bind Steps.tryParse
                Message = message
                SuggestedQuery = row.textOrNone "suggested_query"
            })

        result {
            let! status =
                TimepointStatus.tryParse statusText
                |> Result.requireSome (DbError.Corrupt $"timepoints.status '{statusText}' is unknown")

            let! point = point row

            return {
                Id = row.uuid "id"
                Query = row.text "query"
                Slug = row.text "slug"
                Status = status
                GenerateImage = row.bool "generate_image"
                Point = point
                Location = row.textOrNone "location"
                ImagePrompt = row.textOrNone "image_prompt"
                HasImage = row.bool "has_image"
                ImageError = row.textOrNone "image_error"
                Error = error
                ParentId = row.uuidOrNone "parent_id"
                Provenance =
                    row.textOrNone "preset_used"
                    |> Option.map (fun preset -> {
                        PresetUsed = preset
                        TextModelUsed = row.textOrNone "text_model_used"
                        ImageModelUsed = row.textOrNone "image_model_used"
                        ModelProvider = row.textOrNone "model_provider"
                        GenerationTimeMs = row.int64OrNone "generation_time_ms"
                    })
                CreatedAt = row.timestamp "created_at"
                UpdatedAt = row.timestamp "updated_at"
            }
        }

    /// Maps a row selected with `columns` back to a Timepoint; undecodable JSON is a Corrupt error.
    let read (row: Row) : Result<Timepoint, DbError> = result {
        let! s = readSummary row
        let! outputs = outputs row
        let! control = decodeColumn row "control_json" GenerationControl.storedDecoder

        return {
            Id = s.Id
            Query = s.Query
            Slug = s.Slug
            Status = s.Status
            GenerateImage = s.GenerateImage
            Point = s.Point
            Location = s.Location
            Outputs = outputs
            HasImage = s.HasImage
            ImageError = s.ImageError
            Error = s.Error
            ParentId = s.ParentId
            Control = control |> Option.defaultValue GenerationControl.none
            Provenance = s.Provenance
            CreatedAt = s.CreatedAt
            UpdatedAt = s.UpdatedAt
        }
    }
