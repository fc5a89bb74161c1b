module TimepointFlash.Tests.TemporalFormatTests

open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Tests.TemporalGenerators

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failtestf "unexpected error %A" e

/// What parse should return for the text format writes: hour precision reads back as minute 0.
let private readBack (p: TemporalPoint) =
    if Temporal.precision p = Precision.Hour then
        { p with Minute = Some 0 }
    else
        p

let private parsesTo (text: string) (expected: Result<TemporalPoint, TemporalError>) =
    Expect.equal (Temporal.parse text) expected $"parse \"{text}\""

let tests =
    testList "Format" [
        test "golden strings at every precision" {
            Expect.equal (Temporal.format (ok (Temporal.ymd 1776 7 4))) "July 4, 1776 CE" "day"
            Expect.equal (Temporal.format (ok (Temporal.ym 1776 7))) "July 1776 CE" "month"
            Expect.equal (Temporal.format (ok (Temporal.create 1776))) "1776 CE" "year"
            Expect.equal (Temporal.format (ok (Temporal.ymd -44 3 15))) "March 15, 44 BCE" "BCE"

            let hour = {
                ok (Temporal.ymdhm 1776 7 4 14 30) with
                    Minute = None
            }

            Expect.equal (Temporal.format hour) "July 4, 1776 CE 14:00" "hour"
            Expect.equal (Temporal.format (ok (Temporal.ymdhm 1776 7 4 14 30))) "July 4, 1776 CE 14:30" "minute"
            Expect.equal (Temporal.format (ok (Temporal.ymdhms 1776 7 4 14 30 5))) "July 4, 1776 CE 14:30:05" "second"
        }

        test "formatLong adds the part of the day" {
            let afternoon = {
                ok (Temporal.ymd 1776 7 4) with
                    TimeOfDay = Some TimeOfDay.Afternoon
            }

            Expect.equal (Temporal.formatLong afternoon) "July 4, 1776 CE (afternoon)" "afternoon"
            Expect.equal (Temporal.formatLong (ok (Temporal.ymd 1776 7 4))) "July 4, 1776 CE" "none"

            Expect.equal
                (Temporal.formatLong (ok (Temporal.ymdhm 1969 7 20 20 17)))
                "July 20, 1969 CE 20:17 (evening)"
                "from hour"
        }

        test "the forms the design names parse" {
            parsesTo "44 BCE" (Temporal.create -44)
            parsesTo "44 BC" (Temporal.create -44)
            parsesTo "476 AD" (Temporal.create 476)
            parsesTo "AD 476" (Temporal.create 476)
            parsesTo "A.D. 476" (Temporal.create 476)
            parsesTo "476 C.E." (Temporal.create 476)
            parsesTo "1776" (Temporal.create 1776)
            parsesTo "-44" (Temporal.create -44)
            parsesTo "44 B.C." (Temporal.create -44)
            parsesTo "44 b.c.e." (Temporal.create -44)
            parsesTo "March 15, 44 BCE" (Temporal.ymd -44 3 15)
            parsesTo "15 March 44 BCE" (Temporal.ymd -44 3 15)
            parsesTo "Mar 15 44 BC" (Temporal.ymd -44 3 15)
            parsesTo "15th March, 44 BC" (Temporal.ymd -44 3 15)
            parsesTo "Sept. 2, 1945" (Temporal.ymd 1945 9 2)
            parsesTo "1969-07-20" (Temporal.ymd 1969 7 20)
            parsesTo "1969-07-20T20:17" (Temporal.ymdhm 1969 7 20 20 17)
            parsesTo "1969-07-20 20:17:40" (Temporal.ymdhms 1969 7 20 20 17 40)
            parsesTo "1969-07" (Temporal.ym 1969 7)
            parsesTo "-44-03-15" (Temporal.ymd -44 3 15)
            parsesTo "c. 1500" (Temporal.create 1500)
            parsesTo "circa 1500" (Temporal.create 1500)
            parsesTo "ca. 1500" (Temporal.create 1500)
            parsesTo "c.1500" (Temporal.create 1500)
            parsesTo "1500s" (Temporal.create 1500)
            parsesTo "~1500" (Temporal.create 1500)
            parsesTo "about 1500 AD" (Temporal.create 1500)
            parsesTo "  july 4, 1776 ce  " (Temporal.ymd 1776 7 4)
            parsesTo "JULY 1776" (Temporal.ym 1776 7)
            parsesTo "CE 476" (Temporal.create 476)
        }

        test "parse reads the part of the day and calendar markers in parentheses" {
            parsesTo
                "July 4, 1776 CE (afternoon)"
                (Temporal.ymd 1776 7 4
                 |> Result.map (fun p -> {
                     p with
                         TimeOfDay = Some TimeOfDay.Afternoon
                 }))

            parsesTo
                "June 23, 1776 (Julian)"
                (Temporal.ymd 1776 6 23
                 |> Result.map (fun p -> { p with Calendar = Calendar.Julian }))

            parsesTo
                "March 1, 1500 (noon) (N.S.)"
                (Temporal.ymd 1500 3 1
                 |> Result.map (fun p -> {
                     p with
                         TimeOfDay = Some TimeOfDay.Midday
                         Calendar = Calendar.Gregorian
                 }))

            parsesTo
                "February 11, 1731 (O.S.)"
                (Temporal.ymd 1731 2 11
                 |> Result.map (fun p -> { p with Calendar = Calendar.Julian }))

            parsesTo "July 4, 1776 CE 14:30 (night)" (Temporal.ymdhm 1776 7 4 14 30)
        }

        test "invalid values are reported as such, unreadable text as Unparseable" {
            parsesTo "0 BCE" (Error TemporalError.YearZero)
            parsesTo "0" (Error TemporalError.YearZero)
            parsesTo "3001" (Error(TemporalError.YearOutOfRange 3001))
            parsesTo "February 30, 2001" (Error(TemporalError.DayOutOfRange(2001, 2, 30)))
            parsesTo "October 10, 1582" (Error(TemporalError.InReformGap(1582, 10, 10)))
            parsesTo "1969-13-01" (Error(TemporalError.MonthOutOfRange 13))

            for text in
                [
                    ""
                    "   "
                    "yesterday"
                    "March 15"
                    "-44 BCE"
                    "44 BCE AD"
                    "1776 (teatime)"
                    "July 4 1776 14:30 15:00"
                    "1776 14:30"
                    "12345678901"
                    "Smarch 15, 2000"
                    "CE"
                    "c."
                ] do
                parsesTo text (Error(TemporalError.Unparseable text))

            Expect.equal (Temporal.parse null) (Error(TemporalError.Unparseable "")) "null"
        }

        property
            "format then parse is the identity (an hour-precision point reads back with minute 0)"
            (fun (PrintablePoint p) ->
                let p = {
                    p with
                        TimeOfDay = if p.Hour.IsSome then p.TimeOfDay else None
                }

                Temporal.parse (Temporal.format p) = Ok(readBack p))

        property "formatLong then parse is the identity, part of the day included" (fun (PrintablePoint p) ->
            Temporal.parse (Temporal.formatLong p) = Ok(readBack p))

        property "format is stable through parse" (fun (PrintablePoint p) ->
            Temporal.parse (Temporal.format p) |> Result.map Temporal.format = Ok(Temporal.format p))

        testPropertyWithConfig { config with arbitrary = [] } "parse never throws for any string" (fun (text: string) ->
            Temporal.parse text |> ignore)

        property "parse never throws for date-like strings" (fun (a: NonNegativeInt) (b: NonNegativeInt) (era: bool) ->
            let texts = [
                $"{a.Get}-{b.Get}-{a.Get}"
                $"{a.Get}-{b.Get}-{b.Get}T{a.Get}:{b.Get}:{a.Get}"
                $"""March {a.Get}, {b.Get} {if era then "BCE" else "AD"}"""
                $"{a.Get} {b.Get} {a.Get}"
                $"c. {b.Get}s"
            ]

            texts |> List.iter (Temporal.parse >> ignore))
    ]
