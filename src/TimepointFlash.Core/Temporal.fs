namespace TimepointFlash

open System.Text.Json.Nodes

/// The temporal algebra in one place: construction, validation, stepping, ordering, calendars, tables,
/// display, parsing and JSON. Semantics and laws: docs/TEMPORAL.md.
[<RequireQualifiedAccess>]
module Temporal =
    /// Earliest supported historical year (10000 BCE).
    let minYear = TemporalAlgebra.minYear

    /// Latest supported historical year.
    let maxYear = TemporalAlgebra.maxYear

    // ---------------------------------------------------------------------------------------------
    // Construction and validation

    /// Checks year range (never 0), contiguity, component ranges, month lengths and the 1582 reform gap.
    let validate (p: TemporalPoint) = TemporalAlgebra.validate p

    /// A year-precision point (historical numbering: -44 = 44 BCE).
    let create (year: int) =
        TemporalAlgebra.normalize (TemporalAlgebra.empty year)

    /// A month-precision point; season derived from the month (northern hemisphere).
    let ym (year: int) (month: int) =
        TemporalAlgebra.normalize {
            TemporalAlgebra.empty year with
                Month = Some month
        }

    /// A day-precision point in the historical calendar; season derived from the month.
    let ymd (year: int) (month: int) (day: int) =
        TemporalAlgebra.normalize {
            TemporalAlgebra.empty year with
                Month = Some month
                Day = Some day
        }

    /// A minute-precision point; season and part of the day derived.
    let ymdhm (year: int) (month: int) (day: int) (hour: int) (minute: int) =
        TemporalAlgebra.normalize {
            TemporalAlgebra.empty year with
                Month = Some month
                Day = Some day
                Hour = Some hour
                Minute = Some minute
        }

    /// A second-precision point; season and part of the day derived.
    let ymdhms (year: int) (month: int) (day: int) (hour: int) (minute: int) (second: int) =
        TemporalAlgebra.normalize {
            TemporalAlgebra.empty year with
                Month = Some month
                Day = Some day
                Hour = Some hour
                Minute = Some minute
                Second = Some second
        }

    /// Validates the point and derives season (from month) and part of the day (from hour) where known.
    let normalize (p: TemporalPoint) = TemporalAlgebra.normalize p

    // ---------------------------------------------------------------------------------------------
    // Queries

    /// The finest component the point carries.
    let precision (p: TemporalPoint) = TemporalAlgebra.precision p

    /// True for a BCE year.
    let isBce (p: TemporalPoint) = TemporalAlgebra.isBce p

    /// The year as "44 BCE" / "1776 CE".
    let displayYear (p: TemporalPoint) = TemporalFormat.displayYear p

    /// A historical year as "44 BCE" / "1776 CE".
    let yearLabel (year: int) = TemporalFormat.yearLabel year

    /// Julian Day Number of the point's first day (missing month/day = 1) in its calendar.
    let toJdn (p: TemporalPoint) = TemporalAlgebra.toJdn p

    /// Whole days from a to b (b later = positive); coarser points count from their first day.
    let daysBetween (a: TemporalPoint) (b: TemporalPoint) = TemporalAlgebra.daysBetween a b

    /// Total order (-1, 0, 1): by JDN, then time of day, coarser points anchored at their start.
    let compare (a: TemporalPoint) (b: TemporalPoint) = TemporalAlgebra.compare a b

    /// Season of a month (1..12) in a hemisphere.
    let seasonOf (hemisphere: Hemisphere) (month: int) =
        TemporalTables.seasonOf hemisphere month

    /// Part of the day of an hour (0..23).
    let timeOfDayOf (hour: int) = TemporalTables.timeOfDayOf hour

    /// The hour a step uses for a point that knows only its part of the day.
    let representativeHour (t: TimeOfDay) = TemporalTables.representativeHour t

    /// Era name of a historical year: 1776 -> "Early Modern".
    let eraOf (year: int) = TemporalTables.eraOf year

    // ---------------------------------------------------------------------------------------------
    // Stepping and calendars

    /// Steps n units (negative = backward); out of range, year 0 and invalid points are errors.
    let step (n: int) (unit: TimeUnit) (p: TemporalPoint) = TemporalAlgebra.step n unit p

    /// n units later.
    let next (n: int) (unit: TimeUnit) (p: TemporalPoint) = TemporalAlgebra.stepBy (int64 n) unit p

    /// n units earlier.
    let prior (n: int) (unit: TimeUnit) (p: TemporalPoint) =
        TemporalAlgebra.stepBy (-(int64 n)) unit p

    /// The same day labelled in the proleptic Gregorian calendar (needs a day).
    let toGregorianLabel (p: TemporalPoint) =
        TemporalAlgebra.relabel Calendar.Gregorian p

    /// The same day labelled in the proleptic Julian calendar (needs a day).
    let toJulianLabel (p: TemporalPoint) =
        TemporalAlgebra.relabel Calendar.Julian p

    /// The same day labelled under the historical convention (Julian before 1582-10-15, then Gregorian).
    let toHistoricalLabel (p: TemporalPoint) =
        TemporalAlgebra.relabel Calendar.Historical p

    // ---------------------------------------------------------------------------------------------
    // Text and JSON

    /// "July 4, 1776 CE", "March 15, 44 BCE", "1776 CE", "July 4, 1776 CE 14:30".
    let format (p: TemporalPoint) = TemporalFormat.format p

    /// format plus the part of the day: "July 4, 1776 CE (afternoon)".
    let formatLong (p: TemporalPoint) = TemporalFormat.formatLong p

    /// Reads "44 BCE", "476 AD", "March 15, 44 BCE", "1969-07-20", "c. 1500" and everything formatLong writes.
    let parse (text: string) = TemporalFormat.parse text

    /// The point as a snake_case JSON object (absent components are null).
    let toJson (p: TemporalPoint) : JsonObject = TemporalJson.encode p

    /// Reads and validates a point from a JSON object written by toJson.
    let ofJson (o: JsonObject) = TemporalJson.decode o

    /// A user-facing line for an error.
    let describeError (e: TemporalError) = TemporalError.describe e

    // ---------------------------------------------------------------------------------------------
    // Local calendars and the calendars of the world

    /// The calendar rules of a place: a known city or country and its region, or the universal 1582 rule.
    let placeRule (place: string) = CalendarRegions.ofPlace place

    /// The point as the place wrote it: historical-convention labels read in the place's calendar (a day its
    /// switch skipped is InReformGap), O.S./N.S.-marked points converted to the calendar the place used.
    let inPlace (place: string) (p: TemporalPoint) =
        LocalCalendar.ofPoint (CalendarRegions.regionOf (CalendarRegions.ofPlace place)) p

    /// Reads a date as written in a place, dual years included ("30 January 1648/9").
    let parseIn (place: string) (text: string) =
        LocalCalendar.parse (CalendarRegions.regionOf (CalendarRegions.ofPlace place)) text

    /// Steps n units in the local calendar (days the place skipped never appear).
    let stepLocal (n: int) (unit: TimeUnit) (lp: LocalPoint) = LocalCalendar.step n unit lp

    /// "25 October 1917 (Old Style) · 7 November 1917 (New Style)" or the local date alone.
    let displayLocal (lp: LocalPoint) = LocalCalendar.bothStyles lp

    /// The point in every calendar: JDN, weekday, Julian, Gregorian, dual year, AUC, Hijri, Hebrew, Japanese era.
    let calendars (lp: LocalPoint) = CalendarsView.ofLocal lp
