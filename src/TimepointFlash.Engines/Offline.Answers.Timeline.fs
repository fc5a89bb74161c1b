namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline timeline: exact dates for known moments, the anchor's point when navigating, else a plausible date.
[<RequireQualifiedAccess>]
module TimelineAnswer =
    // Years to fall back on when nothing in the query or the judge gives one.
    let private fallbackYears = [ -44; 850; 1350; 1520; 1776; 1889; 1925 ]

    // Words that name a part of the day or a season in the query itself.
    let private dayWords = [
        "dawn", TimeOfDay.Dawn
        "sunrise", TimeOfDay.Dawn
        "morning", TimeOfDay.Morning
        "noon", TimeOfDay.Midday
        "midday", TimeOfDay.Midday
        "afternoon", TimeOfDay.Afternoon
        "evening", TimeOfDay.Evening
        "sunset", TimeOfDay.Dusk
        "dusk", TimeOfDay.Dusk
        "twilight", TimeOfDay.Dusk
        "night", TimeOfDay.Night
        "midnight", TimeOfDay.Night
    ]

    let private seasonMonths = [ "spring", 4; "summer", 7; "autumn", 10; "fall", 10; "winter", 1 ]

    let private named (q: string) (table: (string * 'T) list) =
        table |> List.tryFind (fun (w, _) -> Text.containsPhrase q w) |> Option.map snd

    let private ofAnchor (an: Anchor) : TimelineData =
        let p = an.Point

        let southern =
            Gazetteer.tryResolve an.Location |> Option.exists (fun g -> g.Southern)

        let timeOfDay =
            p.TimeOfDay |> Option.orElse (p.Hour |> Option.map Kit.timeOfDayOfHour)

        {
            Year = p.Year
            Month = p.Month
            Day = p.Month |> Option.bind (fun _ -> p.Day)
            Hour = p.Day |> Option.bind (fun _ -> p.Hour)
            Minute = p.Hour |> Option.bind (fun _ -> p.Minute)
            Season = p.Season |> Option.orElse (p.Month |> Option.map (Kit.season southern))
            TimeOfDay = timeOfDay
            Location =
                (if String.isBlank an.Location then
                     "Unknown place"
                 else
                     an.Location.Trim())
            Era = p.Era |> Option.orElse (Some(Years.era p.Year))
            HistoricalContext =
                Some(
                    [
                        Some $"{Text.capitalise an.Offset} ({an.Direction}) at the same place."
                        an.PriorPlot
                        |> Option.filter (fun _ -> an.Direction.Trim().ToLowerInvariant() <> "prior")
                        |> Option.bind (Text.clip 400 >> Period.clean p.Year)
                        |> Option.map (fun plot -> $"Previously: {plot}")
                    ]
                    |> List.choose id
                    |> String.concat " "
                )
            IsApproximate = p.Month.IsNone
            Confidence = 0.9
        }

    let private ofKnown (m: KnownMoment) : TimelineData =
        let timeOfDay =
            m.TimeOfDay
            |> Option.bind TimelineData.parseTimeOfDay
            |> Option.orElse (m.Hour |> Option.map Kit.timeOfDayOfHour)

        {
            Year = m.Year
            Month = m.Month
            Day = m.Day
            Hour = m.Hour
            Minute = None
            Season = m.Month |> Option.map (Kit.season m.Southern)
            TimeOfDay = timeOfDay
            Location = m.Place
            Era = Some m.Era
            HistoricalContext = Some m.Context
            IsApproximate = m.Day.IsNone
            Confidence = 0.95
        }

    let private ofQuery (a: Analysis) (judge: JudgeResult) : TimelineData =
        let k = Knowledge.embedded ()

        let year =
            judge.DetectedYear
            |> Option.filter Years.isValid
            |> Option.orElse (Query.year a)
            |> Option.defaultWith (fun () -> Text.pick a.Seed 1 fallbackYears)

        let era = Years.era year

        let judgedPlace =
            judge.DetectedLocation
            |> Option.bind String.nonBlank
            |> Option.map (Text.clip 200)

        let place =
            a.Place |> Option.orElse (judgedPlace |> Option.bind Gazetteer.tryResolve)

        let region =
            place
            |> Option.map (fun p -> p.Region)
            |> Option.orElse (Query.region a)
            |> Option.defaultValue "*"

        let profile = Kit.profileAt k era region year |> Period.fit year

        let location =
            judgedPlace
            |> Option.orElse (place |> Option.map (fun p -> p.Name))
            |> Option.orElse (
                a.Figures
                |> List.tryHead
                |> Option.filter (fun (_, m) -> abs (m.Year - year) <= 5)
                |> Option.map (fun (_, m) -> m.Place)
            )
            |> Option.defaultValue profile.DefaultPlace

        // Only the date parts the query states: no invented month, day or hour.
        let month = a.Date |> Option.bind (fun d -> d.Month)
        let day = month |> Option.bind (fun _ -> a.Date |> Option.bind (fun d -> d.Day))
        let clock = Years.clock a.Query
        let named = named a.Normalised dayWords

        let hour =
            day
            |> Option.bind (fun _ ->
                clock
                |> Option.orElse (
                    match named with
                    | Some TimeOfDay.Midday -> Some 12
                    | _ -> None
                ))

        let timeOfDay = clock |> Option.map Kit.timeOfDayOfHour |> Option.orElse named
        let southern = place |> Option.exists (fun p -> p.Southern)

        let season =
            month
            |> Option.map (Kit.season southern)
            |> Option.orElse (
                seasonMonths
                |> List.tryFind (fun (w, _) -> Text.containsPhrase a.Normalised w)
                |> Option.map (fun (_, m) -> Kit.season southern m)
            )

        {
            Year = year
            Month = month
            Day = day
            Hour = hour
            Minute = None
            Season = season
            TimeOfDay = timeOfDay
            Location = location
            Era = Some era
            HistoricalContext = Some $"{location}, {Years.display year}. {profile.Backdrop}"
            IsApproximate = day.IsNone
            Confidence = (if a.Date.IsSome then 0.75 else 0.55)
        }

    /// Places the scene in time and space.
    let answer (query: string) (judge: JudgeResult) (anchor: Anchor option) : TimelineData =
        match anchor with
        | Some an when Years.isValid an.Point.Year -> ofAnchor an
        | _ ->
            let a = Query.analyse query

            // A stated month or day that contradicts the curated date wins: the scene is then at the curated place
            // on the stated date, not the moment itself.
            let contradicts (m: KnownMoment) =
                a.Date
                |> Option.exists (fun d ->
                    d.Year = m.Year
                    && ((d.Month.IsSome && d.Month <> m.Month) || (d.Day.IsSome && d.Day <> m.Day)))

            match a.Known with
            | Some m when contradicts m -> {
                ofQuery a judge with
                    Location = m.Place
              }
            | Some m -> ofKnown m
            | None -> ofQuery a judge
