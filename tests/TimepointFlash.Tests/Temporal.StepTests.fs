module TimepointFlash.Tests.TemporalStepTests

open Expecto
open TimepointFlash

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failtestf "unexpected error %A" e

/// Steps a point given as text and formats the result.
let private stepText (text: string) n unit =
    Temporal.parse text
    |> Result.bind (Temporal.step n unit)
    |> Result.map Temporal.format

let private ymd y m d = ok (Temporal.ymd y m d)

let tests =
    testList "Step" [
        testList "stepping across boundaries" [
            test "December 31, 1 BCE + 1 day is January 1, 1 CE, and back" {
                Expect.equal (Temporal.step 1 TimeUnit.Day (ymd -1 12 31)) (Temporal.ymd 1 1 1) "forward"
                Expect.equal (Temporal.step -1 TimeUnit.Day (ymd 1 1 1)) (Temporal.ymd -1 12 31) "backward"
            }

            test "1 BCE + 1 year is 1 CE and 1 CE - 1 year is 1 BCE" {
                Expect.equal (Temporal.step 1 TimeUnit.Year (ok (Temporal.create -1))) (Temporal.create 1) "forward"
                Expect.equal (Temporal.step -1 TimeUnit.Year (ok (Temporal.create 1))) (Temporal.create -1) "backward"

                Expect.equal
                    (Temporal.step 1 TimeUnit.Month (ok (Temporal.ym -1 12)))
                    (Temporal.ym 1 1)
                    "December 1 BCE + 1 month"

                Expect.equal
                    (Temporal.step 2 TimeUnit.Year (ok (Temporal.create -1)))
                    (Temporal.create 2)
                    "1 BCE + 2 years"
            }

            test "October 4, 1582 + 1 day is October 15, 1582 and the reverse" {
                Expect.equal (Temporal.step 1 TimeUnit.Day (ymd 1582 10 4)) (Temporal.ymd 1582 10 15) "forward"
                Expect.equal (Temporal.step -1 TimeUnit.Day (ymd 1582 10 15)) (Temporal.ymd 1582 10 4) "backward"
                Expect.equal (Temporal.daysBetween (ymd 1582 10 4) (ymd 1582 10 15)) 1L "one day apart"
            }

            test "a month or year step landing in the reform gap moves to October 15, 1582" {
                Expect.equal (Temporal.step 1 TimeUnit.Month (ymd 1582 9 10)) (Temporal.ymd 1582 10 15) "month"
                Expect.equal (Temporal.step 1 TimeUnit.Year (ymd 1581 10 5)) (Temporal.ymd 1582 10 15) "year"
            }

            test "month-end days are clamped to the target month" {
                Expect.equal (Temporal.step 1 TimeUnit.Month (ymd 2023 1 31)) (Temporal.ymd 2023 2 28) "Jan 31 2023"
                Expect.equal (Temporal.step 1 TimeUnit.Month (ymd 2024 1 31)) (Temporal.ymd 2024 2 29) "Jan 31 2024"

                Expect.equal
                    (Temporal.step 1 TimeUnit.Month (ymd 1900 1 31))
                    (Temporal.ymd 1900 2 28)
                    "1900 is not leap"

                Expect.equal (Temporal.step 3 TimeUnit.Month (ymd 2023 1 31)) (Temporal.ymd 2023 4 30) "April"
                Expect.equal (Temporal.step 1 TimeUnit.Year (ymd 2024 2 29)) (Temporal.ymd 2025 2 28) "Feb 29 + 1 year"
                Expect.equal (Temporal.step 4 TimeUnit.Year (ymd 2024 2 29)) (Temporal.ymd 2028 2 29) "Feb 29 + 4 years"
                Expect.equal (Temporal.step 1 TimeUnit.Month (ymd -5 1 31)) (Temporal.ymd -5 2 29) "5 BCE is leap"
            }

            test "the ends of the range are errors, never exceptions" {
                Expect.equal
                    (Temporal.step 1 TimeUnit.Day (ymd 3000 12 31))
                    (Error(TemporalError.YearOutOfRange 3001))
                    "past 3000"

                Expect.equal
                    (Temporal.step -1 TimeUnit.Day (ymd -10000 1 1))
                    (Error(TemporalError.YearOutOfRange -10001))
                    "before 10000 BCE"

                Expect.equal
                    (Temporal.step 1 TimeUnit.Year (ok (Temporal.create 3000)))
                    (Error(TemporalError.YearOutOfRange 3001))
                    "year"

                Expect.equal
                    (Temporal.step 1 TimeUnit.Second (ok (Temporal.ymdhms 3000 12 31 23 59 59)))
                    (Error(TemporalError.YearOutOfRange 3001))
                    "second"

                Expect.equal
                    (Temporal.step System.Int32.MaxValue TimeUnit.Year (ok (Temporal.create 1)))
                    (Error(TemporalError.YearOutOfRange System.Int32.MaxValue))
                    "huge"

                Expect.isError
                    (Temporal.prior System.Int32.MinValue TimeUnit.Week (ymd 1 1 1))
                    "prior of Int32.MinValue weeks"
            }

            test "stepping an invalid point returns its validation error" {
                let bad = { (ymd 2023 2 28) with Day = Some 30 }

                Expect.equal
                    (Temporal.step 1 TimeUnit.Day bad)
                    (Error(TemporalError.DayOutOfRange(2023, 2, 30)))
                    "Feb 30"

                Expect.equal
                    (Temporal.step 0 TimeUnit.Day { bad with Year = 0 })
                    (Error TemporalError.YearZero)
                    "year 0"
            }
        ]

        testList "the reference's verified examples" [
            test "1776-07-04 + 1 day is 1776-07-05 at day precision, season summer, no invented hour" {
                let p = ok (Temporal.step 1 TimeUnit.Day (ymd 1776 7 4))
                Expect.equal p (ymd 1776 7 5) "July 5"
                Expect.equal p.Hour None "no hour"
                Expect.equal p.TimeOfDay None "no part of the day"
            }

            test "1776-07-04 + 1 week is July 11" {
                Expect.equal (Temporal.step 1 TimeUnit.Week (ymd 1776 7 4)) (Temporal.ymd 1776 7 11) "week"
            }

            test "1776 (year only) + 1 day is January 2, 1776 at day precision" {
                Expect.equal
                    (Temporal.step 1 TimeUnit.Day (ok (Temporal.create 1776)))
                    (Temporal.ymd 1776 1 2)
                    "anchored at January 1"
            }

            test "44 BCE: March 15 ± 1 day, December 31 + 1 day, + 365 days" {
                Expect.equal (stepText "March 15, 44 BCE" 1 TimeUnit.Day) (Ok "March 16, 44 BCE") "+1"
                Expect.equal (stepText "March 15, 44 BCE" -1 TimeUnit.Day) (Ok "March 14, 44 BCE") "-1"
                Expect.equal (stepText "December 31, 44 BCE" 1 TimeUnit.Day) (Ok "January 1, 43 BCE") "new year"
                Expect.equal (stepText "March 15, 44 BCE" 365 TimeUnit.Day) (Ok "March 15, 43 BCE") "44 BCE is not leap"

                Expect.equal
                    (stepText "March 15, 45 BCE" 365 TimeUnit.Day)
                    (Ok "March 15, 44 BCE")
                    "45 BCE is leap but Feb 29 is before March"

                Expect.equal
                    (stepText "February 15, 45 BCE" 365 TimeUnit.Day)
                    (Ok "February 14, 44 BCE")
                    "across Feb 29, 45 BCE"
            }

            test "14:00 + 6 hours is 20:00, evening" {
                let p = ok (Temporal.step 6 TimeUnit.Hour (ok (Temporal.ymdhm 1776 7 4 14 0)))
                Expect.equal (p.Hour, p.TimeOfDay) (Some 20, Some TimeOfDay.Evening) "20:00 evening"
            }

            test "year steps: -50 ± 1 is -49 / -51, era preserved" {
                let p = {
                    ok (Temporal.create -50) with
                        Era = Some "Classical Antiquity"
                }

                Expect.equal
                    (Temporal.step 1 TimeUnit.Year p |> Result.map (fun q -> q.Year, q.Era))
                    (Ok(-49, p.Era))
                    "+1"

                Expect.equal
                    (Temporal.step -1 TimeUnit.Year p |> Result.map (fun q -> q.Year, q.Era))
                    (Ok(-51, p.Era))
                    "-1"
            }

            test "December + 1 month is January of the next year" {
                Expect.equal (Temporal.step 1 TimeUnit.Month (ok (Temporal.ym 1776 12))) (Temporal.ym 1777 1) "month"
                Expect.equal (Temporal.step -1 TimeUnit.Month (ok (Temporal.ym -50 1))) (Temporal.ym -51 12) "BCE"
            }
        ]

        testList "the reference's failures (B16, B17, B27) now succeed" [
            test "BCE backward steps across January 1" {
                Expect.equal (stepText "January 1, 44 BCE" -1 TimeUnit.Day) (Ok "December 31, 45 BCE") "-1 day"
                Expect.equal (stepText "January 3, 44 BCE" -1 TimeUnit.Week) (Ok "December 27, 45 BCE") "-1 week"
            }

            test "BCE February 29 exists in Julian leap years and steps" {
                Expect.equal (stepText "February 29, 45 BCE" 1 TimeUnit.Day) (Ok "March 1, 45 BCE") "+1 day"

                Expect.equal
                    (stepText "February 28, 45 BCE" 1 TimeUnit.Day)
                    (Ok "February 29, 45 BCE")
                    "into the leap day"
            }

            test "January 1, 1 CE - 1 day is December 31, 1 BCE; year 10000-plus is an error" {
                Expect.equal (stepText "January 1, 1 CE" -1 TimeUnit.Day) (Ok "December 31, 1 BCE") "year 1 backward"
                Expect.equal (stepText "December 31, 2999" 1 TimeUnit.Day) (Ok "January 1, 3000 CE") "in range"
            }

            test "year and month steps never produce year 0" {
                Expect.equal (stepText "1 BCE" 1 TimeUnit.Year) (Ok "1 CE") "year"
                Expect.equal (stepText "1 CE" -1 TimeUnit.Year) (Ok "1 BCE") "year back"
                Expect.equal (stepText "January 1 CE" -1 TimeUnit.Month) (Ok "December 1 BCE") "month back"
            }

            test "month and year steps clamp the day and recompute the season" {
                let p = ok (Temporal.step 1 TimeUnit.Month (ymd 2023 1 31))
                Expect.equal (p.Day, p.Season) (Some 28, Some Season.Winter) "February"
                let q = ok (Temporal.step 3 TimeUnit.Month p)
                Expect.equal q.Season (Some Season.Spring) "May is spring"
            }

            test "sub-day steps on a date anchor at noon and never invent a night-time hour" {
                let p = ok (Temporal.step 1 TimeUnit.Hour (ymd 1776 7 4))
                Expect.equal (p.Hour, p.Minute, p.TimeOfDay) (Some 13, None, Some TimeOfDay.Afternoon) "12:00 + 1 h"
                Expect.equal (Temporal.precision p) Precision.Hour "hour precision"
            }

            test "sub-day steps on a date with a part of the day anchor at its representative hour" {
                let dawn = {
                    ymd 1776 7 4 with
                        TimeOfDay = Some TimeOfDay.Dawn
                }

                let p = ok (Temporal.step 30 TimeUnit.Minute dawn)
                Expect.equal (p.Hour, p.Minute, p.TimeOfDay) (Some 6, Some 30, Some TimeOfDay.Dawn) "06:00 + 30 min"
            }

            test "a day step keeps the part of the day of a point without an hour" {
                let evening = {
                    ymd 1776 7 4 with
                        TimeOfDay = Some TimeOfDay.Evening
                }

                let p = ok (Temporal.step 1 TimeUnit.Day evening)
                Expect.equal (p.Day, p.Hour, p.TimeOfDay) (Some 5, None, Some TimeOfDay.Evening) "kept"
            }

            test "seasons follow the hemisphere" {
                let south = {
                    ymd 2023 6 1 with
                        Hemisphere = Some Hemisphere.Southern
                }

                let p = ok (Temporal.step 1 TimeUnit.Month south)
                Expect.equal p.Season (Some Season.Winter) "July in the south"
            }
        ]

    ]
