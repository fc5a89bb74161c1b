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

    /// The one style every image prompt uses, in the text and in the style field.
    let style = "photorealistic historical painting"

    /// Said early, before any detail an image model might letter into the picture.
    let noText = "No text, captions, lettering or signs with words."

    // Things an image may show only from the year they became common (a 1969 scene may show cars, 1789 may not).
    let private inventions = [
        1825, "railways and trains"
        1839, "photographs"
        1870, "asphalt roads"
        1880, "electric lights"
        1886, "cars"
        1903, "aircraft"
        1907, "plastic objects"
        1928, "television sets"
        1946, "computers"
        1997, "flat screens"
        2007, "smartphones"
    ]

    /// The negative prompt for a year: always text and watermarks and later periods' dress, plus every invention
    /// that came after the year.
    let negativeFor (year: int) =
        [ "text"; "captions"; "watermark"; "clothing or buildings from later periods" ]
        @ (inventions |> List.filter (fun (from, _) -> year < from) |> List.map snd)
        |> String.concat ", "

    // A figure as the camera sees it: clothing first, emotion as a visible cue, no names' backstory.
    let private figure (ch: Character) =
        [
            ch.Clothing |> Option.map (sprintf "%s wearing %s" ch.Name)
            Some(
                if ch.Clothing.IsNone then
                    $"{ch.Name}, {ch.Description}"
                else
                    ch.Description
            )
            ch.Expression |> Option.map (sprintf "face and body showing %s")
            ch.Pose
            ch.Action
            ch.PositionInScene
        ]
        |> List.choose id
        |> String.concat ", "
        |> sentence

    /// Builds the prompt text: era, date and place first, then people by their clothing, setting, camera, light and
    /// style; no quoted dialog and no relationship or stakes prose (an image model cannot paint them).
    let assembleText (input: ImagePromptInput) =
        let t, s, c, m, cam =
            input.Timeline, input.Scene, input.Characters, input.Moment, input.Camera

        let era = t.Era |> Option.map (fun e -> $"{e}, ") |> Option.defaultValue ""

        let overview =
            section "Overview" [
                sentence $"{era}{AgentKit.dateLine t}, {t.Location}: a {style}"
                noText
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

        let people = c.Characters |> List.map figure

        let composition =
            section "Composition" [
                sentence (CameraData.describe cam)
                sentence $"Depth of field: {DepthOfField.name cam.DepthOfField}"
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

        // The era's negatives go to the negative prompt only: named in the text, a model would paint them.
        let styleLine =
            $"Style: {style}, period-accurate costume and architecture, natural skin texture."

        [
            overview
            section "People" people
            environment
            composition
            light
            styleLine
        ]
        |> List.filter (fun x -> x <> "")
        |> String.concat "\n\n"
        |> String.truncate ImagePromptData.maxLength

    /// Most words in the compact prompt for image models with short text windows.
    let compactWords = 150

    /// The compact prompt (at most 150 words): era, date, place, no text, clothing of the principal figures, setting,
    /// shot and style.
    let compact (input: ImagePromptInput) =
        let t = input.Timeline
        let era = t.Era |> Option.map (fun e -> $"{e}, ") |> Option.defaultValue ""

        let principals =
            input.Characters.Characters
            |> List.filter (fun ch -> ch.Role <> CharacterRole.Background)
            |> List.truncate 3
            |> List.map (fun ch ->
                match ch.Clothing with
                | Some cl -> $"{ch.Name} in {cl}"
                | None -> ch.Name)

        [
            sentence $"{era}{AgentKit.dateLine t}, {t.Location}"
            noText
            sentence (String.concat "; " principals)
            sentence input.Scene.Setting
            sentence (CameraData.describe input.Camera)
            sentence $"{style}, period-accurate"
        ]
        |> List.filter (fun x -> x <> "")
        |> String.concat " "
        |> fun text -> text.Split(' ', System.StringSplitOptions.RemoveEmptyEntries)
        |> Array.truncate compactWords
        |> String.concat " "

    /// The pure image prompt: no model call.
    let assemble (input: ImagePromptInput) : ImagePromptData =
        let cam = input.Camera

        {
            FullPrompt = assembleText input
            Style = style
            Medium = Some "digital painting"
            AspectRatio = "16:9"
            CompositionNotes = Some cam.CompositionRule
            CameraAngle = Some(CameraAngle.name cam.Angle)
            FocalLength =
                Some(
                    match cam.ShotType with
                    | ShotType.CloseUp
                    | ShotType.MediumCloseUp -> "85mm"
                    | ShotType.Medium -> "50mm"
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
            NegativePrompt = Some(negativeFor input.Timeline.Year)
        }

    /// Output schema of the refined mode.
    let schema = ImagePromptData.codec.Schema

    let private system =
        """You write prompts for an image model that paints historical scenes photorealistically.
Rewrite the draft into one rich prompt that opens with the era, date and place, then says "no text, captions or lettering", then the people by their period clothing, then environment, composition, light and style, keeping every factual detail (names, clothing, positions, camera) and adding nothing anachronistic.
Show emotions only as visible cues (faces, hands, posture, distance), never as feelings to be inferred.
Never quote dialog and never describe relationships, motives or stakes: the picture shows only what a camera sees.
Keep one consistent style, the draft's, from first line to last; style is "photorealistic historical painting".
Put in negative_prompt what the era could not contain (later inventions, later dress and buildings, text), never in the prompt itself. Keep it under 11,000 characters."""

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
        BuildPrompt = buildPrompt
        Parse = fun _ text -> AgentKit.parseWith ImagePromptData.decoder text
    }
