module TimepointFlash.Tests.TemporalGenerators

open System
open FsCheck
open FsCheck.FSharp
open Expecto
open TimepointFlash

/// A valid, normalised point (season from month, part of the day from hour) at any precision, any calendar,
/// sometimes with an era and a hemisphere.
type NormalPoint = NormalPoint of TemporalPoint

/// A valid point with arbitrary season, part of the day, era and hemisphere (for the JSON round trip).
type AnyPoint = AnyPoint of TemporalPoint

/// A normalised point without era or hemisphere, a part of the day only when there is no hour:
/// what formatLong writes completely.
type PrintablePoint = PrintablePoint of TemporalPoint

/// A normalised point and a day/week/hour/minute/second unit no finer than the point's precision.
type ExactStep = ExactStep of TemporalPoint * TimeUnit

/// A normalised point with a day of at most 28 and a month/year unit no finer than the point's precision.
type CalendarStep = CalendarStep of TemporalPoint * TimeUnit

/// A point at day precision or finer on one of the last three days of its month, a month/year unit and a
/// small count: the cases where clamping matters.
type MonthEndStep = MonthEndStep of TemporalPoint * TimeUnit * int

/// A step count: small, medium, near the unit's whole range, or extreme.
type Count = Count of int

/// Any int, with the extremes and zero frequent.
type AnyInt = AnyInt of int

let private exactUnits = [ TimeUnit.Second; TimeUnit.Minute; TimeUnit.Hour; TimeUnit.Day; TimeUnit.Week ]

/// Historical years across the whole range, concentrated around the BCE/CE boundary, 1582 and the range ends.
let year =
    Gen.oneof [
        Gen.choose (Temporal.minYear, Temporal.maxYear)
        Gen.choose (-6, 6)
        Gen.choose (1578, 1586)
        Gen.choose (Temporal.minYear, Temporal.minYear + 3)
        Gen.choose (Temporal.maxYear - 3, Temporal.maxYear)
    ]
    |> Gen.filter (fun y -> y <> 0)

let calendar =
    Gen.frequency [
        6, Gen.constant Calendar.Historical
        1, Gen.constant Calendar.Julian
        1, Gen.constant Calendar.Gregorian
    ]

let private orFail r =
    match r with
    | Ok v -> v
    | Error e -> failwithf "generator built an invalid point: %A" e

/// A valid point of exactly the given precision, month ends frequent; maxDay bounds the day (31 = no bound).
let pointAt (maxDay: int) (precision: Precision) = gen {
    let! year = year
    let! calendar = calendar
    let! month = Gen.choose (1, 12)
    let a = JulianDay.toAstronomical (int64 year)
    let length = int (JulianDay.monthLength calendar a (int64 month))

    let last = min maxDay length

    let! day =
        Gen.frequency [ 3, Gen.choose (1, last); 1, Gen.choose (last - 2, last) ]
        |> Gen.filter (fun d -> not (JulianDay.isInReformGap calendar a (int64 month) (int64 d)))

    let! hour = Gen.choose (0, 23)
    let! minute = Gen.choose (0, 59)
    let! second = Gen.choose (0, 59)
    let rank = TemporalAlgebra.precisionRank precision
    let upTo r v = if rank >= r then Some v else None

    return {
        TemporalAlgebra.empty year with
            Month = upTo 1 month
            Day = upTo 2 day
            Hour = upTo 3 hour
            Minute = upTo 4 minute
            Second = upTo 5 second
            Calendar = calendar
    }
}

let precisions = [
    Precision.Year
    Precision.Month
    Precision.Day
    Precision.Hour
    Precision.Minute
    Precision.Second
]

