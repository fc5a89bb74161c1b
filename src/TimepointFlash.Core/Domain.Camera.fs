namespace TimepointFlash

/// How much of the scene the frame holds.
[<RequireQualifiedAccess>]
type ShotType =
    | ExtremeWide
    | Wide
    | MediumWide
    | Medium
    | MediumCloseUp
    | CloseUp

/// Where the camera looks from.
[<RequireQualifiedAccess>]
type CameraAngle =
    | EyeLevel
    | LowAngle
    | HighAngle
    | BirdsEye
    | DutchAngle
    | OverTheShoulder

/// How much of the depth is sharp.
[<RequireQualifiedAccess>]
type DepthOfField =
    | Shallow
    | Moderate
    | Deep

/// How the scene is framed.
type CameraData = {
    ShotType: ShotType
    Angle: CameraAngle
    FocalPoint: string
    SecondaryFocus: string option
    DepthOfField: DepthOfField
    Movement: string option
    CompositionRule: string
    LeadingLines: string list
    ForegroundElements: string list
    MidgroundElements: string list
    BackgroundElements: string list
    FramingIntent: string option
}

[<RequireQualifiedAccess>]
module ShotType =
    /// The six shot sizes; anything else reads as medium wide (the default framing of a scene).
    let vocabulary =
        Vocabulary.create
            [
                ShotType.ExtremeWide, "extreme wide"
                ShotType.Wide, "wide"
                ShotType.MediumWide, "medium wide"
                ShotType.Medium, "medium"
                ShotType.MediumCloseUp, "medium close-up"
                ShotType.CloseUp, "close-up"
            ]
            [
                "establishing", ShotType.ExtremeWide
                "long", ShotType.Wide
                "full", ShotType.Wide
                "medium long", ShotType.MediumWide
                "cowboy", ShotType.MediumWide
                "mid", ShotType.Medium
                "closeup", ShotType.CloseUp
                "close", ShotType.CloseUp
            ]
            (Some ShotType.MediumWide)

    /// Stored name.
    let name = Vocabulary.name vocabulary

[<RequireQualifiedAccess>]
module CameraAngle =
    /// The six angles; anything else reads as eye level.
    let vocabulary =
        Vocabulary.create
            [
                CameraAngle.EyeLevel, "eye level"
                CameraAngle.LowAngle, "low angle"
                CameraAngle.HighAngle, "high angle"
                CameraAngle.BirdsEye, "bird's eye"
                CameraAngle.DutchAngle, "dutch angle"
                CameraAngle.OverTheShoulder, "over the shoulder"
            ]
            [
                "eye-level", CameraAngle.EyeLevel
                "low", CameraAngle.LowAngle
                "high", CameraAngle.HighAngle
                "birds eye", CameraAngle.BirdsEye
                "bird's-eye view", CameraAngle.BirdsEye
                "overhead", CameraAngle.BirdsEye
                "dutch", CameraAngle.DutchAngle
                "canted", CameraAngle.DutchAngle
                "over-the-shoulder", CameraAngle.OverTheShoulder
            ]
            (Some CameraAngle.EyeLevel)

    /// Stored name.
    let name = Vocabulary.name vocabulary

[<RequireQualifiedAccess>]
module DepthOfField =
    /// Shallow, moderate or deep; anything else reads as moderate.
    let vocabulary =
        Vocabulary.create
            [
                DepthOfField.Shallow, "shallow"
                DepthOfField.Moderate, "moderate"
                DepthOfField.Deep, "deep"
            ]
            [
                "narrow", DepthOfField.Shallow
                "medium", DepthOfField.Moderate
                "wide", DepthOfField.Deep
            ]
            (Some DepthOfField.Moderate)

    /// Stored name.
    let name = Vocabulary.name vocabulary

[<RequireQualifiedAccess>]
module CameraData =
    /// "<shot> shot at <angle>, focused on <focal>, using <rule>".
    let describe (c: CameraData) =
        $"{ShotType.name c.ShotType} shot at {CameraAngle.name c.Angle}, focused on {c.FocalPoint}, using {c.CompositionRule}"

    let private elements = Codec.list (Some 6) Codec.prose

    /// The camera's one definition.
    let codec: Codec<CameraData> =
        Codec.record (fun shot angle focal secondary depth movement rule leading fore mid back intent -> {
            ShotType = shot
            Angle = angle
            FocalPoint = focal
            SecondaryFocus = secondary
            DepthOfField = depth
            Movement = movement
            CompositionRule = rule
            LeadingLines = leading
            ForegroundElements = fore
            MidgroundElements = mid
            BackgroundElements = back
            FramingIntent = intent
        })
        |> Codec.fallback "shot_type" (fun c -> c.ShotType) ShotType.MediumWide (Vocabulary.codec ShotType.vocabulary)
        |> Codec.fallback "angle" (fun c -> c.Angle) CameraAngle.EyeLevel (Vocabulary.codec CameraAngle.vocabulary)
        |> Codec.required "focal_point" (fun c -> c.FocalPoint) Codec.prose
        |> Codec.optional "secondary_focus" (fun c -> c.SecondaryFocus) Codec.prose
        |> Codec.defaulted
            "depth_of_field"
            (fun c -> c.DepthOfField)
            DepthOfField.Moderate
            (Vocabulary.codec DepthOfField.vocabulary)
        |> Codec.optional "movement" (fun c -> c.Movement) Codec.label
        |> Codec.fallback "composition_rule" (fun c -> c.CompositionRule) "rule of thirds" Codec.label
        |> Codec.defaulted "leading_lines" (fun c -> c.LeadingLines) [] elements
        |> Codec.defaulted "foreground_elements" (fun c -> c.ForegroundElements) [] elements
        |> Codec.defaulted "midground_elements" (fun c -> c.MidgroundElements) [] elements
        |> Codec.defaulted "background_elements" (fun c -> c.BackgroundElements) [] elements
        |> Codec.optional "framing_intent" (fun c -> c.FramingIntent) Codec.prose
        |> Codec.seal

    /// Reads and validates a camera answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.camera).
    let key = OutputKey.ofCodec "camera" codec
