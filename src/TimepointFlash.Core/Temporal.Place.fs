namespace TimepointFlash

open System.Text.Json.Nodes

/// Stored points and their places: a timepoint stores its date as the place wrote it (historical-convention
/// labels, which the timeline agent is asked to give in the local calendar) and its location as text. This
/// module reads them as local points, steps them in the local calendar and derives the wire's calendar fields,
/// without changing how points are stored.
[<RequireQualifiedAccess>]
module PlaceCalendar =
    /// The region of an optional location (the universal 1582 rule when absent or unknown).
    let regionOf (location: string option) =
        location
        |> Option.map (CalendarRegions.ofPlace >> CalendarRegions.regionOf)
        |> Option.defaultValue CalendarRegions.universal

    /// A stored point read in its place: labels as the place wrote them; labels the place never had (a date
    /// given under the historical convention) are converted from that convention's day; a point marked Julian or
    /// Gregorian is converted from its calendar.
    let localize (location: string option) (p: TemporalPoint) : Result<LocalPoint, TemporalError> =
        let region = regionOf location

        match p.Calendar with
        | Calendar.Historical ->
            match LocalCalendar.ofLabels region p with
            | Ok lp -> Ok lp
            | Error e ->
                match p.Day, TemporalAlgebra.validate p with
                | Some _, Ok valid ->
                    TemporalAlgebra.relabel (LocalCalendar.calendarOn region (TemporalAlgebra.toJdn valid)) valid
                    |> Result.map (fun q -> { Point = q; Region = region })
                | _ -> Error e
        | _ -> LocalCalendar.ofPoint region p

    /// The local point in the stored shape: historical-convention labels when they are valid there, else the
    /// point marked with its calendar (a day the 1582 reform skipped that the place still had).
    let toStored (lp: LocalPoint) =
        let labels = {
            lp.Point with
                Calendar = Calendar.Historical
        }

        match TemporalAlgebra.validate labels with
        | Ok p -> p
        | Error _ -> lp.Point

    /// Steps a stored point n units in the calendar of its place; a point marked Julian or Gregorian keeps
    /// stepping in that calendar.
    let step (location: string option) (n: int) (unit: TimeUnit) (p: TemporalPoint) =
        match p.Calendar with
        | Calendar.Historical ->
            localize location p
            |> Result.bind (LocalCalendar.step n unit)
            |> Result.map toStored
        | _ -> TemporalAlgebra.step n unit p

    /// Wire name of a local calendar.
    let calendarName (c: Calendar) = CalendarsView.calendarName c

    /// The timepoint's calendar fields: calendar ("julian" | "gregorian"), region (its id) and dual_year; null
    /// when there is no date or it does not exist in the place.
    let wireFields (location: string option) (point: TemporalPoint option) : (string * JsonNode) list =
        let lp = point |> Option.bind (localize location >> Result.toOption)
        let str (v: string) = JsonValue.Create v :> JsonNode

        let opt f =
            lp |> Option.bind f |> Option.map str |> Option.toObj

        [
            "calendar", opt (fun lp -> Some(calendarName lp.Point.Calendar))
            "region", opt (fun lp -> Some lp.Region.Id)
            "dual_year", opt LocalCalendar.dualYear
        ]

    /// The timepoint's calendars object (tpflash calendar --json's shape), null without a date.
    let wireCalendars (location: string option) (point: TemporalPoint option) : JsonNode =
        point
        |> Option.bind (localize location >> Result.toOption)
        |> Option.map (fun lp -> CalendarsView.toJson (CalendarsView.ofLocal lp) :> JsonNode)
        |> Option.toObj

    /// One line for the timeline agent: the calendar the place wrote dates in that year, or None when the
    /// place is unknown or the year is before 1582. "In Russia dates were written in the Julian calendar (Old Style) until 31 January 1918."
    let promptNote (location: string option) (year: int option) =
        match location |> Option.map CalendarRegions.ofPlace, year with
        // Before 1582 every place is read in the Julian calendar, which the system prompt already says.
        | Some(PlaceRule.Known(_, r)), Some y when y >= 1582 ->
            let lastYear, _, _ = r.LastJulian
            let firstYear, _, _ = r.FirstGregorian

            let date (y, m, d) =
                $"{d} {TemporalFormat.monthNames[m - 1]} {y}"

            if y < lastYear then
                Some
                    $"In {r.Name} dates of that time were written in the Julian calendar (Old Style), which it used until {date r.LastJulian}; give the date as the place wrote it, the year beginning on 1 January."
            elif y > firstYear then
                Some
                    $"In {r.Name} dates of that time were written in the Gregorian calendar (from {date r.FirstGregorian})."
            else
                Some
                    $"In {r.Name} the calendar changed that year: Julian (Old Style) until {date r.LastJulian}, Gregorian from {date r.FirstGregorian}; give the date as the place wrote it."
        | _ -> None
