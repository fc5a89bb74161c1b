module TimepointFlash.Tests.TemporalLocalGenerators

open FsCheck
open FsCheck.FSharp
open Expecto
open TimepointFlash

/// A region (universal included) and a day as that region wrote it.
type LocalDay = LocalDay of LocalPoint

/// A local point at any precision, with a part of the day sometimes.
type AnyLocal = AnyLocal of LocalPoint

/// Two days of one region, at most a few thousand days apart.
type LocalPair = LocalPair of LocalPoint * LocalPoint

/// A valid Islamic (year, month, day) from 1 AH to the end of 3000 CE.
type IslamicDate = IslamicDate of int64 * int64 * int64

/// A valid Hebrew (year, month, day) from AM 1 to the end of 3000 CE.
type HebrewDate = HebrewDate of int64 * int64 * int64

/// A JDN from 1 January 10000 BCE (Julian) to 31 December 3000 (Gregorian).
type AnyJdn = AnyJdn of int64

/// A step count small enough to stay mostly in range.
type SmallCount = SmallCount of int

let private orFail r =
    match r with
    | Ok v -> v
    | Error e -> failwithf "generator built an invalid local point: %A" e

/// First and last JDN of the supported range.
let firstJdn = JulianDay.ofJulian (JulianDay.toAstronomical -10000L) 1L 1L
let lastJdn = JulianDay.ofGregorian 3000L 12L 31L

let regions = CalendarRegions.universal :: CalendarRegions.all

let private chooseJdn (lo: int64) (hi: int64) =
    Gen.choose (0, int (hi - lo)) |> Gen.map (fun k -> lo + int64 k)

/// A JDN of the range, concentrated around the region's switch.
let jdnNear (r: CalendarRegion) =
    let switch = CalendarRegions.switchJdn r

    Gen.frequency [
        2, chooseJdn firstJdn lastJdn
        3, chooseJdn (switch - 800L) (switch + 800L)
        1, chooseJdn (switch - 20L) (switch + 20L)
    ]

let localDay = gen {
    let! r = Gen.elements regions
    let! jdn = jdnNear r
    return LocalCalendar.ofJdn r jdn |> orFail
}

/// A local point cut to a precision, with a clock when finer than a day.
let anyLocal = gen {
    let! lp = localDay
    let! precision = Gen.elements [ 0..5 ]
    let! hour = Gen.choose (0, 23)
    let! minute = Gen.choose (0, 59)
    let! second = Gen.choose (0, 59)
    let p = lp.Point

    let upTo rank v =
        if precision >= rank then Some v else None

    return
        LocalCalendar.ofLabels lp.Region {
            p with
                Month = upTo 1 p.Month.Value
                Day = upTo 2 p.Day.Value
                Hour = upTo 3 hour
                Minute = upTo 4 minute
                Second = upTo 5 second
        }
        |> orFail
}

let localPair = gen {
    let! a = localDay
    let! delta = Gen.choose (-3000, 3000)

    let jdn = max firstJdn (min lastJdn (LocalCalendar.toJdn a + int64 delta))

    return a, LocalCalendar.ofJdn a.Region jdn |> orFail
}

/// The Islamic date of the last supported day.
let private lastIslamic = (WorldCalendars.toIslamic lastJdn).Value
let private lastHebrew = (WorldCalendars.toHebrew lastJdn).Value

let islamicDate = gen {
    let maxYear, _, _ = lastIslamic
    let! year = Gen.choose (1, int maxYear - 1) |> Gen.map int64
    let! month = Gen.choose (1, 12) |> Gen.map int64

    let! day =
        Gen.choose (1, int (WorldCalendars.islamicMonthLength year month))
        |> Gen.map int64

    return year, month, day
}

let hebrewDate = gen {
    let maxYear, _, _ = lastHebrew
    let! year = Gen.choose (1, int maxYear - 1) |> Gen.map int64
    let! month = Gen.choose (1, int (WorldCalendars.hebrewMonthsInYear year)) |> Gen.map int64

    let! day =
        Gen.choose (1, int (WorldCalendars.hebrewMonthLength year month))
        |> Gen.map int64

    return year, month, day
}

/// The arbitraries handed to FsCheck through the test config.
type Arbitraries =
    static member LocalDay() = Arb.fromGen (Gen.map LocalDay localDay)
    static member AnyLocal() = Arb.fromGen (Gen.map AnyLocal anyLocal)

    static member LocalPair() =
        Arb.fromGen (Gen.map LocalPair localPair)

    static member IslamicDate() =
        Arb.fromGen (Gen.map IslamicDate islamicDate)

    static member HebrewDate() =
        Arb.fromGen (Gen.map HebrewDate hebrewDate)

    static member AnyJdn() =
        Arb.fromGen (chooseJdn firstJdn lastJdn |> Gen.map AnyJdn)

    static member SmallCount() =
        Arb.fromGen (
            Gen.oneof [ Gen.choose (-400, 400); Gen.choose (-100000, 100000) ]
            |> Gen.map SmallCount
        )

    static member TimeUnit() = Arb.fromGen (Gen.elements TimeUnit.all)

/// FsCheck settings for the local-calendar properties: 300 cases each, generators from Arbitraries.
let config = {
    FsCheckConfig.defaultConfig with
        maxTest = 300
        arbitrary = [ typeof<Arbitraries> ]
}

/// A named property using the local-calendar generators.
let property name = testPropertyWithConfig config name
