namespace TimepointFlash

open FsToolkit.ErrorHandling

/// The prompt for the scene's image.
type ImagePromptData = {
    FullPrompt: string
    Style: string
    Medium: string option
    AspectRatio: string
    CompositionNotes: string option
    CameraAngle: string option
    FocalLength: string option
    CharacterPlacements: string list
    LightingDirection: string option
    ColorGuidance: string option
    QualityTags: string list
    HistoricalAccuracy: string option
    NegativePrompt: string option
}

/// A generated image.
type ImageGenResult = {
    Bytes: byte[]
    MimeType: string
    PromptUsed: string
    Model: string
    Provider: string
}

[<RequireQualifiedAccess>]
module ImagePromptData =
    /// Hard limit on the prompt length.
    let maxLength = 15000

    /// Length the prompt aims to stay within.
    let targetLength = 11000

    /// Aspect ratios image providers accept.
    let aspectRatios = [ "16:9"; "4:3"; "1:1"; "3:4"; "9:16" ]

    let private allowedRatios = String.concat ", " aspectRatios

    /// Default quality tags.
    let defaultTags = [ "highly detailed"; "8k"; "masterpiece" ]

    /// True when the prompt is within the target length.
    let isWithinTarget (p: ImagePromptData) = p.FullPrompt.Length <= targetLength

    /// The prompt followed by its quality tags.
    let enhanced (p: ImagePromptData) =
        if List.isEmpty p.QualityTags then
            p.FullPrompt
        else
            p.FullPrompt + ", " + String.concat ", " p.QualityTags

    /// Reads and validates an image-prompt answer (prompt ≤ 15,000 characters, known aspect ratio).
    let decoder: Decoder<ImagePromptData> =
        fun path el -> validation {
            let! prompt =
                Decode.field
                    "full_prompt"
                    (Decode.nonBlank
                     |> Decode.check (fun s ->
                         if s.Length > maxLength then
                             Some $"must be at most {maxLength} characters, got {s.Length}"
                         else
                             None))
                    path
                    el

            and! style = Decode.textOr "style" "photorealistic historical painting" path el
            and! medium = Decode.text "medium" path el

            and! ratio =
                Decode.withDefault
                    "aspect_ratio"
                    "16:9"
                    (Decode.string
                     |> Decode.map (fun s -> s.Trim())
                     |> Decode.check (fun s ->
                         if List.contains s aspectRatios then
                             None
                         else
                             Some $"must be one of {allowedRatios}, got \"{s}\""))
                    path
                    el

            and! notes = Decode.text "composition_notes" path el
            and! angle = Decode.text "camera_angle" path el
            and! focal = Decode.text "focal_length" path el
            and! placements = Decode.listOrEmpty "character_placements" Decode.nonBlank path el
            and! lighting = Decode.text "lighting_direction" path el
            and! colors = Decode.text "color_guidance" path el
            and! tags = Decode.withDefault "quality_tags" defaultTags (Decode.list Decode.nonBlank) path el
            and! accuracy = Decode.text "historical_accuracy" path el
            and! negative = Decode.text "negative_prompt" path el

            return {
                FullPrompt = prompt
                Style = style
                Medium = medium
                AspectRatio = ratio
                CompositionNotes = notes
                CameraAngle = angle
                FocalLength = focal
                CharacterPlacements = placements
                LightingDirection = lighting
                ColorGuidance = colors
                QualityTags = tags
                HistoricalAccuracy = accuracy
                NegativePrompt = negative
            }
        }

    /// Wire form.
    let encode (p: ImagePromptData) =
        Encode.obj [
            "full_prompt", Encode.string p.FullPrompt
            "style", Encode.string p.Style
            "medium", Encode.opt Encode.string p.Medium
            "aspect_ratio", Encode.string p.AspectRatio
            "composition_notes", Encode.opt Encode.string p.CompositionNotes
            "camera_angle", Encode.opt Encode.string p.CameraAngle
            "focal_length", Encode.opt Encode.string p.FocalLength
            "character_placements", Encode.list Encode.string p.CharacterPlacements
            "lighting_direction", Encode.opt Encode.string p.LightingDirection
            "color_guidance", Encode.opt Encode.string p.ColorGuidance
            "quality_tags", Encode.list Encode.string p.QualityTags
            "historical_accuracy", Encode.opt Encode.string p.HistoricalAccuracy
            "negative_prompt", Encode.opt Encode.string p.NegativePrompt
        ]

    /// Where the output is kept (metadata.image_prompt).
    let key = OutputKey.create "image_prompt" encode decoder
