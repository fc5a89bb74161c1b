module TimepointFlash.Tests.TemporalCalendarTests

open Expecto
open TimepointFlash

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failtestf "unexpected error %A" e

/// Every JDN from 10000 BCE to 3000 CE in the calendar round-trips and consecutive JDNs are consecutive dates.
let private sweep (calendar: Calendar) =
    let first = JulianDay.ofDate calendar (JulianDay.toAstronomical -10000L) 1L 1L
    let last = JulianDay.ofDate calendar 3000L 12L 31L
    let mutable previous = JulianDay.toDate calendar (first - 1L)

    for jdn in first..last do
        let a, m, d as date = JulianDay.toDate calendar jdn

        if JulianDay.ofDate calendar a m d <> jdn then
            failtestf "%A: JDN %d -> %A does not come back" calendar jdn date

        if d < 1L || d > JulianDay.monthLength calendar a m then
            failtestf "%A: JDN %d -> %A is not a real day" calendar jdn date

        let pa, pm, pd = previous

        let consecutive =
            (a = pa && m = pm && d = pd + 1L)
            || (a = pa && m = pm + 1L && d = 1L)
            || (a = pa + 1L && m = 1L && pm = 12L && d = 1L)
            || (calendar = Calendar.Historical && jdn = JulianDay.reformJdn)

        if not consecutive then
            failtestf "%A: %A does not follow %A" calendar date previous

        previous <- date

    last - first + 1L

let tests =
    testList "Calendar" [
        test "every day from 10000 BCE to 3000 CE round-trips through the JDN in all three calendars" {
            for calendar in [ Calendar.Historical; Calendar.Julian; Calendar.Gregorian ] do
                Expect.isGreaterThan (sweep calendar) 4_700_000L $"{calendar} covers the whole range"
        }

        test "known Julian Day Numbers" {
            Expect.equal (JulianDay.ofGregorian 2000L 1L 1L) 2451545L "J2000.0 falls on JDN 2451545"
            Expect.equal (JulianDay.ofJulian -4712L 1L 1L) 0L "JDN 0 is January 1, 4713 BCE (Julian)"
            Expect.equal (JulianDay.ofDate Calendar.Historical 1582L 10L 15L) 2299161L "first Gregorian day"
            Expect.equal (JulianDay.ofDate Calendar.Historical 1582L 10L 4L) 2299160L "last Julian day"
            Expect.equal (JulianDay.ofGregorian 1969L 7L 20L) 2440423L "Apollo 11 landing"
        }

        test "1900 is not a Gregorian leap year but is a Julian one; 1600 and 2000 are both" {
            Expect.isFalse (JulianDay.isGregorianLeap 1900L) "1900 Gregorian"
            Expect.isTrue (JulianDay.isJulianLeap 1900L) "1900 Julian"
            Expect.isTrue (JulianDay.isGregorianLeap 1600L) "1600 Gregorian"
            Expect.isTrue (JulianDay.isGregorianLeap 2000L) "2000 Gregorian"

            Expect.isOk
                (Temporal.validate {
                    (ok (Temporal.ymd 1900 2 28)) with
                        Day = Some 29
                        Calendar = Calendar.Julian
                })
                "Julian Feb 29, 1900"

            Expect.equal
                (Temporal.ymd 1900 2 29)
                (Error(TemporalError.DayOutOfRange(1900, 2, 29)))
                "historical 1900 is Gregorian"

            Expect.isOk (Temporal.ymd 1600 2 29) "Feb 29, 1600"
            Expect.isOk (Temporal.ymd 1500 2 29) "historical 1500 is Julian, so leap"
        }

        test "1 BCE and 5 BCE are Julian leap years, 2 BCE and 44 BCE are not" {
            Expect.isOk (Temporal.ymd -1 2 29) "1 BCE"
            Expect.isOk (Temporal.ymd -5 2 29) "5 BCE"
            Expect.equal (Temporal.ymd -2 2 29) (Error(TemporalError.DayOutOfRange(-2, 2, 29))) "2 BCE"
            Expect.equal (Temporal.ymd -44 2 29) (Error(TemporalError.DayOutOfRange(-44, 2, 29))) "44 BCE"
            Expect.isOk (Temporal.ymd -45 2 29) "45 BCE (astronomical -44)"
        }

        test "the days 1582-10-05 to 1582-10-14 do not exist under the historical convention" {
            for day in 5..14 do
                Expect.equal (Temporal.ymd 1582 10 day) (Error(TemporalError.InReformGap(1582, 10, day))) $"day {day}"

            Expect.isOk (Temporal.ymd 1582 10 4) "October 4"
            Expect.isOk (Temporal.ymd 1582 10 15) "October 15"

            Expect.isOk
                (Temporal.validate {
                    (ok (Temporal.ymd 1582 10 4)) with
                        Day = Some 10
                        Calendar = Calendar.Julian
                })
                "Julian label"

            Expect.isOk
                (Temporal.validate {
                    (ok (Temporal.ymd 1582 10 4)) with
                        Day = Some 10
                        Calendar = Calendar.Gregorian
                })
                "Gregorian label"
        }

        test "converting labels: 1582-10-04 Julian is 1582-10-14 Gregorian, 1776-07-04 is 1776-06-23 Julian" {
            let converted =
                Temporal.ymd 1582 10 4 |> Result.bind Temporal.toGregorianLabel |> ok

            Expect.equal (converted.Year, converted.Month, converted.Day) (1582, Some 10, Some 14) "Gregorian label"
            Expect.equal converted.Calendar Calendar.Gregorian "calendar"
            let julian = Temporal.ymd 1776 7 4 |> Result.bind Temporal.toJulianLabel |> ok
            Expect.equal (julian.Year, julian.Month, julian.Day) (1776, Some 6, Some 23) "Julian label"
            Expect.equal (Temporal.daysBetween julian (ok (Temporal.ymd 1776 7 4))) 0L "same day"
            Expect.equal (Temporal.format julian) "June 23, 1776 CE (Julian)" "shown with its calendar"
            Expect.equal (Temporal.toHistoricalLabel julian |> Result.map Temporal.format) (Ok "July 4, 1776 CE") "back"
        }

        test "March 1, 1 CE is February 27, 1 CE in the proleptic Gregorian calendar (two days apart before 100 CE)" {
            let g = Temporal.ymd 1 3 1 |> Result.bind Temporal.toGregorianLabel |> ok
            Expect.equal (g.Month, g.Day) (Some 2, Some 27) "two days earlier"
        }

        test "a calendar conversion needs a day and stays in range" {
            Expect.equal
                (Temporal.create 1776 |> Result.bind Temporal.toGregorianLabel)
                (Error(TemporalError.MissingComponent("calendar conversion", "day")))
                "year only"

            Expect.equal
                (Temporal.ymd -10000 1 1 |> Result.bind Temporal.toGregorianLabel)
                (Error(TemporalError.YearOutOfRange -10001))
                "falls before 10000 BCE"
        }
    ]
