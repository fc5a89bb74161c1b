namespace TimepointFlash.Api

open Giraffe.ViewEngine
open TimepointFlash

/// The scene page: image, when and where, setting, characters, dialog, review, moment, graph, camera, timings, travel.
[<RequireQualifiedAccess>]
module SceneView =
    let private opt (label: string) (value: string option) =
        match value with
        | Some v -> [ dt [] [ str label ]; dd [] [ str v ] ]
        | None -> []

    let private listOf (label: string) (items: string list) =
        if List.isEmpty items then
            []
        else
            opt label (Some(String.concat ", " items))

    /// "March 15, 44 BCE · Theatre of Pompey, Rome · Late Roman Republic".
    let heading (t: Timepoint) =
        [
            t.Point |> Option.map Temporal.format
            t.Location
            t.Point |> Option.bind (fun p -> p.Era)
        ]
        |> List.choose id
        |> String.concat " · "

    let private setting (s: SceneData) =
        section [ _class "card"; _id "setting" ] [
            h2 [] [ str "Setting" ]
            p [] [ str s.Setting ]
            dl [ _class "facts" ] [
                yield! opt "Atmosphere" (Some s.Atmosphere)
                yield! opt "Weather" s.Weather
                yield! opt "Lighting" s.Lighting
                yield! opt "Architecture" s.Architecture
                yield! opt "Mood" s.Mood
                yield! opt "Tension" (Some(TensionLevel.name s.TensionLevel))
                yield! listOf "Objects" s.Objects
                yield! listOf "Palette" s.ColorPalette
            ]
            h3 [] [ str "Senses" ]
            ul
                [ _class "senses" ]
                (s.SensoryDetails
                 |> List.map (fun d -> li [] [ strong [] [ str (Sense.name d.Sense) ]; str $": {d.Description}" ]))
        ]

    let private characters (cast: CharacterData) =
        section [ _id "characters" ] [
            h2 [] [ str "Characters" ]
            div
                [ _class "cards" ]
                (cast.Characters
                 |> List.map (fun c ->
                     article [ _class "card character" ] [
                         h3 [] [ str c.Name ]
                         p [] [ span [ _class "role" ] [ str (CharacterRole.name c.Role) ] ]
                         p [] [ str c.Description ]
                         dl [ _class "facts" ] [
                             yield! opt "Clothing" c.Clothing
                             yield! opt "Action" c.Action
                             yield! opt "Expression" c.Expression
                             yield! opt "Age" c.AgeDescription
                         ]
                     ]))
        ]

    let private dialog (d: DialogData) =
        section [ _class "card script"; _id "dialog" ] [
            h2 [] [ str "Dialog" ]
            yield!
                d.SceneContext
                |> Option.map (fun c -> p [ _class "meta context" ] [ str c ])
                |> Option.toList
            yield!
                d.Lines
                |> List.map (fun l ->
                    p [] [
                        span [ _class "speaker" ] [ str l.Speaker ]
                        match l.Tone with
                        | Some tone -> em [] [ str $" ({tone})" ]
                        | None -> ()
                        str $" “{l.Text}”"
                        match l.Action with
                        | Some a -> span [ _class "meta" ] [ str $" [{a}]" ]
                        | None -> ()
                    ])
        ]

    /// The critique: whether the dialog was revised, and each issue with its severity, category and place.
    let private review (c: CritiqueData) =
        section [ _class "card"; _id "review" ] [
            h2 [] [ str "Review" ]
            p [ _class "meta" ] [
                str (
                    match c.Issues, c.Revised with
                    | [], _ -> "A historical review found no issues."
                    | _, true ->
                        "A historical review found critical issues; the dialog above was rewritten to fix them."
                    | _, false -> "A historical review found these issues; none needed the dialog rewritten."
                )
            ]
            if not c.Issues.IsEmpty then
                ul [] [
                    for i in c.Issues ->
                        li [] [
                            strong [] [
                                str $"{CritiqueData.severityName i.Severity} · {CritiqueData.categoryName i.Category}"
                            ]
                            str $" ({i.Field}) {i.Description}"
                            match i.Quote with
                            | Some q -> em [] [ str $" “{q}”" ]
                            | None -> ()
                        ]
                ]
        ]

    let private moment (m: MomentData) =
        section [ _class "card"; _id "moment" ] [
            h2 [] [ str "The moment" ]
            p [] [ str m.PlotSummary ]
            dl [ _class "facts" ] [
                yield! opt "Stakes" (if m.Stakes = "" then None else Some m.Stakes)
                yield! opt "Tension" (Some(TensionArc.name m.TensionArc))
                yield! opt "Before" m.BeforeContext
                yield! opt "After" m.AfterContext
                yield! opt "Significance" m.HistoricalSignificance
            ]
        ]

    /// What grounding verified, with its sources: http(s) addresses as links, anything else as text (all escaped).
    let private grounding (g: GroundingData) =
        section [ _class "card"; _id "grounding" ] [
            h2 [] [ str "Verified against sources" ]
            dl [ _class "facts" ] [
                yield! opt "Date" g.VerifiedDate
                yield! opt "Place" g.VerifiedLocation
                yield! listOf "People" g.Participants
                yield! opt "Confidence" (Some $"{g.Confidence:F2}")
            ]
            ul [] (g.Facts |> List.map (fun f -> li [] [ str f ]))
            ul
                [ _class "sources" ]
                (g.Sources
                 |> List.map (fun s ->
                     li [] [
                         if GroundingSource.isLinkable s then
                             a [ _href s.Url; attr "rel" "noopener noreferrer nofollow" ] [ str s.Title ]
                         else
                             str $"{s.Title} ({s.Url})"
                     ]))
        ]

    /// Why a real event was not verified (skipped or failed), escaped; nothing for any other state.
    let private unverified (s: GroundingStatus) =
        match s.State, s.Reason with
        | (GroundingState.Skipped | GroundingState.Failed), Some reason ->
            Some(
                section [ _class "card"; _id "grounding" ] [
                    h2 [] [ str "Not verified against sources" ]
                    p [] [ str reason ]
                ]
            )
        | _ -> None

    let private camera (c: CameraData) =
        section [ _class "card"; _id "camera" ] [
            h2 [] [ str "Camera" ]
            p [] [ str (CameraData.describe c) ]
            dl [ _class "facts" ] [
                yield! opt "Depth of field" (Some(DepthOfField.name c.DepthOfField))
                yield! listOf "Foreground" c.ForegroundElements
                yield! listOf "Background" c.BackgroundElements
                yield! opt "Intent" c.FramingIntent
            ]
        ]

    /// "Possible anachronisms": the checker's findings for the scene's year, when there are any.
    let private anachronisms (t: Timepoint) =
        match Anachronisms.scanScene t with
        | [] -> None
        | findings ->
            Some(
                section [ _class "card"; _id "anachronisms"; attr "role" "note" ] [
                    h2 [] [ str "Possible anachronisms" ]
                    p [ _class "meta" ] [
                        str
                            "Words in this scene that name things from outside its year. The checker finds words, not ideas."
                    ]
                    ul [] (findings |> List.map (fun f -> li [] [ str (Finding.describe f) ]))
                ]
            )

    /// Which preset and models made the scene, and how long it took.
    let private provenance (t: Timepoint) =
        t.Provenance
        |> Option.map (fun made ->
            let parts = [
                Some $"preset {made.PresetUsed}"
                made.TextModelUsed |> Option.map (fun m -> $"text model {m}")
                made.ImageModelUsed |> Option.map (fun m -> $"image model {m}")
                made.ModelProvider |> Option.map (fun m -> $"provider {m}")
                made.GenerationTimeMs |> Option.map (fun ms -> $"{ms} ms")
            ]

            p [ _class "meta"; _id "provenance" ] [ str (parts |> List.choose id |> String.concat " · ") ])

    let private steps (logs: StepRecord list) =
        let finished = logs |> List.filter (fun l -> l.Status <> StepStatus.Started)

        let ms (v: int64 option) =
            v |> Option.map (fun n -> $"{n} ms") |> Option.defaultValue ""

        let row (l: StepRecord) =
            tr [] [
                td [] [ str (Step.name l.Step) ]
                match l.Status, l.Error with
                | StepStatus.Completed, _ -> td [] [ str "ok" ]
                | _, Some e ->
                    let note =
                        GenerationError.providerNote e
                        |> Option.map (fun n -> $" ({n})")
                        |> Option.defaultValue ""

                    td [ _class "failed" ] [ str $"failed: {e.Message}{note}" ]
                | _, None -> td [ _class "failed" ] [ str "failed" ]
                td [ _class "num" ] [ str (ms l.LatencyMs) ]
                td [] [ str (l.Model |> Option.defaultValue "") ]
            ]

        let total = finished |> List.choose (fun l -> l.LatencyMs) |> List.sum

        section [ _class "card"; _id "steps" ] [
            h2 [] [ str "Steps" ]
            div [ _class "table-wrap" ] [
                table [ _class "steps" ] [
                    thead [] [
                        tr [] [
                            th [ _scope "col" ] [ str "Step" ]
                            th [ _scope "col" ] [ str "Result" ]
                            th [ _scope "col" ] [ str "Time" ]
                            th [ _scope "col" ] [ str "Model" ]
                        ]
                    ]
                    tbody [] (finished |> List.map row)
                    tfoot [] [
                        tr [] [
                            td [] [ str "Total" ]
                            td [] [ str $"{finished.Length} step(s)" ]
                            td [ _class "num" ] [ str $"{total} ms" ]
                            td [] []
                        ]
                    ]
                ]
            ]
        ]

    let private strip (t: Timepoint) (seq: Sequence.View) =
        let link (x: Timepoint) =
            a [ _href $"/t/{x.Slug}" ] [ str (x.Point |> Option.map Temporal.format |> Option.defaultValue x.Query) ]

        nav [
            _class "strip"
            _id "sequence"
            attr "aria-label" "Linked scenes in time order"
        ] [
            span [ _class "label" ] [ str "Timeline" ]
            yield! seq.Prior |> List.map link
            span [ _class "here"; attr "aria-current" "page" ] [
                str (t.Point |> Option.map Temporal.format |> Option.defaultValue t.Query)
            ]
            yield! seq.Next |> List.map link
        ]

    let private travel (chrome: Chrome) (t: Timepoint) =
        section [ _class "card"; _id "travel" ] [
            h2 [] [ str "Travel in time" ]
            form [
                _id "travel-form"
                _method "post"
                _action $"/t/{t.Slug}/travel"
                attr "data-id" (string t.Id)
            ] [
                Layout.tokenField chrome
                div [ _class "travel-controls" ] [
                    label [ _for "units" ] [ str "Units" ]
                    input [
                        _id "units"
                        _type "number"
                        _name "units"
                        _value "1"
                        _min "1"
                        _max "365"
                        _required
                    ]
                    label [ _for "unit" ] [ str "Unit" ]
                    select
                        [ _id "unit"; _name "unit" ]
                        (TimeUnit.all
                         |> List.map (fun u ->
                             let n = TimeUnit.name u

                             option [
                                 _value n
                                 if u = TimeUnit.Day then
                                     _selected
                             ] [ str n ]))
                    button [ _type "submit"; _name "direction"; _value "prior" ] [ str "← Prior" ]
                    button [ _type "submit"; _name "direction"; _value "next" ] [ str "Next →" ]
                ]
            ]
            ol [ _id "travel-progress"; _class "progress"; attr "aria-live" "polite" ] []
        ]

    /// The whole scene page.
    let page
        (chrome: Chrome)
        (t: Timepoint)
        (logs: StepRecord list)
        (seq: Sequence.View)
        (session: ChatSession option)
        =
        let imageSrc =
            if t.HasImage then
                $"/api/v1/timepoints/{t.Id}/image"
            else
                $"/t/{t.Slug}/card.svg"

        Layout.page t.Query chrome [
            article [ _id "scene" ] [
                h1 [] [ str t.Query ]
                p [ _class "meta when"; _id "when-where" ] [ str (heading t) ]
                yield! CalendarTable.section t
                match t.Error with
                | Some e ->
                    p [
                        _class "card failed"
                        attr "role" "alert"
                        attr "data-error-kind" (FailureKind.name e.Kind)
                    ] [
                        str (GenerationError.describe e)
                        match GenerationError.providerNote e with
                        | Some note -> span [ _class "meta provider-kind" ] [ str $" ({note})" ]
                        | None -> ()
                    ]
                | None -> ()
                match t.ImageError with
                | Some e -> p [ _class "meta" ] [ str $"Image could not be generated: {e}" ]
                | None -> ()
                strip t seq
                figure [ _id "image" ] [
                    img [ _src imageSrc; _alt $"Scene: {t.Query}" ]
                    figcaption [ _class "meta" ] [ str (if t.HasImage then "Generated image" else "Scene card") ]
                ]
                p [ _class "meta"; _id "downloads" ] [
                    str "Download: "
                    for label, format in [ "JSON", "json"; "Markdown", "markdown"; "HTML", "html" ] do
                        a [
                            _href $"/api/v1/timepoints/{t.Id}/export?format={format}"
                            attr "download" ""
                        ] [ str label ]

                        str " · "
                    a [ _href $"/api/v1/timepoints/{t.Id}/tdf" ] [ str "TDF record" ]
                ]
                yield! t.Scene |> Option.map setting |> Option.toList
                yield! t.Characters |> Option.map characters |> Option.toList
                yield! t.Dialog |> Option.map dialog |> Option.toList
                yield! t.Critique |> Option.map review |> Option.toList
                yield! t.Moment |> Option.map moment |> Option.toList
                yield!
                    Outputs.tryGet GroundingData.key t.Outputs
                    |> Option.map grounding
                    |> Option.orElse (Outputs.tryGet GroundingStatus.key t.Outputs |> Option.bind unverified)
                    |> Option.toList
                match t.Characters, t.Graph with
                | Some cast, Some g ->
                    section [ _class "card"; _id "graph" ] [
                        h2 [] [ str "Relationships" ]
                        GraphView.svg cast g
                        GraphView.legend g
                        ul
                            [ _class "relations" ]
                            (g.Relationships
                             |> List.map (fun r ->
                                 li [] [
                                     GraphView.swatch r.TensionLevel
                                     str
                                         $"{r.FromCharacter} → {r.ToCharacter}: {RelationshipType.name r.RelationshipType}, {RelationshipTension.name r.TensionLevel}"
                                 ]))
                    ]
                | _ -> ()
                yield! t.Camera |> Option.map camera |> Option.toList
                yield! anachronisms t |> Option.toList
                yield! provenance t |> Option.toList
                steps logs
                if t.Status = TimepointStatus.Completed then
                    travel chrome t

                    if t.Characters |> Option.exists (fun c -> not c.Characters.IsEmpty) then
                        InteractView.chat chrome t session
                        InteractView.extend chrome t
                        InteractView.survey chrome t
                section [ _class "card actions"; _id "actions"; attr "aria-label" "Actions" ] [
                    a [
                        _id "download-json"
                        _href $"/api/v1/timepoints/{t.Id}?full=true"
                        attr "download" $"{t.Slug}.json"
                    ] [ str "Download JSON" ]
                    form [ _id "delete-form"; _method "post"; _action $"/t/{t.Slug}/delete" ] [
                        Layout.tokenField chrome
                        button [ _type "submit"; _class "secondary" ] [ str "Delete scene" ]
                    ]
                ]
            ]
        ]
