namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// Navigation continuity: where and when a linked scene happens and who carries over from the previous one.
type Anchor = {
    Point: TemporalPoint
    Location: string
    Characters: Character list
    Setting: string option
    PriorPlot: string option
    /// "next" or "prior".
    Direction: string
    /// Human wording of the jump, e.g. "1 day later".
    Offset: string
}

/// The resolved situation every answer after the timeline works from.
type Frame = {
    Analysis: Analysis
    /// The curated moment, only when the timeline is that moment itself.
    Known: KnownMoment option
    Year: int
    Era: string
    Region: string
    Location: string
    Profile: Profile
    Seed: uint32
    TimeOfDay: TimeOfDay option
    Season: Season option
}

/// Shared pieces of the offline answers: profiles, seasons, times of day, frames.
[<RequireQualifiedAccess>]
module Kit =
    let private covers (year: int) (p: Profile) =
        p.From |> Option.forall (fun f -> f <= year)
        && p.To |> Option.forall (fun t -> year <= t)

    /// The profile for an era, region and year: one limited to years covering it first, then the era and region's
    /// general one, then the era's fallback, else any profile.
    let profileAt (k: Knowledge) (era: string) (region: string) (year: int) =
        k.Profiles
        |> List.tryFind (fun p -> p.Era = era && p.Region = region && p.From.IsSome && covers year p)
        |> Option.orElse (
            k.Profiles
            |> List.tryFind (fun p -> p.Era = era && p.Region = region && p.From.IsNone)
        )
        |> Option.orElse (k.Profiles |> List.tryFind (fun p -> p.Era = era && p.Region = "*"))
        |> Option.defaultWith (fun () -> List.head k.Profiles)

    /// The profile for an era and region, else the era's fallback, else any profile.
    let profileFor (k: Knowledge) (era: string) (region: string) =
        k.Profiles
        |> List.tryFind (fun p -> p.Era = era && p.Region = region && p.From.IsNone)
        |> Option.orElse (k.Profiles |> List.tryFind (fun p -> p.Era = era && p.Region = "*"))
        |> Option.defaultWith (fun () -> List.head k.Profiles)

    /// Meteorological season of a month, flipped in the southern hemisphere.
    let season (southern: bool) (month: int) =
        let north =
            match month with
            | 12
            | 1
            | 2 -> Season.Winter
            | 3
            | 4
            | 5 -> Season.Spring
            | 6
            | 7
            | 8 -> Season.Summer
            | _ -> Season.Fall

        if not southern then
            north
        else
            match north with
            | Season.Winter -> Season.Summer
            | Season.Summer -> Season.Winter
            | Season.Spring -> Season.Fall
            | Season.Fall -> Season.Spring

    /// Part of the day for an hour.
    let timeOfDayOfHour (hour: int) =
        if hour < 5 then TimeOfDay.Night
        elif hour < 7 then TimeOfDay.Dawn
        elif hour < 12 then TimeOfDay.Morning
        elif hour < 13 then TimeOfDay.Midday
        elif hour < 17 then TimeOfDay.Afternoon
        elif hour < 19 then TimeOfDay.Evening
        elif hour < 21 then TimeOfDay.Dusk
        else TimeOfDay.Night

    /// A representative hour for a part of the day.
    let hourOf =
        function
        | TimeOfDay.Dawn -> 6
        | TimeOfDay.Morning -> 9
        | TimeOfDay.Midday -> 12
        | TimeOfDay.Afternoon -> 15
        | TimeOfDay.Evening -> 18
        | TimeOfDay.Dusk -> 19
        | TimeOfDay.Night -> 22
        | TimeOfDay.Midnight -> 0

    /// Lower-case name of a part of the day.
    let timeOfDayName (t: TimeOfDay) = TimelineData.timeOfDayToString t

    /// True when a timeline places the scene at the curated moment itself (same year, and same month, day and
    /// hour wherever both give them).
    let isTheMoment (m: KnownMoment) (t: TimelineData) =
        let agrees (a: int option) (b: int option) =
            match a, b with
            | Some x, Some y -> x = y
            | _ -> true

        m.Year = t.Year
        && agrees m.Month t.Month
        && agrees m.Day t.Day
        && agrees m.Hour t.Hour

    // Fitted profiles by era, region, year and curated scenery: fitting scans every detail, so it is done once per
    // key (the cache is emptied when it grows past a few thousand keys).
    let private fittedCache =
        System.Collections.Concurrent.ConcurrentDictionary<string * string * int * string option, Profile>()

    let private fitted key (make: unit -> Profile) =
        if fittedCache.Count > 4096 then
            fittedCache.Clear()

        fittedCache.GetOrAdd(key, (fun _ -> make ()))

    /// Resolves the situation for a query and its timeline.
    let frame (query: string) (t: TimelineData) : Frame =
        let k = Knowledge.embedded ()
        let a = Query.analyse query
        let known = a.Known |> Option.filter (fun m -> isTheMoment m t)
        let era = Years.era t.Year

        let region =
            known
            |> Option.map (fun m -> m.Region)
            |> Option.orElse (Gazetteer.tryResolve t.Location |> Option.map (fun p -> p.Region))
            |> Option.orElse (Query.region a)
            |> Option.defaultValue "*"

        // A curated place keeps its look at other times too (the dunes stay dunes); details that do not fit the
        // year are then dropped.
        let scenery =
            a.Known
            |> Option.filter (fun m -> known.IsSome || m.Place = t.Location)
            |> Option.bind (fun m -> m.Scenery)

        let sceneryKey =
            a.Known
            |> Option.filter (fun _ -> scenery.IsSome)
            |> Option.map (fun m -> m.Key)

        let profile =
            fitted (era, region, t.Year, sceneryKey) (fun () ->
                profileAt k era region t.Year
                |> (match scenery with
                    | Some s -> Period.overlay s
                    | None -> id)
                |> Period.fit t.Year)

        {
            Analysis = a
            Known = known
            Year = t.Year
            Era = era
            Region = region
            Location = t.Location
            Profile = profile
            Seed = a.Seed
            TimeOfDay = t.TimeOfDay
            Season = t.Season
        }

    /// The occupation of the i-th invented person of a frame (shared by the scene's focal point and the cast).
    let jobOf (f: Frame) (i: int) =
        Text.pickOr "passer-by" f.Seed (30 + i) f.Profile.Bystanders

    /// "March 15, 44 BCE" / "1776 CE" from timeline parts.
    let displayDate (t: TimelineData) =
        match t.Month, t.Day with
        | Some m, Some d -> $"{Years.monthName m} {d}, {Years.display t.Year}"
        | Some m, None -> $"{Years.monthName m} {Years.display t.Year}"
        | _ -> Years.display t.Year

    /// Whole years between two years in historical numbering (no year 0).
    let yearsBetween (fromYear: int) (toYear: int) =
        let astro y = if y < 0 then y + 1 else y
        astro toYear - astro fromYear

    /// Years a navigation offset text moves ("10 years later" → 10, "a decade earlier" → -10), else 0.
    let offsetYears (direction: string) (offset: string) =
        let words = Text.words offset

        let backward =
            direction.Trim().ToLowerInvariant() = "prior"
            || List.contains "earlier" words
            || List.contains "before" words

        let rec scan =
            function
            | n :: unit :: rest ->
                let amount =
                    match System.Int32.TryParse(n: string) with
                    | true, v -> Some v
                    | _ -> if n = "a" || n = "one" then Some 1 else None

                match amount, unit with
                | Some v, ("year" | "years") -> Some v
                | Some v, ("decade" | "decades") -> Some(v * 10)
                | Some v, ("century" | "centuries") -> Some(v * 100)
                | _ -> scan (unit :: rest)
            | _ -> None

        let n = scan words |> Option.defaultValue 0
        if backward then -n else n
