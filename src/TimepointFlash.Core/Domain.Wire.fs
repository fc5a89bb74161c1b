namespace TimepointFlash

open System
open System.Globalization
open System.Text.Json.Nodes

/// The snake_case JSON shape of a timepoint that the API, CLI and FSI print.
[<RequireQualifiedAccess>]
module TimepointWire =
    let private iso (d: DateTimeOffset) =
        d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)

    let private point (s: TimepointSummary) (f: TemporalPoint -> 'a option) (enc: 'a -> JsonNode) =
        s.Point |> Option.bind f |> Encode.opt enc

    /// Path of the image endpoint for a timepoint.
    let imageUrl (id: Guid) = $"/api/v1/timepoints/{id}/image"

    /// The agent outputs kept under "metadata": one member per output of the step table (null until it lands).
    let metadata (t: Timepoint) =
        Encode.obj [
            yield!
                Steps.outputs
                |> List.map (fun o -> o.Name, Outputs.tryJson o.Name t.Outputs |> Option.defaultValue Encode.nil)
            // The reference's name for the same object.
            "image_prompt_data", Encode.opt ImagePromptData.encode t.ImagePrompt
            "anachronisms", Encode.list Finding.encode (Anachronisms.scanScene t)
        ]

    /// The reference's fields that have one value here: no inline image unless asked for (`include_image`), never
    /// a deleted row (soft-deleted rows are not served), every scene public, no blob folder, no request echo.
    let private referenceFields () = [
        "image_base64", Encode.nil
        "is_deleted", Encode.bool false
        "sequence_id", Encode.nil
        "render_type", Encode.string "image"
        "generation_version", Encode.int 1
        "tags", Encode.nil
        "visibility", Encode.string "public"
        "share_url", Encode.nil
        "blob_folder_name", Encode.nil
        "blob_path", Encode.nil
        "blob_written_at", Encode.nil
        "request_context", Encode.nil
    ]

    /// The fields a summary and a full timepoint share, in wire order; the image prompt is the full form's only
    /// (as in the reference, where a summary's image_prompt is null).
    let private summaryFields (full: bool) (s: TimepointSummary) = [
        "id", Encode.string (string s.Id)
        "query", Encode.string s.Query
        "slug", Encode.string s.Slug
        "status", Encode.string (TimepointStatus.name s.Status)
        "year", point s (fun p -> Some p.Year) Encode.int
        "month", point s (fun p -> p.Month) Encode.int
        "day", point s (fun p -> p.Day) Encode.int
        "hour", point s (fun p -> p.Hour) Encode.int
        "minute", point s (fun p -> p.Minute) Encode.int
        "season", point s (fun p -> p.Season) (TimelineData.seasonToString >> Encode.string)
        "time_of_day", point s (fun p -> p.TimeOfDay) (TimelineData.timeOfDayToString >> Encode.string)
        "era", point s (fun p -> p.Era) Encode.string
        "location", Encode.opt Encode.string s.Location
        yield! PlaceCalendar.wireFields s.Location s.Point
        "generate_image", Encode.bool s.GenerateImage
        "image_prompt",
        (if full then
             Encode.opt Encode.string s.ImagePrompt
         else
             Encode.nil)
        "image_url",
        (if s.HasImage then
             Encode.string (imageUrl s.Id)
         else
             Encode.nil)
        "has_image", Encode.bool s.HasImage
        "image_error", Encode.opt Encode.string s.ImageError
        "error", Encode.opt (GenerationError.describe >> Encode.string) s.Error
        "error_kind", Encode.opt (fun (f: GenerationError) -> Encode.string (FailureKind.name f.Kind)) s.Error
        "error_provider_kind",
        s.Error
        |> Option.bind (fun f -> f.ProviderKind)
        |> Encode.opt (ProviderErrorKind.name >> Encode.string)
        "error_step", Encode.opt (fun (f: GenerationError) -> Encode.opt (Step.name >> Encode.string) f.Step) s.Error
        "suggested_query", s.Error |> Option.bind (fun f -> f.SuggestedQuery) |> Encode.opt Encode.string
        "parent_id", Encode.opt (string >> Encode.string) s.ParentId
        yield! Provenance.fields s.Provenance
        "created_at", Encode.string (iso s.CreatedAt)
        "updated_at", Encode.string (iso s.UpdatedAt)
        yield! referenceFields ()
    ]

    /// A summary (the reference's `full=false` shape): every key present, the image prompt, scene, characters,
    /// dialog, moment, grounding and metadata null.
    let encodeSummary (s: TimepointSummary) =
        Encode.obj (
            summaryFields false s
            @ [
                "scene", Encode.nil
                "characters", Encode.nil
                "dialog", Encode.nil
                "moment", Encode.nil
                "grounding", Encode.nil
                "grounding_status", Encode.nil
                "calendars", Encode.nil
                "metadata", Encode.nil
            ]
        )

    /// The timepoint; with full = false the same as its summary.
    let encode (full: bool) (t: Timepoint) =
        if full then
            Encode.obj (
                summaryFields true (TimepointSummary.ofTimepoint t)
                @ [
                    "scene", Encode.opt SceneData.encode t.Scene
                    "characters", Encode.opt CharacterData.encode t.Characters
                    "dialog", Encode.opt (fun (d: DialogData) -> Encode.list DialogLine.encode d.Lines) t.Dialog
                    // Also under metadata; top level is where the reference's clients read it.
                    "moment", Encode.opt MomentData.encode t.Moment
                    // Also under metadata; what a search (or the offline engine's curated data) verified.
                    "grounding", Encode.opt GroundingData.encode (Outputs.tryGet GroundingData.key t.Outputs)
                    // Also under metadata; how grounding went (mode, state, provider, method, reason, queries).
                    "grounding_status", Encode.opt GroundingStatus.encode (Outputs.tryGet GroundingStatus.key t.Outputs)
                    "calendars", PlaceCalendar.wireCalendars t.Location t.Point
                    "metadata", metadata t
                ]
            )
        else
            encodeSummary (TimepointSummary.ofTimepoint t)
