namespace TimepointFlash

/// Validation, precision, ordering and stepping of temporal points. Points use historical year numbering;
/// arithmetic runs on astronomical years and Julian Day Numbers. Every function is total: errors are values.
[<RequireQualifiedAccess>]
module TemporalAlgebra =
    /// Earliest supported historical year (10000 BCE).
    let minYear = -10000

    /// Latest supported historical year.
    let maxYear = 3000

    let private secondsPerDay = 86400L

    /// Order of precisions from coarse (year = 0) to fine (second = 5).
    let precisionRank =
        function
        | Precision.Year -> 0
        | Precision.Month -> 1
        | Precision.Day -> 2
        | Precision.Hour -> 3
        | Precision.Minute -> 4
        | Precision.Second -> 5

    /// The finest component the point carries.
    let precision (p: TemporalPoint) =
        if p.Second.IsSome then Precision.Second
        elif p.Minute.IsSome then Precision.Minute
        elif p.Hour.IsSome then Precision.Hour
        elif p.Day.IsSome then Precision.Day
        elif p.Month.IsSome then Precision.Month
        else Precision.Year

    /// True for a BCE year (negative historical year).
    let isBce (p: TemporalPoint) = p.Year < 0

    /// A year-only point in the historical calendar, not validated.
    let empty (year: int) = {
        Year = year
        Month = None
        Day = None
        Hour = None
        Minute = None
        Second = None
        Season = None
        TimeOfDay = None
        Era = None
        Hemisphere = None
        Calendar = Calendar.Historical
    }

    let private clampToInt (v: int64) =
        int (max (int64 System.Int32.MinValue) (min (int64 System.Int32.MaxValue) v))

    /// Checks a historical year: never 0, within minYear..maxYear.
    let checkYear (year: int64) : Result<int, TemporalError> =
        if year = 0L then
            Error TemporalError.YearZero
        elif year < int64 minYear || year > int64 maxYear then
            Error(TemporalError.YearOutOfRange(clampToInt year))
        else
            Ok(int year)

    let private astronomical (p: TemporalPoint) = JulianDay.toAstronomical (int64 p.Year)

    /// The value when it is present and outside lo..hi.
    let private outside lo hi (v: int option) =
        v |> Option.filter (fun x -> x < lo || x > hi)

    /// Checks year range, contiguity, component ranges, month lengths and the 1582 reform gap.
    let validate (p: TemporalPoint) : Result<TemporalPoint, TemporalError> =
        let a = astronomical p
        let orNone cond err = if cond then Some err else None

        let checks: (unit -> TemporalError option) list = [
            fun () ->
                match checkYear (int64 p.Year) with
                | Error e -> Some e
                | Ok _ -> None
            fun () -> orNone (p.Day.IsSome && p.Month.IsNone) (TemporalError.MissingComponent("day", "month"))
            fun () -> orNone (p.Hour.IsSome && p.Day.IsNone) (TemporalError.MissingComponent("hour", "day"))
            fun () -> orNone (p.Minute.IsSome && p.Hour.IsNone) (TemporalError.MissingComponent("minute", "hour"))
            fun () -> orNone (p.Second.IsSome && p.Minute.IsNone) (TemporalError.MissingComponent("second", "minute"))
            fun () -> outside 1 12 p.Month |> Option.map TemporalError.MonthOutOfRange
            fun () ->
                match p.Month, p.Day with
                | Some m, Some d when d < 1 || int64 d > JulianDay.monthLength p.Calendar a (int64 m) ->
                    Some(TemporalError.DayOutOfRange(p.Year, m, d))
                | Some m, Some d when JulianDay.isInReformGap p.Calendar a (int64 m) (int64 d) ->
                    Some(TemporalError.InReformGap(p.Year, m, d))
                | _ -> None
            fun () -> outside 0 23 p.Hour |> Option.map TemporalError.HourOutOfRange
            fun () -> outside 0 59 p.Minute |> Option.map TemporalError.MinuteOutOfRange
            fun () -> outside 0 59 p.Second |> Option.map TemporalError.SecondOutOfRange
        ]

        match checks |> List.tryPick (fun check -> check ()) with
        | Some e -> Error e
        | None -> Ok p

    /// Season from the month (northern unless a hemisphere is given) and part of the day from the hour,
    /// where those are known; otherwise the stored season/part of the day are kept.
    let refresh (p: TemporalPoint) =
        let hemisphere = defaultArg p.Hemisphere Hemisphere.Northern

        {
            p with
                Season =
                    match p.Month with
                    | Some m -> TemporalTables.seasonOf hemisphere m
                    | None -> p.Season
                TimeOfDay =
                    match p.Hour with
                    | Some h -> TemporalTables.timeOfDayOf h
                    | None -> p.TimeOfDay
        }

    /// Validates a point and derives its season and part of the day (see refresh).
    let normalize (p: TemporalPoint) = validate p |> Result.map refresh

    /// JDN of the point's first day (missing month/day = 1), read in its calendar. Total for any input;
    /// meaningful for valid points.
    let toJdn (p: TemporalPoint) =
        JulianDay.ofDate p.Calendar (astronomical p) (int64 (defaultArg p.Month 1)) (int64 (defaultArg p.Day 1))

    let private secondOfDay (p: TemporalPoint) =
        int64 (defaultArg p.Hour 0) * 3600L
        + int64 (defaultArg p.Minute 0) * 60L
        + int64 (defaultArg p.Second 0)

    /// Whole days from a to b (JDN difference; coarser points anchored at their first day).
    let daysBetween (a: TemporalPoint) (b: TemporalPoint) : int64 = toJdn b - toJdn a

    /// Total order: by JDN, then time of day, coarser points anchored at their start; ties go to the coarser point.
    let compare (a: TemporalPoint) (b: TemporalPoint) : int =
        let key p =
            toJdn p, secondOfDay p, precisionRank (precision p)

        Operators.compare (key a) (key b) |> sign

    /// Moves (year, month) by a number of months; the day is clamped to the target month and moved out of the
    /// 1582 reform gap to 1582-10-15. A point without a month gets month 1 unless keepYearOnly.
    let private moveMonths (months: int64) (keepYearOnly: bool) (p: TemporalPoint) =
        let a = astronomical p
        let total = a * 12L + int64 (defaultArg p.Month 1 - 1) + months
        let a' = JulianDay.floorDiv total 12L
        let m' = JulianDay.floorMod total 12L + 1L

        checkYear (JulianDay.toHistorical a')
        |> Result.map (fun year ->
            if keepYearOnly && p.Month.IsNone then
                { p with Year = year }
            else
                let day =
                    p.Day
                    |> Option.map (fun d ->
                        let clamped = min (int64 d) (JulianDay.monthLength p.Calendar a' m')

                        if JulianDay.isInReformGap p.Calendar a' m' clamped then
                            15L
                        else
                            clamped)

                {
                    p with
                        Year = year
                        Month = Some(int m')
                        Day = day |> Option.map int
                })

    /// Moves by a number of seconds on JDN + time of day, first anchoring missing parts up to the target
    /// precision (month 1, day 1, the hour of the part of the day else 12:00, minute/second 0).
    let private moveSeconds (target: Precision) (delta: int64) (p: TemporalPoint) =
        let hour =
            match p.Hour, p.TimeOfDay with
            | Some h, _ -> h
            | None, Some t -> TemporalTables.representativeHour t
            | None, None -> TemporalTables.defaultHour

        let start =
            toJdn p * secondsPerDay
            + int64 hour * 3600L
            + int64 (defaultArg p.Minute 0) * 60L
            + int64 (defaultArg p.Second 0)

        let total = start + delta
        let jdn = JulianDay.floorDiv total secondsPerDay
        let sod = JulianDay.floorMod total secondsPerDay
        let a, m, d = JulianDay.toDate p.Calendar jdn
        let rank = precisionRank target
        let keep r v = if rank >= r then Some(int v) else None

        checkYear (JulianDay.toHistorical a)
        |> Result.map (fun year -> {
            p with
                Year = year
                Month = Some(int m)
                Day = Some(int d)
                Hour = keep 3 (sod / 3600L)
                Minute = keep 4 ((sod / 60L) % 60L)
                Second = keep 5 (sod % 60L)
        })

    /// Steps the point by n units (negative = backward) per the rules in docs/TEMPORAL.md.
    let stepBy (n: int64) (unit: TimeUnit) (p: TemporalPoint) : Result<TemporalPoint, TemporalError> =
        validate p
        |> Result.bind (fun p ->
            if n = 0L then
                Ok p
            else
                let target =
                    if precisionRank (Precision.ofUnit unit) > precisionRank (precision p) then
                        Precision.ofUnit unit
                    else
                        precision p

                let moved =
                    match unit with
                    | TimeUnit.Year -> moveMonths (n * 12L) true p
                    | TimeUnit.Month -> moveMonths n false p
                    | TimeUnit.Week -> moveSeconds target (n * 7L * secondsPerDay) p
                    | TimeUnit.Day -> moveSeconds target (n * secondsPerDay) p
                    | TimeUnit.Hour -> moveSeconds target (n * 3600L) p
                    | TimeUnit.Minute -> moveSeconds target (n * 60L) p
                    | TimeUnit.Second -> moveSeconds target n p

                moved |> Result.map refresh)

    /// Steps the point by n units (negative = backward).
    let step (n: int) (unit: TimeUnit) (p: TemporalPoint) = stepBy (int64 n) unit p

    /// Converts the labels of a dated point to another calendar (same day, same time of day).
    let relabel (calendar: Calendar) (p: TemporalPoint) : Result<TemporalPoint, TemporalError> =
        validate p
        |> Result.bind (fun p ->
            match p.Month, p.Day with
            | Some _, Some _ ->
                let a, m, d = JulianDay.toDate calendar (toJdn p)

                checkYear (JulianDay.toHistorical a)
                |> Result.map (fun year ->
                    refresh {
                        p with
                            Year = year
                            Month = Some(int m)
                            Day = Some(int d)
                            Calendar = calendar
                    })
            | _ -> Error(TemporalError.MissingComponent("calendar conversion", "day")))
