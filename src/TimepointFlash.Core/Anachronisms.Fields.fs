namespace TimepointFlash

/// The descriptive text fields of a timepoint, named by their wire paths, for checks over a whole scene.
[<RequireQualifiedAccess>]
module SceneText =
    let private one name (value: string) = [ name, value ]

    let private opt name (value: string option) =
        value |> Option.map (fun v -> name, v) |> Option.toList

    let private many name (values: string list) =
        values |> List.mapi (fun i v -> $"{name}[{i}]", v)

    let private scene (s: SceneData) = [
        yield! one "scene.setting" s.Setting
        yield! one "scene.atmosphere" s.Atmosphere
        yield! opt "scene.weather" s.Weather
        yield! opt "scene.lighting" s.Lighting
        yield! opt "scene.temperature" s.Temperature
        yield! opt "scene.architecture" s.Architecture
        yield! many "scene.objects" s.Objects
        yield! many "scene.furniture" s.Furniture
        yield!
            s.SensoryDetails
            |> List.mapi (fun i d -> $"scene.sensory_details[{i}].{d.Sense}", d.Description)
        yield! opt "scene.crowd_description" s.CrowdDescription
        yield! opt "scene.social_dynamics" s.SocialDynamics
        yield! opt "scene.mood" s.Mood
        yield! opt "scene.focal_point" s.FocalPoint
        yield! many "scene.color_palette" s.ColorPalette
    ]

    let private characters (d: CharacterData) = [
        for i, c in List.indexed d.Characters do
            let at = $"characters[{i}]"
            yield! one $"{at}.description" c.Description
            yield! opt $"{at}.clothing" c.Clothing
            yield! opt $"{at}.expression" c.Expression
            yield! opt $"{at}.pose" c.Pose
            yield! opt $"{at}.action" c.Action
            yield! opt $"{at}.position_in_scene" c.PositionInScene
        yield! opt "characters.group_dynamics" d.GroupDynamics
    ]

    let private moment (m: MomentData) = [
        yield! one "moment.plot_summary" m.PlotSummary
        yield! opt "moment.before_context" m.BeforeContext
        yield! one "moment.stakes" m.Stakes
        yield! many "moment.emotional_beats" m.EmotionalBeats
        yield! opt "moment.central_question" m.CentralQuestion
    ]

    let private dialog (d: DialogData) = [
        for i, l in List.indexed d.Lines do
            yield! one $"dialog.lines[{i}].text" l.Text
            yield! opt $"dialog.lines[{i}].action" l.Action
            yield! opt $"dialog.lines[{i}].direction" l.Direction
        yield! opt "dialog.scene_context" d.SceneContext
    ]

    let private camera (c: CameraData) = [
        yield! one "camera.focal_point" c.FocalPoint
        yield! opt "camera.secondary_focus" c.SecondaryFocus
        yield! many "camera.leading_lines" c.LeadingLines
        yield! many "camera.foreground_elements" c.ForegroundElements
        yield! many "camera.midground_elements" c.MidgroundElements
        yield! many "camera.background_elements" c.BackgroundElements
        yield! opt "camera.framing_intent" c.FramingIntent
    ]

    let private graph (g: GraphData) = [
        for i, r in List.indexed g.Relationships do
            yield! opt $"graph.relationships[{i}].description" r.Description
        yield! opt "graph.power_dynamics" g.PowerDynamics
        yield! opt "graph.central_conflict" g.CentralConflict
        yield! opt "graph.historical_context" g.HistoricalContext
    ]

    let private imagePrompt (p: ImagePromptData) = [
        yield! one "image_prompt.full_prompt" p.FullPrompt
        yield! opt "image_prompt.composition_notes" p.CompositionNotes
        yield! many "image_prompt.character_placements" p.CharacterPlacements
        yield! opt "image_prompt.color_guidance" p.ColorGuidance
    ]

    /// Every descriptive text field of every agent's output, with its field path. Left out: the negative prompt
    /// (it lists what must not appear) and the fields that speak from the present about what came later (the
    /// moment's after context, consequences, dramatic irony and significance, a character's historical note).
    let fields (t: Timepoint) : (string * string) list = [
        yield!
            t.Timeline
            |> Option.bind (fun x -> x.HistoricalContext)
            |> opt "timeline.historical_context"
        yield! t.Scene |> Option.map scene |> Option.defaultValue []
        yield! t.Characters |> Option.map characters |> Option.defaultValue []
        yield! t.Moment |> Option.map moment |> Option.defaultValue []
        yield! t.Dialog |> Option.map dialog |> Option.defaultValue []
        yield! t.Camera |> Option.map camera |> Option.defaultValue []
        yield! t.Graph |> Option.map graph |> Option.defaultValue []
        yield! t.ImagePrompt |> Option.map imagePrompt |> Option.defaultValue []
    ]

    /// The scene's year: the resolved point, else the timeline's.
    let year (t: Timepoint) =
        Timepoint.year t |> Option.orElse (t.Timeline |> Option.map (fun x -> x.Year))
