namespace TimepointFlash

open System
open System.Globalization
open System.Text.Json.Nodes

/// The snake_case JSON shape of a timepoint that the API, CLI and FSI print.
[<RequireQualifiedAccess>]
module TimepointWire =
    let private iso (d: DateTimeOffset) =
        d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)

    let private point (t: Timepoint) (f: TemporalPoint -> 'a option) (enc: 'a -> JsonNode) =
        t.Point |> Option.bind f |> Encode.opt enc

    /// Path of the image endpoint for a timepoint.
    let imageUrl (id: Guid) = $"/api/v1/timepoints/{id}/image"

    /// The agent outputs kept under "metadata".
    let metadata (t: Timepoint) =
        Encode.obj [
            "judge", Encode.opt JudgeResult.encode t.Judge
            "timeline", Encode.opt TimelineData.encode t.Timeline
            "scene", Encode.opt SceneData.encode t.Scene
            "characters", Encode.opt CharacterData.encode t.Characters
            "moment", Encode.opt MomentData.encode t.Moment
            "dialog", Encode.opt DialogData.encode t.Dialog
            "camera", Encode.opt CameraData.encode t.Camera
            "graph", Encode.opt GraphData.encode t.Graph
            "image_prompt", Encode.opt ImagePromptData.encode t.ImagePrompt
        ]

    /// The timepoint; with full = false the scene, characters, dialog and metadata are null.
    let encode (full: bool) (t: Timepoint) =
        let whenFull node = if full then node else Encode.nil

        Encode.obj [
            "id", Encode.string (string t.Id)
            "query", Encode.string t.Query
            "slug", Encode.string t.Slug
            "status", Encode.string (TimepointStatus.name t.Status)
            "year", point t (fun p -> Some p.Year) Encode.int
            "month", point t (fun p -> p.Month) Encode.int
            "day", point t (fun p -> p.Day) Encode.int
            "hour", point t (fun p -> p.Hour) Encode.int
            "minute", point t (fun p -> p.Minute) Encode.int
            "season", point t (fun p -> p.Season) (TimelineData.seasonToString >> Encode.string)
            "time_of_day", point t (fun p -> p.TimeOfDay) (TimelineData.timeOfDayToString >> Encode.string)
            "era", point t (fun p -> p.Era) Encode.string
            "location", Encode.opt Encode.string t.Location
            "generate_image", Encode.bool t.GenerateImage
            "image_prompt", Encode.opt (fun (p: ImagePromptData) -> Encode.string p.FullPrompt) t.ImagePrompt
            "image_url",
            (if t.HasImage then
                 Encode.string (imageUrl t.Id)
             else
                 Encode.nil)
            "image_error", Encode.opt Encode.string t.ImageError
            "error", Encode.opt (GenerationError.describe >> Encode.string) t.Error
            "error_step",
            Encode.opt (fun (f: GenerationError) -> Encode.opt (Step.name >> Encode.string) f.Step) t.Error
            "suggested_query", t.Error |> Option.bind (fun f -> f.SuggestedQuery) |> Encode.opt Encode.string
            "parent_id", Encode.opt (string >> Encode.string) t.ParentId
            "created_at", Encode.string (iso t.CreatedAt)
            "updated_at", Encode.string (iso t.UpdatedAt)
            "scene", whenFull (Encode.opt SceneData.encode t.Scene)
            "characters", whenFull (Encode.opt CharacterData.encode t.Characters)
            "dialog", whenFull (Encode.opt (fun (d: DialogData) -> Encode.list DialogLine.encode d.Lines) t.Dialog)
            "metadata", whenFull (metadata t)
        ]
