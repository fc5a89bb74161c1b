module TimepointFlash.Tests.TemporalAlgebraTests

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
    testList "Algebra" [
        testList "validation" [
            test "year 0 and years outside -10000..3000 are refused, the ends are accepted" {
                Expect.equal (Temporal.create 0) (Error TemporalError.YearZero) "year 0"
                Expect.equal (Temporal.create 3001) (Error(TemporalError.YearOutOfRange 3001)) "3001"
                Expect.equal (Temporal.create -10001) (Error(TemporalError.YearOutOfRange -10001)) "10001 BCE"
                Expect.isOk (Temporal.create 3000) "3000"
                Expect.isOk (Temporal.create -10000) "10000 BCE"
            }

            test "components must be contiguous and in range" {
                let p = ok (Temporal.create 1776)

                Expect.equal
                    (Temporal.validate { p with Day = Some 4 })
                    (Error(TemporalError.MissingComponent("day", "month")))
                    "day without month"

                Expect.equal
                    (Temporal.validate { p with Month = Some 7; Hour = Some 4 })
                    (Error(TemporalError.MissingComponent("hour", "day")))
                    "hour without day"

                Expect.equal (Temporal.ym 1776 13) (Error(TemporalError.MonthOutOfRange 13)) "month 13"
                Expect.equal (Temporal.ymd 2023 2 29) (Error(TemporalError.DayOutOfRange(2023, 2, 29))) "Feb 29, 2023"
                Expect.equal (Temporal.ymd 2023 4 31) (Error(TemporalError.DayOutOfRange(2023, 4, 31))) "April 31"
                Expect.equal (Temporal.ymdhm 2023 4 1 24 0) (Error(TemporalError.HourOutOfRange 24)) "hour 24"
                Expect.equal (Temporal.ymdhm 2023 4 1 23 60) (Error(TemporalError.MinuteOutOfRange 60)) "minute 60"
                Expect.equal (Temporal.ymdhms 2023 4 1 23 59 -1) (Error(TemporalError.SecondOutOfRange -1)) "second -1"
            }

            test "precision is the finest component and constructors derive season and part of the day" {
                Expect.equal (Temporal.create 1776 |> Result.map Temporal.precision) (Ok Precision.Year) "year"
                Expect.equal (Temporal.ym 1776 7 |> Result.map Temporal.precision) (Ok Precision.Month) "month"
                let p = ok (Temporal.ymdhm 1776 7 4 14 30)
                Expect.equal (Temporal.precision p) Precision.Minute "minute"
                Expect.equal p.Season (Some Season.Summer) "July is summer in the north"
                Expect.equal p.TimeOfDay (Some TimeOfDay.Afternoon) "14:30 is afternoon"
            }

            test "BCE years are negative and display with BCE" {
                Expect.isTrue (Temporal.isBce (ok (Temporal.create -44))) "-44"
                Expect.isFalse (Temporal.isBce (ok (Temporal.create 1))) "1 CE"
                Expect.equal (Temporal.displayYear (ok (Temporal.create -44))) "44 BCE" "44 BCE"
                Expect.equal (Temporal.displayYear (ok (Temporal.create 1776))) "1776 CE" "1776 CE"
            }
        ]

        test "errors describe themselves in one line" {
            Expect.equal
                (Temporal.describeError (TemporalError.InReformGap(1582, 10, 5)))
                "1582-10-05 does not exist: the Gregorian reform skipped 1582-10-05 to 1582-10-14"
                "reform gap"

            Expect.equal
                (Temporal.describeError TemporalError.YearZero)
                "there is no year 0: 1 BCE is followed by 1 CE"
                "year 0"

            Expect.equal
                (Temporal.describeError (TemporalError.UnknownUnit "fortnight"))
                "unknown time unit \"fortnight\" (second, minute, hour, day, week, month, year)"
                "unit"
        }

        testList "ordering and distances" [
            test "daysBetween counts whole days, negative backwards, coarse points from their first day" {
                Expect.equal (Temporal.daysBetween (ymd 1776 7 4) (ymd 1969 7 20)) 70507L "forward"
                Expect.equal (Temporal.daysBetween (ymd 1969 7 20) (ymd 1776 7 4)) -70507L "backward"

                Expect.equal
                    (Temporal.daysBetween (ok (Temporal.create -1)) (ok (Temporal.create 1)))
                    366L
                    "1 BCE is leap"

                Expect.equal
                    (Temporal.daysBetween (ok (Temporal.create 1582)) (ok (Temporal.create 1583)))
                    355L
                    "1582 lost ten days"
            }

            test "compare orders by day, then time, coarse before fine at the same start" {
                let day = ymd 1776 7 4
                let noon = ok (Temporal.ymdhm 1776 7 4 12 0)
                Expect.equal (Temporal.compare (ymd -44 3 15) day) -1 "BCE first"
                Expect.equal (Temporal.compare noon day) 1 "noon after the start of the day"

                Expect.equal
                    (Temporal.compare (ok (Temporal.create 1776)) (ymd 1776 1 1))
                    -1
                    "year before its first day"

                Expect.equal (Temporal.compare day day) 0 "equal"
            }
        ]

    ]
