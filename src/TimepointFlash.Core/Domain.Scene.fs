namespace TimepointFlash

/// The sense an impression reaches.
[<RequireQualifiedAccess>]
type Sense =
    | Sight
    | Sound
    | Smell
    | Touch
    | Taste

/// How strongly an impression is felt.
[<RequireQualifiedAccess>]
type Intensity =
    | Subtle
    | Moderate
    | Strong

/// How tense the scene is.
[<RequireQualifiedAccess>]
type TensionLevel =
    | Low
    | Medium
    | High
    | Climactic

/// One sensory impression of the scene.
type SensoryDetail = {
    Sense: Sense
    Description: string
    Intensity: Intensity
}

/// The scene agent's physical environment.
type SceneData = {
    Setting: string
    Atmosphere: string
    Weather: string option
    Lighting: string option
    Temperature: string option
    Architecture: string option
    Objects: string list
    Furniture: string list
    SensoryDetails: SensoryDetail list
    CrowdDescription: string option
    SocialDynamics: string option
    TensionLevel: TensionLevel
    Mood: string option
    FocalPoint: string option
    ColorPalette: string list
}

[<RequireQualifiedAccess>]
module Sense =
    /// The five senses; a sense outside them (a model's "balance") reads as sight, the sense a scene shows.
    let vocabulary =
        Vocabulary.create
            [
                Sense.Sight, "sight"
                Sense.Sound, "sound"
                Sense.Smell, "smell"
                Sense.Touch, "touch"
                Sense.Taste, "taste"
            ]
            [
                "vision", Sense.Sight
                "visual", Sense.Sight
                "hearing", Sense.Sound
                "auditory", Sense.Sound
                "scent", Sense.Smell
                "odor", Sense.Smell
                "odour", Sense.Smell
                "olfactory", Sense.Smell
                "feel", Sense.Touch
                "tactile", Sense.Touch
                "flavor", Sense.Taste
                "flavour", Sense.Taste
                "gustatory", Sense.Taste
            ]
            (Some Sense.Sight)

    /// Stored name.
    let name = Vocabulary.name vocabulary

[<RequireQualifiedAccess>]
module Intensity =
    /// Subtle, moderate or strong; anything else reads as moderate.
    let vocabulary =
        Vocabulary.create
            [
                Intensity.Subtle, "subtle"
                Intensity.Moderate, "moderate"
                Intensity.Strong, "strong"
            ]
            [
                "faint", Intensity.Subtle
                "mild", Intensity.Subtle
                "low", Intensity.Subtle
                "medium", Intensity.Moderate
                "intense", Intensity.Strong
                "high", Intensity.Strong
                "overpowering", Intensity.Strong
            ]
            (Some Intensity.Moderate)

    /// Stored name.
    let name = Vocabulary.name vocabulary

[<RequireQualifiedAccess>]
module TensionLevel =
    /// Low, medium, high or climactic; anything else reads as medium.
    let vocabulary =
        Vocabulary.create
            [
                TensionLevel.Low, "low"
                TensionLevel.Medium, "medium"
                TensionLevel.High, "high"
                TensionLevel.Climactic, "climactic"
            ]
            [
                "calm", TensionLevel.Low
                "moderate", TensionLevel.Medium
                "tense", TensionLevel.High
                "climax", TensionLevel.Climactic
                "peak", TensionLevel.Climactic
            ]
            (Some TensionLevel.Medium)

    /// Stored name.
    let name = Vocabulary.name vocabulary

    /// Reads a word leniently (see Vocabulary.tryParse); anything else is medium.
    let parse (s: string) =
        Vocabulary.tryParse vocabulary s |> Option.defaultValue TensionLevel.Medium

[<RequireQualifiedAccess>]
module SensoryDetail =
    /// The codec of one sensory detail.
    let codec: Codec<SensoryDetail> =
        Codec.record (fun sense description intensity -> {
            Sense = sense
            Description = description
            Intensity = intensity
        })
        |> Codec.required "sense" (fun s -> s.Sense) (Vocabulary.codec Sense.vocabulary)
        |> Codec.required "description" (fun s -> s.Description) Codec.prose
        |> Codec.defaulted "intensity" (fun s -> s.Intensity) Intensity.Moderate (Vocabulary.codec Intensity.vocabulary)
        |> Codec.seal

[<RequireQualifiedAccess>]
module SceneData =
    /// Details for one sense, case-insensitively.
    let bySense (sense: string) (s: SceneData) =
        s.SensoryDetails
        |> List.filter (fun d -> Some d.Sense = Vocabulary.tryParse Sense.vocabulary sense)

    /// One paragraph: setting, atmosphere, then weather, lighting and architecture when known.
    let describe (s: SceneData) =
        [
            Some s.Setting
            Some s.Atmosphere
            s.Weather |> Option.map (sprintf "Weather: %s")
            s.Lighting |> Option.map (sprintf "Lighting: %s")
            s.Architecture |> Option.map (sprintf "Architecture: %s")
        ]
        |> List.choose id
        |> String.concat ". "

    let private strings max = Codec.list (Some max) Codec.prose

    /// The scene's one definition: schema, lenient decoder, stored form.
    let codec: Codec<SceneData> =
        Codec.record
            (fun
                setting
                atmosphere
                weather
                lighting
                temperature
                architecture
                objects
                furniture
                sensory
                crowd
                social
                tension
                mood
                focal
                colors -> {
                Setting = setting
                Atmosphere = atmosphere
                Weather = weather
                Lighting = lighting
                Temperature = temperature
                Architecture = architecture
                Objects = objects
                Furniture = furniture
                SensoryDetails = sensory
                CrowdDescription = crowd
                SocialDynamics = social
                TensionLevel = tension
                Mood = mood
                FocalPoint = focal
                ColorPalette = colors
            })
        |> Codec.required "setting" (fun s -> s.Setting) Codec.prose
        |> Codec.required "atmosphere" (fun s -> s.Atmosphere) Codec.prose
        |> Codec.optional "weather" (fun s -> s.Weather) Codec.prose
        |> Codec.optional "lighting" (fun s -> s.Lighting) Codec.prose
        |> Codec.optional "temperature" (fun s -> s.Temperature) Codec.prose
        |> Codec.optional "architecture" (fun s -> s.Architecture) Codec.prose
        |> Codec.defaulted "objects" (fun s -> s.Objects) [] (strings 12)
        |> Codec.defaulted "furniture" (fun s -> s.Furniture) [] (strings 8)
        |> Codec.fallback "sensory_details" (fun s -> s.SensoryDetails) [] (Codec.list (Some 8) SensoryDetail.codec)
        |> Codec.optional "crowd_description" (fun s -> s.CrowdDescription) Codec.prose
        |> Codec.optional "social_dynamics" (fun s -> s.SocialDynamics) Codec.prose
        |> Codec.fallback
            "tension_level"
            (fun s -> s.TensionLevel)
            TensionLevel.Medium
            (Vocabulary.codec TensionLevel.vocabulary)
        |> Codec.optional "mood" (fun s -> s.Mood) Codec.prose
        |> Codec.optional "focal_point" (fun s -> s.FocalPoint) Codec.prose
        |> Codec.defaulted "color_palette" (fun s -> s.ColorPalette) [] (strings 8)
        |> Codec.seal

    /// Reads and validates a scene answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.scene).
    let key = OutputKey.ofCodec "scene" codec
