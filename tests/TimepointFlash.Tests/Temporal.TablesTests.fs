module TimepointFlash.Tests.TemporalTablesTests

open Expecto
open TimepointFlash

let tests =
    testList "Tables" [
        test "every hour has exactly one part of the day and each representative hour lies in its own band" {
            for h in 0..23 do
                Expect.isSome (Temporal.timeOfDayOf h) $"hour {h}"

            for t in TimeOfDay.all do
                Expect.equal (Temporal.timeOfDayOf (Temporal.representativeHour t)) (Some t) (TimeOfDay.name t)

            Expect.isNone (Temporal.timeOfDayOf 24) "24"
            Expect.isNone (Temporal.timeOfDayOf -1) "-1"
        }

        test "parts of the day run midnight, night, dawn, morning, midday, afternoon, dusk, evening, night" {
            let names =
                [ 0; 3; 5; 7; 12; 13; 17; 19; 21 ]
                |> List.map (Temporal.timeOfDayOf >> Option.map TimeOfDay.name)

            Expect.equal
                names
                ([
                    "midnight"
                    "night"
                    "dawn"
                    "morning"
                    "midday"
                    "afternoon"
                    "dusk"
                    "evening"
                    "night"
                 ]
                 |> List.map Some)
                "bands"
        }

        test "seasons by month in both hemispheres" {
            Expect.equal (Temporal.seasonOf Hemisphere.Northern 1) (Some Season.Winter) "January north"
            Expect.equal (Temporal.seasonOf Hemisphere.Northern 4) (Some Season.Spring) "April north"
            Expect.equal (Temporal.seasonOf Hemisphere.Northern 7) (Some Season.Summer) "July north"
            Expect.equal (Temporal.seasonOf Hemisphere.Northern 10) (Some Season.Fall) "October north"
            Expect.equal (Temporal.seasonOf Hemisphere.Southern 1) (Some Season.Summer) "January south"
            Expect.equal (Temporal.seasonOf Hemisphere.Northern 0) None "no month 0"
        }

        test "era bands are half-open: each starts at its first year" {
            let eras = [
                -4000
                -3001
                -3000
                -501
                -500
                499
                500
                1499
                1500
                1800
                1900
                1999
                2000
                2020
            ]

            Expect.equal
                (eras |> List.map Temporal.eraOf)
                [
                    "Ancient"
                    "Ancient"
                    "Ancient Civilizations"
                    "Ancient Civilizations"
                    "Classical Antiquity"
                    "Classical Antiquity"
                    "Medieval"
                    "Medieval"
                    "Early Modern"
                    "19th Century"
                    "20th Century"
                    "20th Century"
                    "Contemporary"
                    "Contemporary"
                ]
                "eras"

            Expect.equal (Temporal.eraOf System.Int32.MinValue) "Ancient" "min"
            Expect.equal (Temporal.eraOf System.Int32.MaxValue) "Contemporary" "max"
        }

        test "unit, season and part-of-day names parse case-insensitively; unknown names are errors" {
            Expect.equal (TimeUnit.parse "DAYS") (Ok TimeUnit.Day) "plural"
            Expect.equal (TimeUnit.parse " week ") (Ok TimeUnit.Week) "spaces"
            Expect.equal (TimeUnit.parse "fortnight") (Error(TemporalError.UnknownUnit "fortnight")) "unknown"
            Expect.equal (TimeUnit.parse null) (Error(TemporalError.UnknownUnit "")) "null"

            for u in TimeUnit.all do
                Expect.equal (TimeUnit.parse (TimeUnit.name u)) (Ok u) (TimeUnit.name u)

            Expect.equal (Season.parse "Autumn") (Ok Season.Fall) "autumn"
            Expect.equal (Season.parse "monsoon") (Error(TemporalError.UnknownName("season", "monsoon"))) "unknown"
            Expect.equal (TimeOfDay.parse "Dusk") (Ok TimeOfDay.Dusk) "dusk"
            Expect.equal (TimeOfDay.parse "day") (Error(TemporalError.UnknownName("time_of_day", "day"))) "day"
        }
    ]
