namespace TimepointFlash

open FsToolkit.ErrorHandling

/// One sensory impression of the scene.
type SensoryDetail = {
    Sense: string
    Description: string
    Intensity: string
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
    TensionLevel: string
    Mood: string option
    FocalPoint: string option
    ColorPalette: string list
}

[<RequireQualifiedAccess>]
module SensoryDetail =
    /// Reads one sensory detail.
    let decoder: Decoder<SensoryDetail> =
        fun path el -> validation {
            let! sense = Decode.field "sense" Decode.nonBlank path el
            and! description = Decode.field "description" Decode.nonBlank path el
            and! intensity = Decode.textOr "intensity" "moderate" path el

            return {
                Sense = sense.ToLowerInvariant()
                Description = description
                Intensity = intensity
            }
        }

    /// Wire form.
    let encode (s: SensoryDetail) =
        Encode.obj [
            "sense", Encode.string s.Sense
            "description", Encode.string s.Description
            "intensity", Encode.string s.Intensity
        ]

[<RequireQualifiedAccess>]
module SceneData =
    /// Details for one sense, case-insensitively.
    let bySense (sense: string) (s: SceneData) =
        s.SensoryDetails
        |> List.filter (fun d -> d.Sense.ToLowerInvariant() = sense.Trim().ToLowerInvariant())

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

    /// Reads and validates a scene answer.
    let decoder: Decoder<SceneData> =
        fun path el -> validation {
            let! setting = Decode.field "setting" Decode.nonBlank path el
            and! atmosphere = Decode.field "atmosphere" Decode.nonBlank path el
            and! weather = Decode.text "weather" path el
            and! lighting = Decode.text "lighting" path el
            and! temperature = Decode.text "temperature" path el
            and! architecture = Decode.text "architecture" path el
            and! objects = Decode.listOrEmpty "objects" Decode.nonBlank path el
            and! furniture = Decode.listOrEmpty "furniture" Decode.nonBlank path el
            and! sensory = Decode.listOrEmpty "sensory_details" SensoryDetail.decoder path el
            and! crowd = Decode.text "crowd_description" path el
            and! social = Decode.text "social_dynamics" path el
            and! tension = Decode.textOr "tension_level" "medium" path el
            and! mood = Decode.text "mood" path el
            and! focal = Decode.text "focal_point" path el
            and! colors = Decode.listOrEmpty "color_palette" Decode.nonBlank path el

            return {
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
                TensionLevel = tension.ToLowerInvariant()
                Mood = mood
                FocalPoint = focal
                ColorPalette = colors
            }
        }

    /// Wire form.
    let encode (s: SceneData) =
        let strings = Encode.list Encode.string

        Encode.obj [
            "setting", Encode.string s.Setting
            "atmosphere", Encode.string s.Atmosphere
            "weather", Encode.opt Encode.string s.Weather
            "lighting", Encode.opt Encode.string s.Lighting
            "temperature", Encode.opt Encode.string s.Temperature
            "architecture", Encode.opt Encode.string s.Architecture
            "objects", strings s.Objects
            "furniture", strings s.Furniture
            "sensory_details", Encode.list SensoryDetail.encode s.SensoryDetails
            "crowd_description", Encode.opt Encode.string s.CrowdDescription
            "social_dynamics", Encode.opt Encode.string s.SocialDynamics
            "tension_level", Encode.string s.TensionLevel
            "mood", Encode.opt Encode.string s.Mood
            "focal_point", Encode.opt Encode.string s.FocalPoint
            "color_palette", strings s.ColorPalette
        ]

    /// Where the output is kept (metadata.scene).
    let key = OutputKey.create "scene" encode decoder
