namespace TimepointFlash

open FsToolkit.ErrorHandling

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

    /// Lenient season reading: case-insensitive, autumn is fall, anything else is no season.
    let parseSeason (s: string) =
        match s.Trim().ToLowerInvariant() with
        | "spring" -> Some Season.Spring
        | "summer" -> Some Season.Summer
        | "fall"
        | "autumn" -> Some Season.Fall
        | "winter" -> Some Season.Winter
        | _ -> None

    let private timesOfDay = [
        "dawn", TimeOfDay.Dawn
        "morning", TimeOfDay.Morning
        "midday", TimeOfDay.Midday
        "noon", TimeOfDay.Midday
        "afternoon", TimeOfDay.Afternoon
        "evening", TimeOfDay.Evening
        "dusk", TimeOfDay.Dusk
        "night", TimeOfDay.Night
        "midnight", TimeOfDay.Midnight
    ]

    /// Lenient time-of-day reading: a known word (possibly inside a phrase such as "late afternoon"), else None.
    let parseTimeOfDay (s: string) =
        let t = s.Trim().ToLowerInvariant()

        timesOfDay
        |> List.tryFind (fun (k, _) -> t = k)
        |> Option.orElse (timesOfDay |> List.tryFind (fun (k, _) -> t.Contains k))
        |> Option.map snd

    /// Wire name of a season.
    let seasonToString = seasonName

    /// Wire name of a time of day.
    let timeOfDayToString = TimeOfDay.name

    /// Display year: "44 BCE" or "1776 CE".
    let displayYear (year: int) =
        if year < 0 then $"{-year} BCE" else $"{year} CE"

    /// Reads and validates a timeline answer (year never 0, within -10000..3000).
    let decoder: Decoder<TimelineData> =
        fun path el -> validation {
            let! year =
                Decode.field
                    "year"
                    (Decode.int
                     |> Decode.check (fun y ->
                         if y = 0 then
                             Some "year 0 does not exist (1 BCE is followed by 1 CE)"
                         elif y < -10000 || y > 3000 then
                             Some $"must be between -10000 and 3000, got {y}"
                         else
                             None))
                    path
                    el

            and! month = Decode.optional "month" (Decode.intRange 1 12) path el
            and! day = Decode.optional "day" (Decode.intRange 1 31) path el
            and! hour = Decode.optional "hour" (Decode.intRange 0 23) path el
            and! minute = Decode.optional "minute" (Decode.intRange 0 59) path el
            and! season = Decode.text "season" path el
            and! timeOfDay = Decode.text "time_of_day" path el
            and! location = Decode.field "location" Decode.nonBlank path el
            and! era = Decode.text "era" path el
            and! context = Decode.text "historical_context" path el
            and! approximate = Decode.withDefault "is_approximate" false Decode.bool path el
            and! confidence = Decode.withDefault "confidence" 0.8 (Decode.floatRange 0.0 1.0) path el

            // Components are contiguous: a day without a month (or an hour without a day) is dropped.
            let day = month |> Option.bind (fun _ -> day)
            let hour = day |> Option.bind (fun _ -> hour)
            let minute = hour |> Option.bind (fun _ -> minute)

            return {
                Year = year
                Month = month
                Day = day
                Hour = hour
                Minute = minute
                Season = season |> Option.bind parseSeason
                TimeOfDay = timeOfDay |> Option.bind parseTimeOfDay
                Location = location
                Era = era
                HistoricalContext = context
                IsApproximate = approximate
                Confidence = confidence
            }
        }

    /// Wire form.
    let encode (t: TimelineData) =
        Encode.obj [
            "year", Encode.int t.Year
            "month", Encode.opt Encode.int t.Month
            "day", Encode.opt Encode.int t.Day
            "hour", Encode.opt Encode.int t.Hour
            "minute", Encode.opt Encode.int t.Minute
            "season", Encode.opt (seasonName >> Encode.string) t.Season
            "time_of_day", Encode.opt (timeOfDayToString >> Encode.string) t.TimeOfDay
            "location", Encode.string t.Location
            "era", Encode.opt Encode.string t.Era
            "historical_context", Encode.opt Encode.string t.HistoricalContext
            "is_approximate", Encode.bool t.IsApproximate
            "confidence", Encode.float t.Confidence
            "display_year", Encode.string (displayYear t.Year)
            "is_bce", Encode.bool (t.Year < 0)
        ]

    /// Where the output is kept (metadata.timeline).
    let key = OutputKey.create "timeline" encode decoder
