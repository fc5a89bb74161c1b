namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline moment (plot, stakes, arc) and dialog (curated lines or period-flavoured ones).
[<RequireQualifiedAccess>]
module StoryAnswer =
    let private arcOf (tension: TensionLevel) =
        match tension with
        | TensionLevel.Climactic -> TensionArc.Climactic
        | TensionLevel.Low -> TensionArc.Resolved
        | _ -> TensionArc.Rising

    let private names (cs: Character list) =
        match cs |> List.map (fun c -> c.Name) with
        | [] -> "the people present"
        | [ a ] -> a
        | xs -> (xs |> List.take (xs.Length - 1) |> String.concat ", ") + " and " + List.last xs

    /// The dramatic shape of the scene.
    let moment
        (query: string)
        (timeline: TimelineData)
        (scene: SceneData)
        (cast: CharacterData)
        (anchor: Anchor option)
        : MomentData =
        let f = Kit.frame query timeline

        let primary =
            cast.Characters |> List.filter (fun c -> c.Role = CharacterRole.Primary)

        let lead = primary @ cast.Characters |> List.tryHead

        let leadName =
            lead |> Option.map (fun c -> c.Name) |> Option.defaultValue "The central figure"

        let leadAction =
            lead
            |> Option.bind (fun c -> c.Action)
            |> Option.defaultValue "waits for what comes next"

        match anchor, f.Known with
        | Some an, _ -> {
            PlotSummary =
                let place =
                    Period.clean timeline.Year timeline.Location
                    |> Option.defaultValue "the same place"

                $"{Text.capitalise an.Offset} at {Text.inSentence place}: {leadName} {leadAction}, living with what came before."
            // The source scene comes before a "next" scene and after a "prior" one.
            BeforeContext =
                an.PriorPlot
                |> Option.filter (fun _ -> an.Direction.Trim().ToLowerInvariant() <> "prior")
                |> Option.map (Text.clip 600)
            AfterContext =
                an.PriorPlot
                |> Option.filter (fun _ -> an.Direction.Trim().ToLowerInvariant() = "prior")
                |> Option.map (Text.clip 600)
            Stakes = "Whether the consequences of the earlier scene can be mended, exploited or escaped"
            Consequences = None
            TensionArc =
                (if an.Direction.Trim().ToLowerInvariant() = "prior" then
                     TensionArc.Rising
                 else
                     TensionArc.Falling)
            EmotionalBeats = [
                "recognition of what has changed"
                "an old tension resurfacing"
                "a choice about what to do next"
            ]
            ConflictType = Some "person vs circumstance"
            CentralQuestion = Some $"What has {an.Offset} done to {names (cast.Characters |> List.truncate 3)}?"
            DramaticIrony =
                an.PriorPlot
                |> Option.map (fun _ -> "We remember the earlier scene; some of them would rather forget it")
            HistoricalSignificance = None
          }
        | None, Some m ->
            let factions = m.Participants |> List.choose (fun p -> p.Faction) |> List.distinct

            {
                PlotSummary = m.Plot
                BeforeContext = Some m.Context
                AfterContext = m.After
                Stakes = m.Stakes
                Consequences = None
                TensionArc = arcOf (TensionLevel.parse m.Tension)
                EmotionalBeats =
                    m.Lines
                    |> List.choose (fun l -> l.Tone |> Option.map (fun t -> $"{l.Speaker}: {t}"))
                    |> List.truncate 5
                ConflictType =
                    Some(
                        if factions.Length > 1 then
                            "group vs group"
                        else
                            "people vs circumstance"
                    )
                CentralQuestion = Some $"{m.Stakes.TrimEnd('.')} — how will it turn out?"
                DramaticIrony = Some $"They cannot know what we know: {m.Significance}"
                HistoricalSignificance = Some m.Significance
            }
        | None, None ->
            let about =
                match Query.cleaned f.Analysis with
                | "" -> "what comes next"
                | request -> Text.clip 120 request

            let second =
                cast.Characters
                |> List.filter (fun c -> Some c <> lead)
                |> List.tryHead
                |> Option.map (fun c -> c.Name)

            {
                PlotSummary =
                    [
                        Some $"{Years.display timeline.Year}, {timeline.Location}: {leadName} {leadAction}."
                        second
                        |> Option.map (fun s -> $"{s} is drawn in, and the ordinary day tips toward something more.")
                    ]
                    |> List.choose id
                    |> String.concat " "
                BeforeContext = timeline.HistoricalContext
                AfterContext = None
                Stakes = $"Livelihood, reputation and safety for {names (cast.Characters |> List.truncate 3)}"
                Consequences = None
                TensionArc = arcOf scene.TensionLevel
                EmotionalBeats = [ "curiosity"; "unease"; "resolve" ]
                ConflictType =
                    Some(
                        if Screen.isSpeculative f.Analysis.Normalised then
                            "history vs possibility"
                        else
                            "person vs society"
                    )
                CentralQuestion = Some $"What will {leadName} do about {about}?"
                DramaticIrony = Some $"{f.Profile.Backdrop} The people here see only their own day of it."
                HistoricalSignificance =
                    Some $"A glimpse of everyday life in {Text.town f.Location}, {f.Era.ToLowerInvariant()} era"
            }

    let private line speaker text tone responseTo = {
        Speaker = speaker
        Text = text
        Tone = tone
        IsWhispered = (tone = Some "whispered")
        Action = None
        Direction = None
        ResponseTo = responseTo
    }

    let private templates (f: Frame) (scene: SceneData) =
        let thing = Text.pickOr "the goods" f.Seed 41 scene.Objects
        let time = f.TimeOfDay |> Option.map Kit.timeOfDayName |> Option.defaultValue "day"

        f.Profile.Sayings
        @ [
            $"Have you heard what they are saying in {Text.town f.Location}?"
            $"Mind the {thing}; it will not last the {time} if it is handled like that."
            "Keep your voice down. Not here, not with so many ears about."
            "Whatever happens today, people will talk of it for years."
            "Then we wait, and we watch, and we say nothing yet."
            $"I have lived here all my life and never seen {Text.article time} like this one."
        ]

    /// Writes 1–7 lines, every one spoken by one of the given speakers (at most 4 are used).
    let dialog (query: string) (timeline: TimelineData) (scene: SceneData) (speakers: Character list) : DialogData =
        let f = Kit.frame query timeline

        let speakers =
            speakers
            |> List.filter (fun c -> not (String.isBlank c.Name))
            |> List.distinctBy (fun c -> c.Name.Trim().ToLowerInvariant())
            |> List.truncate DialogData.maxSpeakers

        let byName (n: string) =
            speakers
            |> List.tryFind (fun c -> c.Name.Trim().ToLowerInvariant() = n.Trim().ToLowerInvariant())

        let curated =
            match f.Known with
            | Some m ->
                m.Lines
                |> List.choose (fun l -> byName l.Speaker |> Option.map (fun c -> c.Name, l))
                |> List.truncate DialogData.maxLines
            | None -> []

        let lines =
            if not curated.IsEmpty then
                curated
                |> List.mapi (fun i (speaker, l) ->
                    let previous = if i = 0 then None else Some(fst curated[i - 1])
                    line speaker l.Text l.Tone previous)
            else
                match speakers with
                | [] -> [
                    line "A voice in the crowd" "Look there. Something is happening." (Some "urgent") None
                  ]
                | _ ->
                    let pool = templates f scene
                    let count = min DialogData.maxLines (max 2 (speakers.Length * 2 - 1))
                    let start = int (f.Seed % uint32 pool.Length)
                    let tones = [ "low"; "curious"; "wry"; "urgent"; "whispered"; "firm" ]

                    [ 0 .. count - 1 ]
                    |> List.map (fun i ->
                        let speaker = speakers[i % speakers.Length].Name

                        let previous =
                            if i = 0 then
                                None
                            else
                                Some speakers[(i - 1) % speakers.Length].Name

                        let text = pool[(start + i) % pool.Length]

                        line
                            speaker
                            text
                            (Some(Text.pick f.Seed (50 + i) tones))
                            (previous |> Option.filter ((<>) speaker)))

        {
            Lines = DialogData.trim lines
            SceneContext = Some(Text.clip 300 scene.Setting)
            LanguageStyle =
                Some(
                    match f.Known with
                    | Some _ -> "Plain modern English paraphrase of what was said, keeping period courtesy"
                    | None -> $"Plain modern English with {f.Era.ToLowerInvariant()} forms of address"
                )
            HistoricalAccuracyNote =
                Some(
                    if curated.IsEmpty then
                        "Invented lines in the spirit of the period"
                    else
                        "Paraphrased from accounts of the moment; not verbatim quotations"
                )
        }
