namespace TimepointFlash

/// The timeline agent's placement of the moment in time and space.
type TimelineData = {
    Year: int
    Month: int option
    Day: int option
    Hour: int option
    Minute: int option
    Season: Season option
    TimeOfDay: TimeOfDay option
    Location: string
    Era: string option
    HistoricalContext: string option
    IsApproximate: bool
    Confidence: float
}

[<RequireQualifiedAccess>]
module TimelineData =
    let private seasonName = Season.name

    /// The four seasons; autumn is fall, and anything else is no season.
    let seasonVocabulary =
        Vocabulary.create
            ([ Season.Spring; Season.Summer; Season.Fall; Season.Winter ]
             |> List.map (fun x -> x, seasonName x))
            [ "autumn", Season.Fall ]
            None

    /// Lenient season reading (see Vocabulary.tryParse).
    let parseSeason (s: string) = Vocabulary.tryParse seasonVocabulary s

    /// The named parts of the day; noon is midday, and anything else is no time of day.
    let timeOfDayVocabulary =
        Vocabulary.create
            ([
                TimeOfDay.Dawn
                TimeOfDay.Morning
                TimeOfDay.Midday
                TimeOfDay.Afternoon
                TimeOfDay.Evening
                TimeOfDay.Dusk
                TimeOfDay.Night
                TimeOfDay.Midnight
             ]
             |> List.map (fun x -> x, TimeOfDay.name x))
            [ "noon", TimeOfDay.Midday ]
            None

    /// Lenient time-of-day reading: a known word, possibly inside a phrase such as "late afternoon", else None.
    let parseTimeOfDay (s: string) =
        Vocabulary.tryParse timeOfDayVocabulary s

    /// Wire name of a season.
    let seasonToString = seasonName

    /// Wire name of a time of day.
    let timeOfDayToString = TimeOfDay.name

    /// Display year: "44 BCE" or "1776 CE".
    let displayYear (year: int) =
        if year < 0 then $"{-year} BCE" else $"{year} CE"

    /// The timeline's one definition (year never 0, within -10000..3000; components contiguous).
    let codec: Codec<TimelineData> =
        Codec.record (fun year month day hour minute season timeOfDay location era context approximate confidence ->
            // Components are contiguous: a day without a month (or an hour without a day) is dropped.
            let day = month |> Option.bind (fun _ -> day)
            let hour = day |> Option.bind (fun _ -> hour)
            let minute = hour |> Option.bind (fun _ -> minute)

            {
                Year = year
                Month = month
                Day = day
                Hour = hour
                Minute = minute
                Season = season
                TimeOfDay = timeOfDay
                Location = location
                Era = era
                HistoricalContext = context
                IsApproximate = approximate
                Confidence = confidence
            })
        |> Codec.required
            "year"
            (fun t -> t.Year)
            (Codec.intAbout (Some -10000) (Some 3000)
             |> Codec.check (fun y ->
                 if y = 0 then
                     Some "year 0 does not exist (1 BCE is followed by 1 CE)"
                 elif y < -10000 || y > 3000 then
                     Some $"must be between -10000 and 3000, got {y}"
                 else
                     None))
        |> Codec.optional "month" (fun t -> t.Month) (Codec.intRange 1 12)
        |> Codec.optional "day" (fun t -> t.Day) (Codec.intRange 1 31)
        |> Codec.optional "hour" (fun t -> t.Hour) (Codec.intRange 0 23)
        |> Codec.optional "minute" (fun t -> t.Minute) (Codec.intRange 0 59)
        |> Codec.hint "season" (fun t -> t.Season) (Vocabulary.codec seasonVocabulary)
        |> Codec.hint "time_of_day" (fun t -> t.TimeOfDay) (Vocabulary.codec timeOfDayVocabulary)
        |> Codec.required "location" (fun t -> t.Location) Codec.label
        |> Codec.optional "era" (fun t -> t.Era) Codec.label
        |> Codec.optional "historical_context" (fun t -> t.HistoricalContext) Codec.prose
        |> Codec.fallback "is_approximate" (fun t -> t.IsApproximate) false Codec.bool
        |> Codec.fallback "confidence" (fun t -> t.Confidence) 0.8 (Codec.floatRange 0.0 1.0)
        |> Codec.derived "display_year" (fun t -> Encode.string (displayYear t.Year))
        |> Codec.derived "is_bce" (fun t -> Encode.bool (t.Year < 0))
        |> Codec.seal

    /// Reads and validates a timeline answer.
    let decoder = codec.Decoder

    /// Wire form.
    let encode = codec.Encode

    /// Where the output is kept (metadata.timeline).
    let key = OutputKey.ofCodec "timeline" codec
