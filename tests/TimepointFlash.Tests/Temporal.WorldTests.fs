module TimepointFlash.Tests.TemporalWorldTests

open Expecto
open TimepointFlash
open TimepointFlash.Tests.TemporalLocalGenerators

let private gregorian y m d = JulianDay.ofGregorian y m d
let private julian y m d = JulianDay.ofJulian y m d

let tests =
    testList "World calendars" [
        testList "Weekday" [
            test
                "known weekdays: 1 January 2000 a Saturday, 14 September 1752 a Thursday, 2 September 1752 (Julian) a Wednesday" {
                Expect.equal (WorldCalendars.weekday (gregorian 2000L 1L 1L)) "Saturday" "2000"
                Expect.equal (WorldCalendars.weekday (gregorian 1752L 9L 14L)) "Thursday" "1752 NS"
                Expect.equal (WorldCalendars.weekday (julian 1752L 9L 2L)) "Wednesday" "1752 OS"
                Expect.equal (WorldCalendars.weekday (julian 1582L 10L 4L)) "Thursday" "last Julian day of 1582"
                Expect.equal (WorldCalendars.weekday (gregorian 1582L 10L 15L)) "Friday" "first Gregorian day"
            }
            property "the weekday repeats every seven days and advances by one each day" (fun (AnyJdn j) ->
                WorldCalendars.weekday (j + 7L) = WorldCalendars.weekday j
                && (WorldCalendars.weekdayIndex (j + 1L) - WorldCalendars.weekdayIndex j + 7) % 7 = 1)
        ]

        testList "Ab urbe condita" [
            test "44 BCE is 710 AUC, 753 BCE is 1, 1 BCE is 753, 1 CE is 754, 754 BCE has none" {
                Expect.equal (WorldCalendars.auc -44) (Some 710) "Ides of March"
                Expect.equal (WorldCalendars.auc -753) (Some 1) "founding"
                Expect.equal (WorldCalendars.auc -1) (Some 753) "1 BCE"
                Expect.equal (WorldCalendars.auc 1) (Some 754) "1 CE"
                Expect.equal (WorldCalendars.auc -754) None "before the founding"
                Expect.equal (WorldCalendars.auc 0) None "year 0"
            }
            property "every year from 753 BCE round-trips through AUC and every AUC year back" (fun (AnyJdn j) ->
                let a, _, _ = JulianDay.toJulian j
                let year = int (JulianDay.toHistorical a)

                match WorldCalendars.auc year with
                | Some auc -> WorldCalendars.ofAuc auc = Some year && year >= -753
                | None -> year < -753)
        ]

        testList "Islamic (arithmetical)" [
            test
                "1 Muharram 1 AH is 16 July 622 (Julian); 1 Ramadan 1445 is 11 March 2024; 12 November 1945 is 6 Dhu al-Hijja 1364" {
                Expect.equal (WorldCalendars.ofIslamic 1L 1L 1L) (julian 622L 7L 16L) "epoch"
                Expect.equal (WorldCalendars.toIslamic (gregorian 2024L 3L 11L)) (Some(1445L, 9L, 1L)) "Ramadan"
                Expect.equal (WorldCalendars.toIslamic (gregorian 1945L 11L 12L)) (Some(1364L, 12L, 6L)) "1945"
                Expect.equal (WorldCalendars.toIslamic (julian 622L 7L 15L)) None "the day before the epoch"
            }
            test "leap years of the 30-year cycle are 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29" {
                let leaps = [ 1L .. 30L ] |> List.filter WorldCalendars.isIslamicLeap
                Expect.equal leaps [ 2L; 5L; 7L; 10L; 13L; 16L; 18L; 21L; 24L; 26L; 29L ] "the cycle"
            }
            property "every Islamic date in range round-trips through the JDN" (fun (IslamicDate(y, m, d)) ->
                WorldCalendars.toIslamic (WorldCalendars.ofIslamic y m d) = Some(y, m, d))
            test "every day from 1 AH to 3000 CE round-trips and follows the previous day" {
                let mutable previous = (1L, 1L, 0L)

                for jdn in WorldCalendars.islamicEpoch .. lastJdn do
                    let y, m, d as date = (WorldCalendars.toIslamic jdn).Value
                    let py, pm, pd = previous

                    let follows =
                        (y = py && m = pm && d = pd + 1L)
                        || (y = py && m = pm + 1L && d = 1L && pd = WorldCalendars.islamicMonthLength py pm)
                        || (y = py + 1L && m = 1L && d = 1L && pm = 12L)

                    if not follows || WorldCalendars.ofIslamic y m d <> jdn then
                        failtestf "JDN %d -> %A after %A" jdn date previous

                    previous <- date
            }
        ]

        testList "Hebrew (arithmetical)" [
            test
                "1 Tishri 5785 is 3 October 2024, 15 Nisan 5784 is 23 April 2024, 1 Adar II 5784 is 11 March 2024, 12 November 1945 is 7 Kislev 5706" {
                Expect.equal (WorldCalendars.toHebrew (gregorian 2024L 10L 3L)) (Some(5785L, 7L, 1L)) "Rosh Hashanah"
                Expect.equal (WorldCalendars.toHebrew (gregorian 2024L 4L 23L)) (Some(5784L, 1L, 15L)) "Passover"
                Expect.equal (WorldCalendars.toHebrew (gregorian 2024L 3L 11L)) (Some(5784L, 13L, 1L)) "Adar II"
                Expect.equal (WorldCalendars.toHebrew (gregorian 1945L 11L 12L)) (Some(5706L, 9L, 7L)) "1945"
                Expect.equal (WorldCalendars.hebrewMonthName 5784L 13L) "Adar II" "name"
                Expect.equal (WorldCalendars.toHebrew (WorldCalendars.hebrewEpoch - 1L)) None "before the epoch"
            }
            property "every Hebrew date in range round-trips through the JDN" (fun (HebrewDate(y, m, d)) ->
                WorldCalendars.toHebrew (WorldCalendars.ofHebrew y m d) = Some(y, m, d))
            property "every JDN from the epoch round-trips through the Hebrew calendar" (fun (AnyJdn j) ->
                match WorldCalendars.toHebrew j with
                | Some(y, m, d) ->
                    WorldCalendars.ofHebrew y m d = j
                    && d >= 1L
                    && d <= WorldCalendars.hebrewMonthLength y m
                | None -> j < WorldCalendars.hebrewEpoch)
            test
                "every year to 3000 CE has a legal length, months summing to it and a new year never on Sunday, Wednesday or Friday" {
                let lastYear, _, _ = (WorldCalendars.toHebrew lastJdn).Value

                for y in 1L .. lastYear do
                    let length = WorldCalendars.hebrewYearLength y

                    let months =
                        [ 1L .. WorldCalendars.hebrewMonthsInYear y ]
                        |> List.sumBy (WorldCalendars.hebrewMonthLength y)

                    let weekday = WorldCalendars.weekday (WorldCalendars.hebrewNewYear y)

                    if
                        not (List.contains length [ 353L; 354L; 355L; 383L; 384L; 385L ])
                        || months <> length
                        || List.contains weekday [ "Sunday"; "Wednesday"; "Friday" ]
                    then
                        failtestf "year %d: length %d, months %d, new year on %s" y length months weekday
            }
        ]

        testList "Japanese eras" [
            test "7 January 1989 is Shōwa 64, 8 January 1989 Heisei 1, 30 April 2019 Heisei 31, 1 May 2019 Reiwa 1" {
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 1989L 1L 7L)) (Some("Shōwa", 64)) "Showa"
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 1989L 1L 8L)) (Some("Heisei", 1)) "Heisei"
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 2019L 4L 30L)) (Some("Heisei", 31)) "last"
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 2019L 5L 1L)) (Some("Reiwa", 1)) "Reiwa"
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 1912L 7L 30L)) (Some("Taishō", 1)) "Taisho"
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 1873L 1L 1L)) (Some("Meiji", 6)) "Meiji 6"
                Expect.equal (WorldCalendars.toJapaneseEra (gregorian 1868L 10L 22L)) None "before Meiji"
                Expect.equal (WorldCalendars.ofJapaneseEra "showa" 64) (Some 1989) "no macrons needed"
            }
            property "every day from Meiji on round-trips its era year to the Gregorian year" (fun (AnyJdn j) ->
                match WorldCalendars.toJapaneseEra j with
                | Some(era, year) ->
                    let g, _, _ = JulianDay.toGregorian j
                    WorldCalendars.ofJapaneseEra era year = Some(int g)
                | None -> j < gregorian 1868L 10L 23L)
        ]
    ]
