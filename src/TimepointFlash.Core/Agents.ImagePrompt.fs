namespace TimepointFlash.Agents

open TimepointFlash

/// Step 6: the image prompt, assembled purely from every upstream output (default) or refined by a model.
[<RequireQualifiedAccess>]
module ImagePrompt =
    let private section (title: string) (lines: string list) =
        match lines |> List.filter (fun l -> l <> "") with
        | [] -> ""
        | ls -> title + ": " + String.concat " " ls

    let private sentence (s: string) =
        let s = s.Trim()

        if s = "" then
            ""
        elif s.EndsWith "." || s.EndsWith "!" || s.EndsWith "?" then
            s
        else
            s + "."

    let private opt f = Option.map f >> Option.defaultValue ""

    /// Builds the prompt text from timeline, scene, cast, moment, dialog, camera and graph.
    let assembleText (input: ImagePromptInput) =
        let t, s, c, m, cam, g =
            input.Timeline, input.Scene, input.Characters, input.Moment, input.Camera, input.Graph

        let era = t.Era |> Option.map (fun e -> $" ({e})") |> Option.defaultValue ""

        let overview =
            section "Overview" [
                sentence $"A photorealistic historical scene at {t.Location}, {AgentKit.dateLine t}{era}"
                sentence m.PlotSummary
            ]

        let environment =
            section "Environment" [
                sentence s.Setting
                sentence s.Atmosphere
                s.Architecture |> opt (fun a -> sentence $"Architecture: {a}")
                s.Weather |> opt (fun w -> sentence $"Weather: {w}")
                t.Season |> opt (fun x -> sentence $"Season: {TimelineData.seasonToString x}")
                (if List.isEmpty s.Objects then
                     ""
                 else
                     sentence ("Objects: " + String.concat ", " s.Objects))
                s.CrowdDescription |> opt sentence
            ]

        let people =
            c.Characters
            |> List.map (fun ch ->
                let place = ch.PositionInScene |> opt (fun p -> $" ({p})")
                sentence (Character.describe ch + place))

        let relations =
            g.Relationships
            |> List.truncate 6
            |> List.map (fun r ->
                sentence $"{r.FromCharacter} and {r.ToCharacter}: {r.RelationshipType}, {r.TensionLevel}")

        let spoken =
            input.Dialog.Lines
            |> List.truncate 2
            |> List.map (fun l -> sentence $"{l.Speaker} is speaking: \"{l.Text}\"")

        let composition =
            section "Composition" [
                sentence (CameraData.describe cam)
                sentence $"Depth of field: {cam.DepthOfField}"
                (if List.isEmpty cam.ForegroundElements then
                     ""
                 else
                     sentence ("Foreground: " + String.concat ", " cam.ForegroundElements))
                (if List.isEmpty cam.MidgroundElements then
                     ""
                 else
                     sentence ("Midground: " + String.concat ", " cam.MidgroundElements))
                (if List.isEmpty cam.BackgroundElements then
                     ""
                 else
                     sentence ("Background: " + String.concat ", " cam.BackgroundElements))
                cam.FramingIntent |> opt sentence
            ]

        let light =
            section "Light and colour" [
                s.Lighting |> opt sentence
                (if List.isEmpty s.ColorPalette then
                     ""
                 else
                     sentence ("Palette: " + String.concat ", " s.ColorPalette))
                s.Mood |> opt (fun x -> sentence $"Mood: {x}")
            ]

        let drama =
            section "Drama" [
                (if m.Stakes = "" then "" else sentence $"Stakes: {m.Stakes}")
                sentence $"Tension: {m.TensionArc}"
                g.CentralConflict |> opt sentence
            ]

        let style =
            "Style: photorealistic historical painting, period-accurate costume and architecture, natural skin texture, no modern objects, no text or captions."

        [
            overview
            environment
            section "People" people
            section "Relationships" relations
            section "Dialog" spoken
            drama
            composition
            light
            style
        ]
        |> List.filter (fun x -> x <> "")
        |> String.concat "\n\n"
        |> String.truncate ImagePromptData.maxLength

    /// The pure image prompt: no model call.
    let assemble (input: ImagePromptInput) : ImagePromptData =
        let cam = input.Camera

        {
            FullPrompt = assembleText input
            Style = "photorealistic historical painting"
            Medium = Some "digital painting"
            AspectRatio = "16:9"
            CompositionNotes = Some cam.CompositionRule
            CameraAngle = Some cam.Angle
            FocalLength =
                Some(
                    match cam.ShotType with
                    | "close-up"
                    | "medium close-up" -> "85mm"
                    | "medium" -> "50mm"
                    | _ -> "35mm"
                )
            CharacterPlacements =
                input.Characters.Characters
                |> List.choose (fun c -> c.PositionInScene |> Option.map (fun p -> $"{c.Name}: {p}"))
            LightingDirection = input.Scene.Lighting
            ColorGuidance =
                if List.isEmpty input.Scene.ColorPalette then
                    None
                else
                    Some(String.concat ", " input.Scene.ColorPalette)
            QualityTags = ImagePromptData.defaultTags
            HistoricalAccuracy = input.Timeline.HistoricalContext
            NegativePrompt =
                Some "modern clothing, modern buildings, cars, electric lights, text, watermark, anachronisms"
        }

    let private str = Schema.String None
    let private opt' = Schema.Nullable str

    /// Output schema of the refined mode.
    let schema =
        Schema.Object(
            [
                "full_prompt", str
                "style", str
                "medium", opt'
                "aspect_ratio", Schema.Enum ImagePromptData.aspectRatios
                "composition_notes", opt'
                "camera_angle", opt'
                "focal_length", opt'
                "character_placements", Schema.Array(str, Some 8)
                "lighting_direction", opt'
                "color_guidance", opt'
                "quality_tags", Schema.Array(str, Some 8)
                "historical_accuracy", opt'
                "negative_prompt", opt'
            ],
            [ "full_prompt"; "style"; "aspect_ratio" ]
        )

    let private system =
        """You write prompts for an image model that paints historical scenes photorealistically.
Rewrite the draft into one rich prompt ordered as overview, environment, people, composition, light and style, keeping every factual detail (names, clothing, positions, camera) and adding nothing anachronistic. Keep it under 11,000 characters."""

    /// Builds the refinement prompt around the assembled draft.
    let buildPrompt (input: ImagePromptInput) = {
        System = system
        User =
            "Refine this image prompt.\n"
            + AgentKit.quoteQuery input.Query
            + "\n\nDraft:\n"
            + assembleText input
    }

    /// The LLM-refined image-prompt agent.
    let agent: Agent<ImagePromptInput, ImagePromptData> = {
        Step = Step.ImagePrompt
        Role = ModelRole.Creative
        Temperature = 0.6
        MaxTokens = 4096
        Schema = schema
        Context = AgentContext.ImagePrompt
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith ImagePromptData.decoder text
    }
