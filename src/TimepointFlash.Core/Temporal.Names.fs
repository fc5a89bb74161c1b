namespace TimepointFlash

open System

/// Wire names and case-insensitive parsing of time units.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TimeUnit =
    /// Every unit, finest first.
    let all = [
        TimeUnit.Second
        TimeUnit.Minute
        TimeUnit.Hour
        TimeUnit.Day
        TimeUnit.Week
        TimeUnit.Month
        TimeUnit.Year
    ]

    /// The lower-case singular name ("day").
    let name =
        function
        | TimeUnit.Second -> "second"
        | TimeUnit.Minute -> "minute"
        | TimeUnit.Hour -> "hour"
        | TimeUnit.Day -> "day"
        | TimeUnit.Week -> "week"
        | TimeUnit.Month -> "month"
        | TimeUnit.Year -> "year"

    /// Reads a unit name, case-insensitively, singular or plural ("Days"); anything else is UnknownUnit.
    let parse (text: string) : Result<TimeUnit, TemporalError> =
        let key = if isNull text then "" else text.Trim().ToLowerInvariant()

        all
        |> List.tryFind (fun u -> key = name u || key = name u + "s")
        |> function
            | Some u -> Ok u
            | None -> Error(TemporalError.UnknownUnit(if isNull text then "" else text))

/// Wire names of seasons.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Season =
    /// Every season in calendar order from spring.
    let all = [ Season.Spring; Season.Summer; Season.Fall; Season.Winter ]

    /// The lower-case name; autumn is written "fall".
    let name =
        function
        | Season.Spring -> "spring"
        | Season.Summer -> "summer"
        | Season.Fall -> "fall"
        | Season.Winter -> "winter"

    /// Reads a season name case-insensitively; "autumn" is accepted as fall.
    let parse (text: string) : Result<Season, TemporalError> =
        let key = if isNull text then "" else text.Trim().ToLowerInvariant()

        if key = "autumn" then
            Ok Season.Fall
        else
            match all |> List.tryFind (fun s -> name s = key) with
            | Some s -> Ok s
            | None -> Error(TemporalError.UnknownName("season", if isNull text then "" else text))

/// Wire names of the parts of the day.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TimeOfDay =
    /// Every part of the day, in clock order from midnight.
    let all = [
        TimeOfDay.Midnight
        TimeOfDay.Dawn
        TimeOfDay.Morning
        TimeOfDay.Midday
        TimeOfDay.Afternoon
        TimeOfDay.Dusk
        TimeOfDay.Evening
        TimeOfDay.Night
    ]

    /// The lower-case name ("afternoon").
    let name =
        function
        | TimeOfDay.Dawn -> "dawn"
        | TimeOfDay.Morning -> "morning"
        | TimeOfDay.Midday -> "midday"
        | TimeOfDay.Afternoon -> "afternoon"
        | TimeOfDay.Evening -> "evening"
        | TimeOfDay.Dusk -> "dusk"
        | TimeOfDay.Night -> "night"
        | TimeOfDay.Midnight -> "midnight"

    /// Reads a part-of-day name case-insensitively ("noon" is accepted as midday).
    let parse (text: string) : Result<TimeOfDay, TemporalError> =
        let key = if isNull text then "" else text.Trim().ToLowerInvariant()

        if key = "noon" then
            Ok TimeOfDay.Midday
        else
            match all |> List.tryFind (fun t -> name t = key) with
            | Some t -> Ok t
            | None -> Error(TemporalError.UnknownName("time_of_day", if isNull text then "" else text))

/// Wire names of hemispheres.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Hemisphere =
    /// The lower-case name ("northern").
    let name =
        function
        | Hemisphere.Northern -> "northern"
        | Hemisphere.Southern -> "southern"

    /// Reads "northern"/"southern" (or "north"/"south", "n"/"s") case-insensitively.
    let parse (text: string) : Result<Hemisphere, TemporalError> =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "northern"
        | "north"
        | "n" -> Ok Hemisphere.Northern
        | "southern"
        | "south"
        | "s" -> Ok Hemisphere.Southern
        | _ -> Error(TemporalError.UnknownName("hemisphere", if isNull text then "" else text))

/// Wire names of calendar conventions.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Calendar =
    /// The lower-case name ("historical").
    let name =
        function
        | Calendar.Historical -> "historical"
        | Calendar.Julian -> "julian"
        | Calendar.Gregorian -> "gregorian"

    /// Reads "historical", "julian" or "gregorian" case-insensitively.
    let parse (text: string) : Result<Calendar, TemporalError> =
        match (if isNull text then "" else text.Trim().ToLowerInvariant()) with
        | "historical" -> Ok Calendar.Historical
        | "julian" -> Ok Calendar.Julian
        | "gregorian" -> Ok Calendar.Gregorian
        | _ -> Error(TemporalError.UnknownName("calendar", if isNull text then "" else text))

/// Wire names of precisions.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Precision =
    /// The lower-case name ("day").
    let name =
        function
        | Precision.Year -> "year"
        | Precision.Month -> "month"
        | Precision.Day -> "day"
        | Precision.Hour -> "hour"
        | Precision.Minute -> "minute"
        | Precision.Second -> "second"

    /// The precision a step in this unit produces (a week is counted in days).
    let ofUnit =
        function
        | TimeUnit.Second -> Precision.Second
        | TimeUnit.Minute -> Precision.Minute
        | TimeUnit.Hour -> Precision.Hour
        | TimeUnit.Day
        | TimeUnit.Week -> Precision.Day
        | TimeUnit.Month -> Precision.Month
        | TimeUnit.Year -> Precision.Year

/// Human-readable descriptions of temporal errors.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TemporalError =
    /// One line explaining the error to a user.
    let describe =
        function
        | TemporalError.YearZero -> "there is no year 0: 1 BCE is followed by 1 CE"
        | TemporalError.YearOutOfRange y -> $"year {y} is outside the supported range -10000 (10000 BCE) to 3000"
        | TemporalError.MonthOutOfRange m -> $"month {m} is not between 1 and 12"
        | TemporalError.DayOutOfRange(y, m, d) -> $"day {d} does not exist in month {m} of year {y}"
        | TemporalError.HourOutOfRange h -> $"hour {h} is not between 0 and 23"
        | TemporalError.MinuteOutOfRange m -> $"minute {m} is not between 0 and 59"
        | TemporalError.SecondOutOfRange s -> $"second {s} is not between 0 and 59"
        | TemporalError.MissingComponent(present, missing) -> $"a {present} needs a {missing}"
        | TemporalError.InReformGap(1582, 10, d) ->
            $"1582-10-%02d{d} does not exist: the Gregorian reform skipped 1582-10-05 to 1582-10-14"
        | TemporalError.InReformGap(y, m, d) ->
            $"{y}-%02d{m}-%02d{d} does not exist there: the switch to the Gregorian calendar skipped it"
        | TemporalError.Unparseable text -> $"cannot read a date from \"{String.truncate 80 text}\""
        | TemporalError.UnknownUnit text ->
            $"unknown time unit \"{String.truncate 40 text}\" (second, minute, hour, day, week, month, year)"
        | TemporalError.UnknownName(kind, text) -> $"unknown {kind} \"{String.truncate 40 text}\""
        | TemporalError.InvalidField(field, reason) -> $"field {field}: {reason}"
