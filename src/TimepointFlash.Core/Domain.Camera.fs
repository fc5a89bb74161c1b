namespace TimepointFlash

open FsToolkit.ErrorHandling

/// How the scene is framed.
type CameraData = {
    ShotType: string
    Angle: string
    FocalPoint: string
    SecondaryFocus: string option
    DepthOfField: string
    Movement: string option
    CompositionRule: string
    LeadingLines: string list
    ForegroundElements: string list
    MidgroundElements: string list
    BackgroundElements: string list
    FramingIntent: string option
}

[<RequireQualifiedAccess>]
module CameraData =
    /// "<shot> shot at <angle>, focused on <focal>, using <rule>".
    let describe (c: CameraData) =
        $"{c.ShotType} shot at {c.Angle}, focused on {c.FocalPoint}, using {c.CompositionRule}"

    /// Reads and validates a camera answer.
    let decoder: Decoder<CameraData> =
        fun path el -> validation {
            let! shot = Decode.textOr "shot_type" "medium wide" path el
            and! angle = Decode.textOr "angle" "eye level" path el
            and! focal = Decode.field "focal_point" Decode.nonBlank path el
            and! secondary = Decode.text "secondary_focus" path el
            and! depth = Decode.textOr "depth_of_field" "moderate" path el
            and! movement = Decode.text "movement" path el
            and! rule = Decode.textOr "composition_rule" "rule of thirds" path el
            and! leading = Decode.listOrEmpty "leading_lines" Decode.nonBlank path el
            and! fore = Decode.listOrEmpty "foreground_elements" Decode.nonBlank path el
            and! mid = Decode.listOrEmpty "midground_elements" Decode.nonBlank path el
            and! back = Decode.listOrEmpty "background_elements" Decode.nonBlank path el
            and! intent = Decode.text "framing_intent" path el

            return {
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
            }
        }

    /// Wire form.
    let encode (c: CameraData) =
        let strings = Encode.list Encode.string

        Encode.obj [
            "shot_type", Encode.string c.ShotType
            "angle", Encode.string c.Angle
            "focal_point", Encode.string c.FocalPoint
            "secondary_focus", Encode.opt Encode.string c.SecondaryFocus
            "depth_of_field", Encode.string c.DepthOfField
            "movement", Encode.opt Encode.string c.Movement
            "composition_rule", Encode.string c.CompositionRule
            "leading_lines", strings c.LeadingLines
            "foreground_elements", strings c.ForegroundElements
            "midground_elements", strings c.MidgroundElements
            "background_elements", strings c.BackgroundElements
            "framing_intent", Encode.opt Encode.string c.FramingIntent
        ]

    /// Where the output is kept (metadata.camera).
    let key = OutputKey.create "camera" encode decoder
