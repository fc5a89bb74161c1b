/// Local calendars outside the algebra: the wire, navigation, the timeline prompt, the offline engine's curated
/// moments and the scene page.
module TimepointFlash.Tests.CalendarsEverywhere

open System.Net
open System.Text.Json.Nodes
open Expecto
open TimepointFlash
open TimepointFlash.Engines.Offline
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failtestf "unexpected error %A" e

/// A completed timepoint at a date and place.
let private at (location: string) (point: TemporalPoint) = {
    Timepoint.pending Fixtures.fixedId "a moment" "a-moment" false Fixtures.createdAt with
        Status = TimepointStatus.Completed
        Point = Some point
        Location = Some location
}

/// The curated moments as raw JSON, for the fields the engine does not read (calendar, dual_year).
let private rawMoments () =
    let assembly = typeof<Knowledge>.Assembly

    use stream =
        assembly.GetManifestResourceStream "TimepointFlash.Engines.Data.moments.json"

    let root = JsonNode.Parse(stream: System.IO.Stream)
    root["moments"].AsArray() |> Seq.toList

let private withApi f = task {
    let! api = start ()

    try
        do! f api
    finally
        (api :> System.IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let private generate (api: TestApi) (query: string) = task {
    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" $"""{{"query": "{query}"}}"""
    Expect.equal resp.StatusCode HttpStatusCode.OK "sync 200"
    return! body resp
}

let tests =
    testList "Calendars everywhere" [
        test "a timepoint's wire JSON carries its local calendar, region, dual year and calendars" {
            let t = at "Winter Palace, Petrograd" (Temporal.ymd 1917 10 25 |> ok)
            let json = JsonNode.Parse(Encode.toString (TimepointWire.encode true t))
            Expect.equal (string json["calendar"]) "julian" "Russia wrote Julian dates in 1917"
            Expect.equal (string json["region"]) "russia" "region"
            Expect.isNull json["dual_year"] "no dual year in Russia"

            Expect.equal
                (json["calendars"].["gregorian"].ToJsonString())
                """{"year":1917,"month":11,"day":7}"""
                "7 November New Style"

            let summary = JsonNode.Parse(Encode.toString (TimepointWire.encode false t))
            Expect.equal (string summary["calendar"]) "julian" "summaries have the calendar"
            Expect.isNull summary["calendars"] "but not the calendars object"
        }

        test "a London date of 1649 has the dual year on the wire; a timepoint without a date has nulls" {
            let t = at "Whitehall, London" (Temporal.ymd 1649 1 30 |> ok)
            let json = JsonNode.Parse(Encode.toString (TimepointWire.encode true t))
            Expect.equal (string json["dual_year"]) "1648/9" "dual year"
            Expect.equal (string json["region"]) "great-britain" "region"

            let empty =
                JsonNode.Parse(Encode.toString (TimepointWire.encode true { t with Point = None }))

            Expect.isNull empty["calendar"] "no calendar without a date"
            Expect.isNull empty["calendars"] "no calendars without a date"
        }

        test "navigation steps in the calendar of the source's place" {
            let step location (y, m, d) n unit =
                let source = at location (Temporal.ymd y m d |> ok)
                let c = Navigation.plan source Direction.Next n unit |> ok
                c.Target.Year, c.Target.Month, c.Target.Day

            Expect.equal (step "London" (1752, 9, 2) 1 TimeUnit.Day) (1752, Some 9, Some 14) "London skipped 11 days"
            Expect.equal (step "Paris" (1752, 9, 2) 1 TimeUnit.Day) (1752, Some 9, Some 3) "Paris did not"
            Expect.equal (step "Moscow" (1918, 1, 31) 1 TimeUnit.Day) (1918, Some 2, Some 14) "Russia"
            Expect.equal (step "London" (1752, 8, 10) 1 TimeUnit.Month) (1752, Some 9, Some 14) "a month into the gap"
            Expect.equal (step "Atlantis" (1582, 10, 4) 1 TimeUnit.Day) (1582, Some 10, Some 15) "the universal rule"
        }

        test "a London scene navigated into October 1582 keeps the Julian day the reform skipped elsewhere" {
            let source = at "London" (Temporal.ymd 1582 10 4 |> ok)
            let c = Navigation.plan source Direction.Next 1 TimeUnit.Day |> ok

            Expect.equal
                (c.Target.Year, c.Target.Month, c.Target.Day)
                (1582, Some 10, Some 5)
                "5 October existed in London"

            Expect.equal
                c.Target.Calendar
                Calendar.Julian
                "stored marked Julian, as the historical labels cannot hold it"
        }

        test "the timeline agent is told the calendar of the place and date" {
            let input: TimelineInput = {
                Query = "storming of the winter palace"
                Judge = {
                    Fixtures.judge with
                        DetectedYear = Some 1917
                        DetectedLocation = Some "Petrograd"
                }
                Continuity = None
                Grounding = None
            }

            let prompt = TimepointFlash.Agents.Timeline.buildPrompt input
            Expect.stringContains prompt.User "Julian calendar (Old Style)" "the local calendar"
            Expect.stringContains prompt.User "31 January 1918" "until when"
            Expect.stringContains prompt.System "as the place wrote them" "dates as the place wrote them"

            let unknown =
                TimepointFlash.Agents.Timeline.buildPrompt {
                    input with
                        Judge = {
                            input.Judge with
                                DetectedLocation = Some "Atlantis"
                        }
                }

            Expect.isFalse (unknown.User.Contains "calendar of the place") "no note for a place we do not know"

            let ancient =
                TimepointFlash.Agents.Timeline.buildPrompt {
                    input with
                        Judge = {
                            input.Judge with
                                DetectedYear = Some -44
                                DetectedLocation = Some "Rome"
                        }
                }

            Expect.isFalse (ancient.User.Contains "calendar of the place") "no note before 1582"

            let london =
                TimepointFlash.Agents.Timeline.buildPrompt {
                    input with
                        Judge = {
                            input.Judge with
                                DetectedYear = Some 1752
                                DetectedLocation = Some "London"
                        }
                }

            Expect.stringContains london.User "the calendar changed that year" "the year of the switch"
        }

        test "every curated moment's date exists in its place, and a recorded calendar and dual year agree" {
            let known = Knowledge.embedded ()
            let raw = rawMoments ()

            for m in known.Moments do
                let point = {
                    TemporalAlgebra.empty m.Year with
                        Month = m.Month
                        Day = m.Day
                }

                let lp = PlaceCalendar.localize (Some m.Place) point |> ok
                let json = raw |> List.find (fun j -> string j["key"] = m.Key)

                match json["calendar"] with
                | null -> ()
                | c -> Expect.equal (string c) (CalendarsView.calendarName lp.Point.Calendar) $"{m.Key}: calendar"

                match json["dual_year"] with
                | null -> ()
                | d -> Expect.equal (Some(string d)) (LocalCalendar.dualYear lp) $"{m.Key}: dual year"

            let recorded =
                raw
                |> List.filter (fun j -> j["calendar"] <> null)
                |> List.map (fun j -> string j["key"])

            Expect.containsAll recorded [ "storming-of-the-winter-palace"; "execution-of-charles-i" ] "recorded"
        }

        testTask "a scene generated for the storming of the Winter Palace shows both styles on its page" {
            do!
                withApi (fun api -> task {
                    let! t = generate api "storming of the winter palace"
                    Expect.equal (str t "calendar") "julian" "Old Style"
                    Expect.equal (str t "region") "russia" "Petrograd"
                    let! html = api.Client.GetStringAsync($"""/t/{str t "slug"}""")
                    let page = WebUtility.HtmlDecode html

                    Expect.stringContains
                        page
                        "25 October 1917 (Old Style) · 7 November 1917 (New Style)"
                        "both styles"

                    Expect.stringContains page "Islamic (arithmetical)" "the other calendars"

                    let! charles = generate api "execution of charles i"
                    Expect.equal (str charles "dual_year") "1648/9" "dual year"
                    let! html = api.Client.GetStringAsync($"""/t/{str charles "slug"}""")
                    let page = WebUtility.HtmlDecode html
                    Expect.stringContains page "30 January 1648/9 (Old Style) · 9 February 1649 (New Style)" "1648/9"
                })
        }
    ]
