namespace TimepointFlash

open System
open System.Globalization

/// The reference's canonical timepoint record (TDF): the scene as one payload, its provenance, and `tdf_hash`, the
/// SHA-256 of the payload's canonical JSON (same scene, same hash).
[<RequireQualifiedAccess>]
module Tdf =
    /// The record's format version.
    let version = "1.0.0"

    /// The payload: the scene's data under the reference's key names.
    let payload (t: Timepoint) =
        let point f = t.Point |> Option.bind f
        let s = TimepointSummary.ofTimepoint t

        Encode.obj [
            "query", Encode.string t.Query
            "slug", Encode.string t.Slug
            "year", Encode.opt Encode.int (Timepoint.year t)
            "month", Encode.opt Encode.int (point (fun p -> p.Month))
            "day", Encode.opt Encode.int (point (fun p -> p.Day))
            "season", Encode.opt (TimelineData.seasonToString >> Encode.string) (point (fun p -> p.Season))
            "time_of_day", Encode.opt (TimelineData.timeOfDayToString >> Encode.string) (point (fun p -> p.TimeOfDay))
            "era", Encode.opt Encode.string (point (fun p -> p.Era))
            "location", Encode.opt Encode.string t.Location
            "scene_data", Encode.opt SceneData.encode t.Scene
            "character_data", Encode.opt CharacterData.encode t.Characters
            "dialog", Encode.opt (fun (d: DialogData) -> Encode.list DialogLine.encode d.Lines) t.Dialog
            "moment_data", Encode.opt MomentData.encode t.Moment
            "graph_data", Encode.opt GraphData.encode t.Graph
            "camera_data", Encode.opt CameraData.encode t.Camera
            "image_prompt_data", Encode.opt ImagePromptData.encode t.ImagePrompt
            "image_prompt", Encode.opt Encode.string s.ImagePrompt
            "image_generation_warning", Encode.opt Encode.string t.ImageError
        ]

    /// The whole record with its hash.
    let record (t: Timepoint) =
        let p = payload t

        Encode.obj [
            "id", Encode.string (string t.Id)
            "version", Encode.string version
            "source", Encode.string "flash"
            "timestamp",
            Encode.string (
                t.CreatedAt
                    .ToUniversalTime()
                    .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture)
            )
            "provenance",
            Encode.obj [
                "generator", Encode.string "timepoint-flash"
                "run_id", Encode.nil
                "confidence", Encode.nil
                "flash_id", Encode.string (string t.Id)
            ]
            "payload", p
            "tdf_hash", Encode.string (CanonicalJson.hash p)
            "entity_ids", Encode.nil
        ]
