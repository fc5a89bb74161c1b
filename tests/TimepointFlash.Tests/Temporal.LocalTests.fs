module TimepointFlash.Tests.TemporalLocalTests

open Expecto
open TimepointFlash
open TimepointFlash.Tests.TemporalLocalGenerators

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failtestf "unexpected error %A" e

let private region id = (CalendarRegions.tryFind id).Value

let private inPlace place text = Temporal.parseIn place text |> ok

let private labels (lp: LocalPoint) =
    lp.Point.Year, lp.Point.Month, lp.Point.Day, lp.Point.Calendar

let private day (place: string) (text: string) n =
    inPlace place text |> Temporal.stepLocal n TimeUnit.Day |> ok |> labels

/// The labels re-read as written in the place (calendar forgotten) give the same point back.
let private existsLocally (lp: LocalPoint) =
    LocalCalendar.ofLabels lp.Region {
        lp.Point with
            Calendar = Calendar.Historical
    } = Ok lp

let tests =
    testList "Local calendars" [
        testList "Regions" [
            test "every region's first Gregorian day directly follows its last Julian day" {
                for r in CalendarRegions.universal :: CalendarRegions.all do
                    Expect.equal
                        (CalendarRegions.switchJdn r)
                        (CalendarRegions.lastJulianJdn r + 1L)
                        $"{r.Id}: the switch skips labels, never days"

                    Expect.isNotEmpty r.Source $"{r.Id} has a source"
            }
            test "the table has every region the issue lists" {
                let ids = CalendarRegions.all |> List.map (fun r -> r.Id) |> Set.ofList

                for id in
                    [
                        "spain"
                        "portugal"
                        "italy"
                        "poland"
                        "france"
                        "catholic-low-countries"
                        "catholic-germany"
                        "austria"
                        "hungary"
                        "protestant-germany"
                        "denmark-norway"
                        "dutch-provinces"
                        "great-britain"
                        "sweden"
                        "alaska"
                        "japan"
                        "china"
                        "bulgaria"
                        "russia"
                        "romania"
                        "yugoslavia"
                        "greece"
                        "turkey"
                    ] do
                    Expect.contains ids id id
            }
            test "places resolve to regions as whole words, longest name first; an unknown place says so" {
                let regionOf place =
                    match CalendarRegions.ofPlace place with
                    | PlaceRule.Known(_, r) -> r.Id
                    | PlaceRule.Unknown _ -> "unknown"

                Expect.equal (regionOf "Winter Palace, Petrograd") "russia" "Petrograd"
                Expect.equal (regionOf "London") "great-britain" "London"
                Expect.equal (regionOf "New York") "great-britain" "New York, not York alone"
                Expect.equal (regionOf "Kyoto, Japan") "japan" "Kyoto"
                Expect.equal (regionOf "PARIS") "france" "case"
                Expect.equal (regionOf "Köln") "catholic-germany" "accents folded"
                Expect.equal (regionOf "Budapest") "hungary" "Budapest"
                Expect.equal (regionOf "Pestilence Island") "unknown" "pest only as a whole word"
                Expect.equal (CalendarRegions.ofPlace "Atlantis") (PlaceRule.Unknown "Atlantis") "unknown"
                Expect.equal (CalendarRegions.regionOf (PlaceRule.Unknown "Atlantis")).Id "universal" "1582 rule"
            }
        ]

        testList "Done when" [
            test "London, 2 September 1752 plus one day is Thursday 14 September 1752" {
                let lp =
                    inPlace "London" "2 September 1752" |> Temporal.stepLocal 1 TimeUnit.Day |> ok

                Expect.equal (labels lp) (1752, Some 9, Some 14, Calendar.Gregorian) "the next day in London"
                Expect.equal (Temporal.calendars lp).Weekday (Some "Thursday") "a Thursday"
            }
            test "Petrograd, 25 October 1917 is Gregorian 7 November 1917 and shows both styles" {
                let v = inPlace "Petrograd" "25 October 1917" |> Temporal.calendars
                Expect.equal v.Gregorian (Some { Year = 1917; Month = 11; Day = 7 }) "New Style"
                Expect.equal v.Local.Point.Calendar Calendar.Julian "Russia was Julian"

                Expect.equal
                    (Temporal.displayLocal v.Local)
                    "25 October 1917 (Old Style) · 7 November 1917 (New Style)"
                    "both styles"
            }
            test "Rome, 15 March 44 BCE is 710 AUC" {
                Expect.equal (inPlace "Rome" "15 March 44 BCE" |> Temporal.calendars).Auc (Some 710) "AUC"
            }
        ]

        testList "Switches" [
            test "each switch skips its labels: Russia, Greece, France, the universal rule" {
                Expect.equal (day "Moscow" "31 January 1918" 1) (1918, Some 2, Some 14, Calendar.Gregorian) "Russia"
                Expect.equal (day "Athens" "15 February 1923" 1) (1923, Some 3, Some 1, Calendar.Gregorian) "Greece"
                Expect.equal (day "Paris" "9 December 1582" 1) (1582, Some 12, Some 20, Calendar.Gregorian) "France"

                Expect.equal
                    (day "Atlantis" "4 October 1582" 1)
                    (1582, Some 10, Some 15, Calendar.Gregorian)
                    "universal"

                Expect.equal (day "London" "14 September 1752" -1) (1752, Some 9, Some 2, Calendar.Julian) "backward"
            }
            test "a day the place skipped is refused; the same label elsewhere exists" {
                Expect.equal
                    (Temporal.parseIn "Moscow" "5 February 1918")
                    (Error(TemporalError.InReformGap(1918, 2, 5)))
                    "Russia"

                Expect.equal
                    (Temporal.parseIn "London" "10 September 1752")
                    (Error(TemporalError.InReformGap(1752, 9, 10)))
                    "London"

                Expect.equal
                    (inPlace "London" "10 October 1582" |> labels)
                    (1582, Some 10, Some 10, Calendar.Julian)
                    "England kept October 1582"

                Expect.equal
                    (inPlace "Paris" "10 September 1752" |> labels)
                    (1752, Some 9, Some 10, Calendar.Gregorian)
                    "France had"
            }
            test "leap days follow the calendar of the place: 29 February 1900 in Moscow, not in Paris" {
                Expect.equal
                    (inPlace "Moscow" "29 February 1900" |> labels)
                    (1900, Some 2, Some 29, Calendar.Julian)
                    "Julian leap"

                Expect.equal
                    (Temporal.parseIn "Paris" "29 February 1900")
                    (Error(TemporalError.DayOutOfRange(1900, 2, 29)))
                    "Gregorian"
            }
            test "month steps clamp to the local month and move a skipped day to the first Gregorian day" {
                let month place text n =
                    inPlace place text |> Temporal.stepLocal n TimeUnit.Month |> ok |> labels

                Expect.equal
                    (month "London" "10 August 1752" 1)
                    (1752, Some 9, Some 14, Calendar.Gregorian)
                    "into the gap"

                Expect.equal
                    (month "Brussels" "25 November 1582" 1)
                    (1583, Some 1, Some 1, Calendar.Gregorian)
                    "across a year"

                Expect.equal
                    (month "Moscow" "31 January 1900" 1)
                    (1900, Some 2, Some 29, Calendar.Julian)
                    "Julian 1900 is leap"

                Expect.equal
                    (month "Paris" "31 January 1900" 1)
                    (1900, Some 2, Some 28, Calendar.Gregorian)
                    "Gregorian is not"
            }
            test "an O.S. or N.S. mark is converted to the calendar of the place" {
                Expect.equal
                    (inPlace "London" "25 October 1917 (O.S.)" |> labels)
                    (1917, Some 11, Some 7, Calendar.Gregorian)
                    "O.S. in London"

                Expect.equal
                    (inPlace "Petrograd" "7 November 1917 (N.S.)" |> labels)
                    (1917, Some 10, Some 25, Calendar.Julian)
                    "N.S. in Petrograd"
            }
        ]

        testList "Dual years" [
            test "Charles I, 30 January 1648/9, is the same day as 30 January 1649 and 9 February 1649 New Style" {
                let dual = inPlace "Whitehall, London" "30 January 1648/9"
                Expect.equal dual (inPlace "London" "30 January 1649") "the January-first year"
                let v = Temporal.calendars dual
                Expect.equal v.DualYear (Some "1648/9") "dual"
                Expect.equal v.Gregorian (Some { Year = 1649; Month = 2; Day = 9 }) "New Style"
                Expect.equal v.Display "30 January 1648/9 (Old Style)" "display"
            }
            test "Washington was born on 11 February 1731/2 Old Style, 22 February 1732 New Style" {
                let v = inPlace "Virginia" "11 February 1731/2" |> Temporal.calendars
                Expect.equal v.Gregorian (Some { Year = 1732; Month = 2; Day = 22 }) "New Style"
            }
            test "dual years cover 1 January to 24 March before 1752, in the British region only" {
                let dual place text =
                    (inPlace place text |> Temporal.calendars).DualYear

                Expect.equal (dual "London" "24 March 1700") (Some "1699/1700") "century"
                Expect.equal (dual "London" "1 January 1710") (Some "1709/10") "decade"
                Expect.equal (dual "London" "25 March 1700") None "Lady Day starts the year"
                Expect.equal (dual "London" "1 January 1752") None "1752 began on 1 January"
                Expect.equal (dual "London" "1 March 1751") (Some "1750/1") "1751 still dual"
                Expect.equal (dual "Paris" "30 January 1649") None "France began the year on 1 January"
            }
            test "a dual year outside 1 January – 24 March or with the wrong second year is refused" {
                Expect.equal
                    (Temporal.parseIn "London" "1 July 1648/9")
                    (Error(TemporalError.Unparseable "1 July 1648/9"))
                    "July"

                Expect.equal
                    (Temporal.parseIn "London" "30 January 1648/7")
                    (Error(TemporalError.Unparseable "30 January 1648/7"))
                    "wrong"
            }
        ]

        testList "Laws" [
            property "every day in range round-trips through the JDN and re-reads from its labels" (fun (LocalDay lp) ->
                LocalCalendar.ofJdn lp.Region (LocalCalendar.toJdn lp) = Ok lp
                && existsLocally lp)
            property
                "step never lands on a day that did not exist locally, in the calendar the place used that day"
                (fun (AnyLocal lp) (unit: TimeUnit) (SmallCount n) ->
                    match Temporal.stepLocal n unit lp with
                    | Ok q ->
                        existsLocally q
                        && (q.Point.Day.IsNone
                            || q.Point.Calendar = LocalCalendar.calendarOn q.Region (LocalCalendar.toJdn q))
                    | Error(TemporalError.YearOutOfRange _) -> true
                    | Error _ -> false)
            property "the local day count between two dates equals the JDN difference" (fun (LocalPair(a, b)) ->
                let n = LocalCalendar.daysBetween a b
                Temporal.stepLocal (int n) TimeUnit.Day a = Ok b)
            property "a day step is undone by the opposite step" (fun (LocalDay lp) (SmallCount n) ->
                match Temporal.stepLocal n TimeUnit.Day lp with
                | Ok q ->
                    Temporal.stepLocal -n TimeUnit.Day q = Ok lp
                    && LocalCalendar.daysBetween lp q = int64 n
                | Error _ -> true)
            test "around every switch each local day follows the previous one" {
                for r in regions do
                    let switch = CalendarRegions.switchJdn r

                    for jdn in switch - 400L .. switch + 400L do
                        let prev = (LocalCalendar.ofJdn r (jdn - 1L) |> ok).Point
                        let cur = (LocalCalendar.ofJdn r jdn |> ok).Point
                        let lastY, lastM, lastD = r.LastJulian
                        let firstY, firstM, firstD = r.FirstGregorian

                        let follows =
                            (cur.Year = prev.Year
                             && cur.Month = prev.Month
                             && cur.Day.Value = prev.Day.Value + 1)
                            || (cur.Day = Some 1 && (cur.Month.Value = prev.Month.Value % 12 + 1))
                            || ((prev.Year, prev.Month.Value, prev.Day.Value) = (lastY, lastM, lastD)
                                && (cur.Year, cur.Month.Value, cur.Day.Value) = (firstY, firstM, firstD))

                        if not follows then
                            failtestf "%s: %A after %A" r.Id cur prev
            }
        ]

        testList "JSON" [
            test "the calendars of Petrograd, 25 October 1917, as tpflash calendar --json prints them" {
                let json =
                    inPlace "Petrograd" "25 October 1917"
                    |> Temporal.calendars
                    |> CalendarsView.toJson

                Expect.equal
                    (json.ToJsonString())
                    """{"local":{"calendar":"julian","year":1917,"month":10,"day":25,"display":"25 October 1917 (Old Style)"},"gregorian":{"year":1917,"month":11,"day":7},"julian":{"year":1917,"month":10,"day":25},"jdn":2421540,"weekday":"Wednesday","dual_year":null,"auc":2670,"hijri":{"year":1336,"month":1,"day":22},"hebrew":{"year":5678,"month":8,"day":22},"japanese_era":{"era":"Taish\u014D","year":6}}"""
                    "golden"
            }
            test "a year-only point has only its local year and AUC" {
                let json = inPlace "Rome" "44 BCE" |> Temporal.calendars |> CalendarsView.toJson

                Expect.equal
                    (json.ToJsonString())
                    """{"local":{"calendar":"julian","year":-44,"month":null,"day":null,"display":"44 BCE"},"gregorian":null,"julian":null,"jdn":null,"weekday":null,"dual_year":null,"auc":710,"hijri":null,"hebrew":null,"japanese_era":null}"""
                    "golden"
            }
        ]
    ]
