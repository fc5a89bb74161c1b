module TimepointFlash.Tests.Grounding

open System
open System.Net
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Agents
open TimepointFlash.Engines
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

let private caesar = """{"query": "assassination of julius caesar"}"""

let private withApiUsing vars llm (f: TestApi -> Task<unit>) = task {
    let! api = startWith vars llm

    try
        do! f api
    finally
        (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

/// The stored timepoint of an id, in full.
let private stored (api: TestApi) (id: string) = task {
    let! text = api.Client.GetStringAsync($"/api/v1/timepoints/{id}")
    return JsonNode.Parse text
}

/// Checks a completed timepoint's grounding: the curated date and place, its people and its cited source, also
/// under metadata; and the scene page lists the source.
let private expectGrounded (api: TestApi) (t: JsonNode) = task {
    Expect.equal (str t "status") "completed" (t.ToJsonString())
    let g = t["grounding"]
    Expect.isNotNull g "top-level grounding"
    Expect.stringContains (str g "verified_date") "44 BCE" "the verified date"
    Expect.isGreaterThan (g["facts"].AsArray().Count) 0 "facts"

    let first = g["sources"][0]
    Expect.equal (str first "url") "urn:timepoint-flash:knowledge:caesar-assassination" "the curated entry is cited"

    Expect.equal (g.ToJsonString()) ((t["metadata"]["grounding"]).ToJsonString()) "also under metadata"
    let slug = str t "slug"
    let! (page: string) = api.Client.GetStringAsync($"/t/{slug}")
    Expect.stringContains page "id=\"grounding\"" "a grounding section on the scene page"
    Expect.stringContains page "TimepointFlash curated knowledge" "its source"
}

let private messages (text: string) =
    text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
    |> Array.filter (fun m -> m.StartsWith "data: ")
    |> Array.map (fun m -> JsonNode.Parse(m.Substring 6))
    |> List.ofArray

/// An engine whose grounding step always fails (the provider is unavailable); every other step is offline.
let private failingGrounding: Llm =
    fun call ct ->
        if call.Chat.Step = Step.name Grounding.step then
            Task.FromResult(Error(ProviderError.Unavailable("fake", Some 503, "search is down")))
        else
            OfflineEngine.llm call ct

let tests =
    testList "Grounding" [
        test "a grounding answer decodes leniently, drops repeated sources and encodes back" {
            let text =
                """{"verified_date":" 15 March 44 BCE ","verified_location":"Rome","participants":["Brutus",""],"facts":["Caesar died"],"sources":[{"title":"A","url":"https://a.example/x"},{"url":"https://a.example/x"},{"title":"B","url":"javascript:alert(1)"}],"confidence":0.7}"""

            match Decode.fromString GroundingData.decoder text with
            | Error e -> failtest (DecodeError.describeAll e)
            | Ok g ->
                Expect.equal g.VerifiedDate (Some "15 March 44 BCE") "trimmed"
                Expect.equal g.Participants [ "Brutus" ] "blank names dropped"

                Expect.equal
                    (g.Sources |> List.map _.Url)
                    [ "https://a.example/x"; "javascript:alert(1)" ]
                    "deduplicated"

                Expect.equal
                    (g.Sources |> List.map GroundingSource.isLinkable)
                    [ true; false ]
                    "only http(s) addresses become links"

                Expect.equal
                    (Encode.toString (GroundingData.encode g))
                    """{"verified_date":"15 March 44 BCE","verified_location":"Rome","participants":["Brutus"],"facts":["Caesar died"],"sources":[{"title":"A","url":"https://a.example/x"},{"title":"B","url":"javascript:alert(1)"}],"confidence":0.7}"""
                    "golden"
        }

        test
            "the grounding step runs only for real events the judge accepted: auto with a provider that searches, on always, off never" {
            let spec = Steps.spec Grounding.step
            let searches = SearchSupport.Searches("gemini", "google_search")
            let cannot = SearchSupport.NoSearch("openai", "no search")

            let plan mode search = {
                GenerateImage = false
                Off = Set.empty
                Grounding = mode
                Search = search
            }

            let auto = plan GroundingMode.Auto searches

            let judged kind valid =
                PipelineResult.add
                    JudgeResult.key
                    {
                        Fixtures.judge with
                            QueryType = kind
                            IsValid = valid
                    }
                    PipelineResult.empty

            let historical = judged QueryType.Historical true
            Expect.isTrue (spec.Runs auto historical) "historical"
            Expect.isTrue (spec.Runs auto (judged QueryType.Contemporary true)) "contemporary"
            Expect.isFalse (spec.Runs auto (judged QueryType.Fictional true)) "fiction is not checked"
            Expect.isFalse (spec.Runs auto (judged QueryType.Historical false)) "a rejected query is not checked"

            Expect.isFalse
                (spec.Runs (plan GroundingMode.Auto cannot) historical)
                "auto skips a provider without search"

            Expect.isTrue (spec.Runs (plan GroundingMode.On cannot) historical) "on runs (and fails) without search"
            Expect.isFalse (spec.Runs (plan GroundingMode.Off searches) historical) "off"
        }

        test "a run the judge accepted settles its grounding status: off, not applicable or skipped with the reason" {
            let plan mode search = {
                GenerateImage = false
                Off = Set.empty
                Grounding = mode
                Search = search
            }

            let judged kind =
                PipelineResult.add
                    JudgeResult.key
                    {
                        Fixtures.judge with
                            QueryType = kind
                            IsValid = true
                    }
                    PipelineResult.empty

            let status p r =
                Steps.settle p r |> fun r -> Outputs.tryGet GroundingStatus.key r.Outputs

            let cannot =
                SearchSupport.NoSearch("openai", "openai (127.0.0.1) has no web search")

            Expect.equal
                (status (plan GroundingMode.Auto cannot) (judged QueryType.Historical))
                (Some {
                    Mode = GroundingMode.Auto
                    State = GroundingState.Skipped
                    Provider = Some "openai"
                    Method = None
                    Reason = Some "openai (127.0.0.1) has no web search"
                    Queries = []
                })
                "auto without search: skipped, saying why"

            Expect.equal
                (status (plan GroundingMode.Off cannot) (judged QueryType.Historical)
                 |> Option.map _.State)
                (Some GroundingState.Off)
                "off"

            Expect.equal
                (status (plan GroundingMode.Auto cannot) (judged QueryType.Fictional)
                 |> Option.map _.State)
                (Some GroundingState.NotApplicable)
                "fiction"

            Expect.isNone (status (plan GroundingMode.Auto cannot) PipelineResult.empty) "nothing before a judge"
        }

        test
            "GROUNDING is auto by default, takes auto, on or off in any case, and anything else stops start-up naming it" {
            let read value =
                TimepointFlash.Runtime.Config.read (fun k ->
                    match k, value with
                    | "GROUNDING", Some v -> Some v
                    | _ -> None)
                |> Result.map _.Grounding

            Expect.equal (read None) (Ok GroundingMode.Auto) "default"
            Expect.equal (read (Some " ON ")) (Ok GroundingMode.On) "on"
            Expect.equal (read (Some "off")) (Ok GroundingMode.Off) "off"

            match read (Some "sometimes") with
            | Error e ->
                Expect.equal e.Variable "GROUNDING" "names the variable"
                Expect.stringContains e.Problem "auto, on, off" "lists the values"
            | Ok m -> failtest $"accepted {m}"
        }

        test
            "a request's grounding is auto, on or off; anything else is refused naming the values; navigation inherits it" {
            let decode json =
                Decode.fromString (GenerationControl.decoder [ "balanced" ]) json

            match decode """{"grounding":"On"}""" with
            | Ok c -> Expect.equal c.Grounding (Some GroundingMode.On) "on"
            | Error e -> failtest (DecodeError.describeAll e)

            match decode """{}""" with
            | Ok c -> Expect.equal c.Grounding None "the deployment's by default"
            | Error e -> failtest (DecodeError.describeAll e)

            for bad in [ "\"always\""; "true"; "1" ] do
                match decode $"""{{"grounding":{bad}}}""" with
                | Error e -> Expect.stringContains (DecodeError.describeAll e) "auto, on, off" bad
                | Ok c -> failtest $"accepted {bad}: {c.Grounding}"

            let source = {
                GenerationControl.none with
                    Grounding = Some GroundingMode.Off
            }

            Expect.equal
                (GenerationControl.overlay GenerationControl.none source).Grounding
                (Some GroundingMode.Off)
                "inherited"

            Expect.equal
                (GenerationControl.overlay
                    {
                        GenerationControl.none with
                            Grounding = Some GroundingMode.On
                    }
                    source)
                    .Grounding
                (Some GroundingMode.On)
                "overridden"
        }

        test "the timeline, scene and cast prompts carry the verified facts" {
            let g =
                Offline.GroundAnswer.answer {
                    Query = "assassination of julius caesar"
                    Judge = Fixtures.judge
                }

            let section = GroundingData.promptSection (Some g)
            Expect.stringContains section "verified date: 15 March 44 BCE" "the date"
            Expect.equal (GroundingData.promptSection None) "" "nothing without a grounding"

            let p =
                Timeline.buildPrompt {
                    Query = "q"
                    Judge = Fixtures.judge
                    Continuity = None
                    Grounding = Some g
                }

            Expect.stringContains p.User section "in the timeline prompt"
        }

        testTask "a real event is grounded in a synchronous generation, and its sources are on the scene page" {
            do!
                withApiUsing [] None (fun api -> task {
                    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" caesar
                    let! t = body resp
                    do! expectGrounded api t
                    let! again = stored api (str t "id")
                    Expect.equal (again["grounding"].ToJsonString()) (t["grounding"].ToJsonString()) "stored"
                })
        }

        testTask "a background generation is grounded" {
            do!
                withApiUsing [] None (fun api -> task {
                    let! resp = postJson api.Client "/api/v1/timepoints/generate" caesar
                    let! b = body resp
                    let id = str b "id"
                    let! (events: string) = api.Client.GetStringAsync($"/api/v1/timepoints/{id}/events")
                    Expect.stringContains events "\"step\":\"grounding\"" "the grounding step is reported"
                    let! t = stored api id
                    do! expectGrounded api t
                })
        }

        testTask "a streamed generation is grounded, the step reported live" {
            do!
                withApiUsing [] None (fun api -> task {
                    let! resp = postJson api.Client "/api/v1/timepoints/generate/stream" caesar
                    let! text = resp.Content.ReadAsStringAsync()
                    let ms = messages text

                    Expect.isTrue
                        (ms
                         |> List.exists (fun m -> str m "event" = "step_complete" && str m "step" = "grounding"))
                        "grounding completed in the stream"

                    let finished = ms |> List.last
                    let! t = stored api (str finished["data"] "timepoint_id")
                    do! expectGrounded api t
                })
        }

        testTask "GROUNDING=off leaves the scene ungrounded" {
            do!
                withApiUsing [ "GROUNDING", "off" ] None (fun api -> task {
                    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" caesar
                    let! t = body resp
                    Expect.equal (str t "status") "completed" "completed"
                    Expect.isNull t["grounding"] "no grounding"
                })
        }

        testTask "a failing grounding is recorded in the step log and the scene still completes" {
            do!
                withApiUsing [] (Some failingGrounding) (fun api -> task {
                    let! resp = postJson api.Client "/api/v1/timepoints/generate/sync" caesar
                    let! t = body resp
                    Expect.equal (int resp.StatusCode) 200 (t.ToJsonString())
                    Expect.equal (str t "status") "completed" "non-fatal"
                    Expect.isNull t["grounding"] "no grounding"
                    Expect.isNull t["error"] "no error on the timepoint"
                    let id = str t "id"
                    let! (events: string) = api.Client.GetStringAsync($"/api/v1/timepoints/{id}/events")

                    Expect.stringContains
                        events
                        "\"event\":\"step_error\",\"step\":\"grounding\""
                        "the failed step is logged and replayed"
                })
        }
    ]