let private optional (g: Gen<'a>) =
    Gen.frequency [ 1, Gen.constant None; 1, Gen.map Some g ]

/// Adds a part of the day when there is no hour, maybe an era and a hemisphere, then normalises.
let private decorate (withExtras: bool) (p: TemporalPoint) = gen {
    let! timeOfDay = optional (Gen.elements TimeOfDay.all)

    let! era =
        if withExtras then
            optional (Gen.map Temporal.eraOf year)
        else
            Gen.constant None

    let! hemisphere =
        if withExtras then
            optional (Gen.elements [ Hemisphere.Northern; Hemisphere.Southern ])
        else
            Gen.constant None

    return
        Temporal.normalize {
            p with
                TimeOfDay = (if p.Hour.IsNone then timeOfDay else None)
                Era = era
                Hemisphere = hemisphere
        }
        |> orFail
}

let normalPoint =
    Gen.elements precisions |> Gen.bind (pointAt 31) |> Gen.bind (decorate true)

let private atLeast (unit: TimeUnit) =
    let rank = TemporalAlgebra.precisionRank (Precision.ofUnit unit)

    precisions |> List.filter (fun p -> TemporalAlgebra.precisionRank p >= rank)

/// Count magnitudes on a log scale up to 2^31 - 1, signed, plus the extremes.
let count =
    Gen.frequency [
        8,
        gen {
            let! bits = Gen.choose (0, 30)
            let! magnitude = Gen.choose (0, (1 <<< bits) - 1)
            let! negative = Gen.elements [ true; false ]
            return if negative then -magnitude else magnitude
        }
        1, Gen.elements [ Int32.MinValue; Int32.MaxValue; Int32.MinValue + 1; -1; 0; 1 ]
    ]

let anyInt =
    Gen.frequency [
        3, Gen.choose (Int32.MinValue, Int32.MaxValue)
        3, Gen.choose (-100, 100)
        2,
        Gen.elements [
            Int32.MinValue
            Int32.MaxValue
            0
            -1
            1
            12
            13
            31
            59
            60
            1582
            -10001
            3001
        ]
        2, Gen.map (fun (y: int) -> y) year
    ]

let private shrinkInt = ArbMap.defaults |> ArbMap.arbitrary<int> |> Arb.toShrink

/// The arbitraries handed to FsCheck through the test config.
type Arbitraries =
    static member NormalPoint() =
        Arb.fromGen (Gen.map NormalPoint normalPoint)

    static member AnyPoint() =
        gen {
            let! p = Gen.elements precisions |> Gen.bind (pointAt 31)
            let! season = optional (Gen.elements Season.all)
            let! timeOfDay = optional (Gen.elements TimeOfDay.all)
            let! era = optional (Gen.elements [ "Early Modern"; "Ancient"; ""; "Ère \"moderne\" \\ 🌍" ])
            let! hemisphere = optional (Gen.elements [ Hemisphere.Northern; Hemisphere.Southern ])

            return
                AnyPoint {
                    p with
                        Season = season
                        TimeOfDay = timeOfDay
                        Era = era
                        Hemisphere = hemisphere
                }
        }
        |> Arb.fromGen

    static member PrintablePoint() =
        Gen.elements precisions
        |> Gen.bind (pointAt 31)
        |> Gen.bind (decorate false)
        |> Gen.map PrintablePoint
        |> Arb.fromGen

    static member ExactStep() =
        gen {
            let! unit = Gen.elements exactUnits
            let! precision = Gen.elements (atLeast unit)
            let! p = pointAt 31 precision |> Gen.bind (decorate true)
            return ExactStep(p, unit)
        }
        |> Arb.fromGen

    static member CalendarStep() =
        gen {
            let! unit = Gen.elements [ TimeUnit.Month; TimeUnit.Year ]
            let! precision = Gen.elements (atLeast unit)
            let! p = pointAt 28 precision |> Gen.bind (decorate true)
            return CalendarStep(p, unit)
        }
        |> Arb.fromGen

    static member MonthEndStep() =
        gen {
            let! precision = Gen.elements [ Precision.Day; Precision.Hour; Precision.Minute; Precision.Second ]
            let! p = pointAt 31 precision |> Gen.bind (decorate true)
            let a = JulianDay.toAstronomical (int64 p.Year)
            let last = int (JulianDay.monthLength p.Calendar a (int64 p.Month.Value))
            let! day = Gen.choose (last - 2, last)
            let! unit = Gen.elements [ TimeUnit.Month; TimeUnit.Year ]
            let! n = Gen.choose (-30, 30)
            let p = { p with Day = Some day }

            return
                match Temporal.validate p with
                | Ok p -> MonthEndStep(p, unit, n)
                | Error _ -> MonthEndStep({ p with Day = Some last }, unit, n)
        }
        |> Arb.fromGen

    static member Count() =
        Arb.fromGenShrink (Gen.map Count count, (fun (Count n) -> shrinkInt n |> Seq.map Count))

    static member AnyInt() =
        Arb.fromGenShrink (Gen.map AnyInt anyInt, (fun (AnyInt n) -> shrinkInt n |> Seq.map AnyInt))

    static member TimeUnit() = Arb.fromGen (Gen.elements TimeUnit.all)

/// FsCheck settings for the temporal properties: 300 cases each, generators from Arbitraries.
let config = {
    FsCheckConfig.defaultConfig with
        maxTest = 300
        arbitrary = [ typeof<Arbitraries> ]
}

/// A named property using the temporal generators.
let property name = testPropertyWithConfig config name
