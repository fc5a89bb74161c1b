namespace TimepointFlash

open System.Text.Json.Nodes

/// A (year, month, day) in some calendar; years in that calendar's own numbering (historical for Julian and
/// Gregorian: negative = BCE).
type CalendarDate = { Year: int; Month: int; Day: int }

/// One point shown in the calendars of the world. Parts a point cannot have (no day, outside a calendar's
/// range) are None.
type CalendarsView = {
    Local: LocalPoint
    Display: string
    Gregorian: CalendarDate option
    Julian: CalendarDate option
    Jdn: int64 option
    Weekday: string option
    DualYear: string option
    Auc: int option
    Hijri: CalendarDate option
    Hebrew: CalendarDate option
    JapaneseEra: (string * int) option
}

/// Every calendar of a local point at once, and its JSON (the shape `tpflash calendar --json` prints).
[<RequireQualifiedAccess>]
module CalendarsView =
    let private date (y: int64, m: int64, d: int64) = {
        Year = int y
        Month = int m
        Day = int d
    }

    let private historical (a: int64, m, d) = date (JulianDay.toHistorical a, m, d)

    /// All calendars of a local point; day-level calendars need a day, AUC only a year.
    let ofLocal (lp: LocalPoint) : CalendarsView =
        let jdn = lp.Point.Day |> Option.map (fun _ -> LocalCalendar.toJdn lp)

        {
            Local = lp
            Display = LocalCalendar.display lp
            Gregorian = jdn |> Option.map (JulianDay.toGregorian >> historical)
            Julian = jdn |> Option.map (JulianDay.toJulian >> historical)
            Jdn = jdn
            Weekday = jdn |> Option.map WorldCalendars.weekday
            DualYear = LocalCalendar.dualYear lp
            Auc = WorldCalendars.auc lp.Point.Year
            Hijri = jdn |> Option.bind WorldCalendars.toIslamic |> Option.map date
            Hebrew = jdn |> Option.bind WorldCalendars.toHebrew |> Option.map date
            JapaneseEra = jdn |> Option.bind WorldCalendars.toJapaneseEra
        }

    /// Every key toJson writes, in order.
    let keys = [
        "local"
        "gregorian"
        "julian"
        "jdn"
        "weekday"
        "dual_year"
        "auc"
        "hijri"
        "hebrew"
        "japanese_era"
    ]

    let private ofDate (d: CalendarDate option) : JsonNode =
        match d with
        | Some d ->
            let o = JsonObject()
            o["year"] <- JsonValue.Create d.Year
            o["month"] <- JsonValue.Create d.Month
            o["day"] <- JsonValue.Create d.Day
            o
        | None -> null

    let private ofOption (f: 'a -> JsonNode) (v: 'a option) : JsonNode =
        match v with
        | Some x -> f x
        | None -> null

    /// Wire name of a local calendar: "julian" or "gregorian".
    let calendarName (c: Calendar) =
        match c with
        | Calendar.Julian -> "julian"
        | Calendar.Gregorian -> "gregorian"
        | Calendar.Historical -> "historical"

    /// {local: {calendar, year, month, day, display}, gregorian: {year, month, day}, julian, jdn, weekday,
    /// dual_year, auc, hijri, hebrew, japanese_era: {era, year}}; absent parts null.
    let toJson (v: CalendarsView) : JsonObject =
        let p = v.Local.Point
        let local = JsonObject()
        local["calendar"] <- JsonValue.Create(calendarName p.Calendar)
        local["year"] <- JsonValue.Create p.Year
        local["month"] <- ofOption (fun (m: int) -> JsonValue.Create m) p.Month
        local["day"] <- ofOption (fun (d: int) -> JsonValue.Create d) p.Day
        local["display"] <- JsonValue.Create v.Display
        let o = JsonObject()
        o["local"] <- local
        o["gregorian"] <- ofDate v.Gregorian
        o["julian"] <- ofDate v.Julian
        o["jdn"] <- ofOption (fun (j: int64) -> JsonValue.Create j) v.Jdn
        o["weekday"] <- ofOption (fun (w: string) -> JsonValue.Create w) v.Weekday
        o["dual_year"] <- ofOption (fun (w: string) -> JsonValue.Create w) v.DualYear
        o["auc"] <- ofOption (fun (a: int) -> JsonValue.Create a) v.Auc
        o["hijri"] <- ofDate v.Hijri
        o["hebrew"] <- ofDate v.Hebrew

        o["japanese_era"] <-
            ofOption
                (fun (era: string, year: int) ->
                    let e = JsonObject()
                    e["era"] <- JsonValue.Create era
                    e["year"] <- JsonValue.Create year
                    e)
                v.JapaneseEra

        o

    /// The other calendars as (label, text) rows for a page: Julian, Gregorian, JDN, weekday, AUC, Hijri,
    /// Hebrew, Japanese era; absent ones left out.
    let rows (v: CalendarsView) =
        let text (d: CalendarDate) months = $"{d.Day} {months d} {d.Year}"

        let western (d: CalendarDate) =
            LocalCalendar.dateText
                {
                    TemporalAlgebra.empty d.Year with
                        Month = Some d.Month
                        Day = Some d.Day
                }
                None

        [
            v.Julian |> Option.map (fun d -> "Julian", western d)
            v.Gregorian |> Option.map (fun d -> "Gregorian", western d)
            v.Jdn |> Option.map (fun j -> "Julian Day Number", string j)
            v.Weekday |> Option.map (fun w -> "Weekday", w)
            v.Auc |> Option.map (fun a -> "Ab urbe condita", $"{a} AUC")
            v.Hijri
            |> Option.map (fun d ->
                "Islamic (arithmetical)", text d (fun d -> WorldCalendars.islamicMonthNames[d.Month - 1]) + " AH")
            v.Hebrew
            |> Option.map (fun d ->
                "Hebrew",
                text d (fun d -> WorldCalendars.hebrewMonthName (int64 d.Year) (int64 d.Month))
                + " AM")
            v.JapaneseEra |> Option.map (fun (era, year) -> "Japanese era", $"{era} {year}")
        ]
        |> List.choose id
