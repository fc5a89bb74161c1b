namespace TimepointFlash

open System

/// Whether a generation checks a real event against sources (`GROUNDING` and the request's `grounding`).
[<RequireQualifiedAccess>]
type GroundingMode =
    /// Ground when the text provider can search; otherwise skip, saying why.
    | Auto
    /// Ground always; a provider that cannot search makes the step fail (non-fatal), saying why.
    | On
    /// Never ground.
    | Off

[<RequireQualifiedAccess>]
module GroundingMode =
    /// Every mode, in documentation order.
    let all = [ GroundingMode.Auto; GroundingMode.On; GroundingMode.Off ]

    /// Wire name.
    let name =
        function
        | GroundingMode.Auto -> "auto"
        | GroundingMode.On -> "on"
        | GroundingMode.Off -> "off"

    /// The allowed names, for messages: "auto, on, off".
    let allowed = all |> List.map name |> String.concat ", "

    /// Parses a wire name, case-insensitively and ignoring surrounding spaces.
    let tryParse (s: string) =
        all
        |> List.tryFind (fun m -> String.Equals(name m, s.Trim(), StringComparison.OrdinalIgnoreCase))

    /// Reads a mode from a JSON string; anything else names the allowed values.
    let decoder: Decoder<GroundingMode> =
        fun path el ->
            match el.ValueKind with
            | Text.Json.JsonValueKind.String ->
                match tryParse (el.GetString()) with
                | Some m -> Ok m
                | None -> Decode.fail path $"must be one of {allowed}"
            | _ -> Decode.fail path $"must be one of {allowed}"
