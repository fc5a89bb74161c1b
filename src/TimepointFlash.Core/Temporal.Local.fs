namespace TimepointFlash

open System
open System.Text.RegularExpressions

/// A point as a place wrote it: the labels are in the calendar the region used that day (Point.Calendar is
/// Julian or Gregorian, never Historical) and the region says whose rules apply.
type LocalPoint = {
    Point: TemporalPoint
    Region: CalendarRegion
}

/// Local calendars: reading, stepping and displaying dates in the calendar a region used, across its switch
/// from Julian to Gregorian. Conversion runs on the Julian Day Number. Conventions: docs/TEMPORAL.md.
[<RequireQualifiedAccess>]
module LocalCalendar =
    /// One ordered number for a date label (astronomical year, month, day): cheaper than comparing tuples.
    let private order (a: int64) (m: int64) (d: int64) = (a * 100L + m) * 100L + d

    let private label (y: int, m: int, d: int) =
        order (JulianDay.toAstronomical (int64 y)) (int64 m) (int64 d)

    /// The calendar a region used for a date label (astronomical year); None for labels its switch skipped.
    let calendarOfLabel (r: CalendarRegion) (a: int64) (m: int64) (d: int64) =
        let key = order a m d

        if key <= label r.LastJulian then
            Some Calendar.Julian
        elif key >= label r.FirstGregorian then
            Some Calendar.Gregorian
        else
            None

    /// The calendar a region used on a day.
    let calendarOn (r: CalendarRegion) (jdn: int64) =
        if jdn >= CalendarRegions.switchJdn r then
            Calendar.Gregorian
        else
            Calendar.Julian

    /// Labels of a month as written locally (the calendar of its first day; the labels a switch skipped count).
    let monthLength (r: CalendarRegion) (a: int64) (m: int64) =
        let calendar = calendarOfLabel r a m 1L |> Option.defaultValue Calendar.Gregorian

        JulianDay.monthLength calendar a m

    /// Reads a point's labels as the place wrote them (its Calendar is ignored): the region's calendar for that
    /// label, InReformGap for a day its switch skipped, then the usual validation.
    let ofLabels (r: CalendarRegion) (p: TemporalPoint) : Result<LocalPoint, TemporalError> =
        TemporalAlgebra.checkYear (int64 p.Year)
        |> Result.bind (fun _ ->
            let a = JulianDay.toAstronomical (int64 p.Year)
            let m = defaultArg p.Month 1

            match p.Day, calendarOfLabel r a (int64 m) (int64 (defaultArg p.Day 1)) with
            | Some d, None when m >= 1 && m <= 12 -> Error(TemporalError.InReformGap(p.Year, m, d))
            | _, calendar ->
                TemporalAlgebra.validate {
                    p with
                        Calendar = defaultArg calendar Calendar.Gregorian
                }
                |> Result.map (fun p -> {
                    Point = TemporalAlgebra.refresh p
                    Region = r
                }))

    /// A point in the region: labels in the historical convention are read as the place wrote them; a point
    /// marked Julian or Gregorian (O.S./N.S.) is converted to the calendar the place used that day.
    let ofPoint (r: CalendarRegion) (p: TemporalPoint) : Result<LocalPoint, TemporalError> =
        match p.Calendar, p.Day with
        | Calendar.Historical, _
        | _, None -> ofLabels r p
        | _, Some _ ->
            TemporalAlgebra.validate p
            |> Result.bind (fun p -> TemporalAlgebra.relabel (calendarOn r (TemporalAlgebra.toJdn p)) p)
            |> Result.map (fun p -> { Point = p; Region = r })

    /// The day with this JDN as the place wrote it (day precision); YearOutOfRange outside the supported years.
    let ofJdn (r: CalendarRegion) (jdn: int64) : Result<LocalPoint, TemporalError> =
        let a, m, d = JulianDay.toDate (calendarOn r jdn) jdn

        TemporalAlgebra.checkYear (JulianDay.toHistorical a)
        |> Result.bind (fun year ->
            ofLabels r {
                TemporalAlgebra.empty year with
                    Month = Some(int m)
                    Day = Some(int d)
            })

    /// JDN of the point's first day.
    let toJdn (lp: LocalPoint) = TemporalAlgebra.toJdn lp.Point

    /// Whole days from a to b: the JDN difference, which counts only the days that existed locally.
    let daysBetween (a: LocalPoint) (b: LocalPoint) = toJdn b - toJdn a

    let private moveMonths (months: int64) (keepYearOnly: bool) (lp: LocalPoint) =
        let p = lp.Point
        let a = JulianDay.toAstronomical (int64 p.Year)
        let total = a * 12L + int64 (defaultArg p.Month 1 - 1) + months
        let a' = JulianDay.floorDiv total 12L
        let m' = JulianDay.floorMod total 12L + 1L

        TemporalAlgebra.checkYear (JulianDay.toHistorical a')
        |> Result.bind (fun year ->
            if keepYearOnly && p.Month.IsNone then
                ofLabels lp.Region { p with Year = year }
            else
                match p.Day with
                | None ->
                    ofLabels lp.Region {
                        p with
                            Year = year
                            Month = Some(int m')
                    }
                | Some d ->
                    let clamped = min (int64 d) (monthLength lp.Region a' m')

                    let y, m, d =
                        match calendarOfLabel lp.Region a' m' clamped with
                        | Some _ -> year, int m', int clamped
                        | None -> lp.Region.FirstGregorian

                    ofLabels lp.Region {
                        p with
                            Year = y
                            Month = Some m
                            Day = Some d
                    })

    /// Steps n units in the local calendar: days, weeks and finer run on the JDN and are read back in the
    /// calendar the place used that day (so the days a switch skipped never appear); months and years move
    /// the local labels, clamp the day to the local month and move a skipped day to the first Gregorian day.
    let stepBy (n: int64) (unit: TimeUnit) (lp: LocalPoint) : Result<LocalPoint, TemporalError> =
        if n = 0L then
            Ok lp
        else
            match unit with
            | TimeUnit.Year -> moveMonths (n * 12L) true lp
            | TimeUnit.Month -> moveMonths n false lp
            | _ ->
                TemporalAlgebra.stepBy n unit lp.Point
                |> Result.bind (fun p -> ofPoint lp.Region p)

    /// Steps n units in the local calendar (negative = backward).
    let step (n: int) (unit: TimeUnit) (lp: LocalPoint) = stepBy (int64 n) unit lp

    // ---------------------------------------------------------------------------------------------
    // Dual years

    /// "1648/9" for the year before 1649; the full year after the slash when the century changes ("1699/1700").
    let dualLabel (year: int) =
        let before = string (year - 1)
        let current = string year

        let common =
            Seq.zip before current |> Seq.takeWhile (fun (x, y) -> x = y) |> Seq.length

        if before.Length <> current.Length || common < 2 then
            $"{before}/{current}"
        else
            $"{before}/{current.Substring common}"

    /// True for 1 January – 24 March (the days the English legal year counted in the year before).
    let private inDualSpan (p: TemporalPoint) =
        match p.Month, p.Day with
        | Some m, _ when m <= 2 -> true
        | Some 3, Some d -> d <= 24
        | _ -> false

    /// The dual year of a Julian date between 1 January and 24 March in a region whose legal year began on
    /// 25 March (England until 1751): "1648/9" for 30 January 1649. None elsewhere.
    let dualYear (lp: LocalPoint) =
        let p = lp.Point

        if
            lp.Region.DualYears
            && p.Calendar = Calendar.Julian
            && p.Year >= 1155
            && p.Year <= 1751
            && inDualSpan p
        then
            Some(dualLabel p.Year)
        else
            None

    // ---------------------------------------------------------------------------------------------
    // Text

    let private dualInput =
        Regex(@"\b(\d{3,4})\s*/\s*(\d{1,4})\b", RegexOptions.CultureInvariant)

    /// Reads the text's labels as the place wrote them; a text marked O.S./N.S. (Julian/Gregorian) is converted.
    let private readLocal (r: CalendarRegion) (original: string) (text: string) =
        match TemporalFormat.parse text with
        | Ok p when p.Calendar <> Calendar.Historical -> ofPoint r p
        | _ ->
            // Julian labels include every label of either calendar, so no label is refused before the region
            // decides which calendar it is in.
            match TemporalFormat.parse (text + " (julian)") with
            | Ok p -> ofLabels r p
            | Error(TemporalError.Unparseable _) -> Error(TemporalError.Unparseable original)
            | Error e -> Error e

    /// Reads a date as the place wrote it: everything Temporal.parse reads, plus dual years ("30 January 1648/9"
    /// is 30 January 1649, the historians' January-first year, which is also accepted as written).
    let parse (r: CalendarRegion) (text: string) : Result<LocalPoint, TemporalError> =
        let original = if isNull text then "" else text
        let m = dualInput.Match original

        if not m.Success then
            readLocal r original original
        else
            let later = string (int m.Groups[1].Value + 1)
            let tail = m.Groups[2].Value

            if tail.Length > later.Length || not (later.EndsWith tail) then
                Error(TemporalError.Unparseable original)
            else
                let rewritten =
                    original.Substring(0, m.Index) + later + original.Substring(m.Index + m.Length)

                readLocal r original rewritten
                |> Result.bind (fun lp ->
                    if inDualSpan lp.Point then
                        Ok lp
                    else
                        Error(TemporalError.Unparseable original))

    let private yearText (year: int) =
        if year < 0 then $"{-(int64 year)} BCE"
        elif year < 1000 then $"{year} CE"
        else string year

    let private two (v: int) =
        v.ToString("00", Globalization.CultureInfo.InvariantCulture)

    /// "25 October 1917", "30 January 1648/9", "15 March 44 BCE", "October 1917", "1917"; a clock when known.
    let dateText (p: TemporalPoint) (dual: string option) =
        let year = dual |> Option.defaultValue (yearText p.Year)
        let month m = TemporalFormat.monthNames[m - 1]

        let date =
            match p.Month, p.Day with
            | Some m, Some d -> $"{d} {month m} {year}"
            | Some m, None -> $"{month m} {year}"
            | None, _ -> year

        match p.Hour, p.Minute with
        | Some h, mi -> $"{date} {two h}:{two (defaultArg mi 0)}"
        | None, _ -> date

    /// True for a Julian date written after the reform of 1582, which historians mark Old Style.
    let isOldStyle (lp: LocalPoint) =
        lp.Point.Calendar = Calendar.Julian && toJdn lp >= JulianDay.reformJdn

    /// The date as the place wrote it: "25 October 1917 (Old Style)", "30 January 1648/9 (Old Style)",
    /// "14 September 1752", "15 March 44 BCE".
    let display (lp: LocalPoint) =
        let text = dateText lp.Point (dualYear lp)
        if isOldStyle lp then text + " (Old Style)" else text

    /// Both styles for an Old Style date: "25 October 1917 (Old Style) · 7 November 1917 (New Style)";
    /// otherwise the local display.
    let bothStyles (lp: LocalPoint) =
        match isOldStyle lp, TemporalAlgebra.relabel Calendar.Gregorian lp.Point with
        | true, Ok g -> $"{display lp} · {dateText g None} (New Style)"
        | _ -> display lp
