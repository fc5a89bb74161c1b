namespace TimepointFlash

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

    /// The aspect ratios as a closed vocabulary; an unknown ratio is an error (the model is asked again).
    let aspectRatioVocabulary =
        Vocabulary.create (aspectRatios |> List.map (fun r -> r, r)) [] None

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

    /// The image prompt's one definition (prompt ≤ 15,000 characters, known aspect ratio).
    let codec: Codec<ImagePromptData> =
        Codec.record
            (fun prompt style medium ratio notes angle focal placements lighting colors tags accuracy negative -> {
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
            })
        |> Codec.required
            "full_prompt"
            (fun p -> p.FullPrompt)
            (Codec.prose
             |> Codec.check (fun s ->
                 if s.Length > maxLength then
                     Some $"must be at most {maxLength} characters, got {s.Length}"
                 else
                     None))
        |> Codec.fallback "style" (fun p -> p.Style) "photorealistic historical painting" Codec.label
        |> Codec.optional "medium" (fun p -> p.Medium) Codec.label
        |> Codec.fallback "aspect_ratio" (fun p -> p.AspectRatio) "16:9" (Vocabulary.codec aspectRatioVocabulary)
        |> Codec.optional "composition_notes" (fun p -> p.CompositionNotes) Codec.prose
        |> Codec.optional "camera_angle" (fun p -> p.CameraAngle) Codec.label
        |> Codec.optional "focal_length" (fun p -> p.FocalLength) Codec.label
        |> Codec.defaulted "character_placements" (fun p -> p.CharacterPlacements) [] (Codec.list (Some 8) Codec.prose)
        |> Codec.optional "lighting_direction" (fun p -> p.LightingDirection) Codec.label
        |> Codec.optional "color_guidance" (fun p -> p.ColorGuidance) Codec.prose
        |> Codec.defaulted "quality_tags" (fun p -> p.QualityTags) defaultTags (Codec.list (Some 8) Codec.label)
        |> Codec.optional "historical_accuracy" (fun p -> p.HistoricalAccuracy) Codec.hindsight
        |> Codec.optional "negative_prompt" (fun p -> p.NegativePrompt) Codec.guidance
        |> Codec.seal

    /// Reads and validates an image-prompt answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.image_prompt).
    let key = OutputKey.ofCodec "image_prompt" codec
