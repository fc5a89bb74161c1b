/// Grounding over the wire: the spec-validating fakes of Gemini (the `google_search` tool and `groundingMetadata`),
/// OpenRouter (the web plugin and `url_citation` annotations) and a plain OpenAI-compatible server (no search: the
/// step is skipped, or fails under `on`, saying why).
module TimepointFlash.Tests.GroundingWire

open System
open System.Text.Json
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderFixtures
open TimepointFlash.Tests.Support.ProviderShapes

/// What the model answers for the grounding step: it names a source of its own, which the cited pages replace.
let private answer =
    """{"verified_date":"15 March 44 BCE","verified_location":"Theatre of Pompey, Rome","participants":["Julius Caesar","Marcus Junius Brutus"],"facts":["Caesar was stabbed at a meeting of the Senate"],"sources":[{"title":"remembered","url":"https://invented.example/caesar"}],"confidence":0.85}"""

let private pages = [
    "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC1", "britannica.com"
    "https://vertexaisearch.cloud.google.com/grounding-api-redirect/XyZ2", "wikipedia.org"
]

let private notHere =
    Reply.json 404 (GeminiShapes.error 404 "NOT_FOUND" "no such model here")

let private notHereOpenAi =
    Reply.json 404 (OpenAiShapes.error 404 "no such model here")

/// Runs a body against an API whose primary provider is a fake with the given replies (every call the script does
/// not answer falls back to the offline engine).
let private withFake
    (replies: Reply list)
    (vars: FakeServer -> (string * string) list)
    (body: FakeServer -> TestApi -> Task<unit>)
    =
    task {
        let! fake = FakeServer.start replies

        try
            let! api = startWith (vars fake @ [ "FALLBACK_PROVIDER", "offline" ]) None

            try
                do! body fake api
            finally
                (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        finally
            (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
    }

let private generate (api: TestApi) (extra: string) = task {
    let! resp =
        postJson
            api.Client
            "/api/v1/timepoints/generate/sync"
            ("""{"query":"assassination of julius caesar" """ + extra + "}")

    let! t = body resp
    Expect.equal (int resp.StatusCode) 200 (t.ToJsonString())
    Expect.equal (str t "status") "completed" (t.ToJsonString())
    let! (stored: string) = api.Client.GetStringAsync($"""/api/v1/timepoints/{str t "id"}""")
    return JsonNode.Parse stored
}

let private bodies (fake: FakeServer) =
    fake.Requests
    |> List.filter (fun r -> r.Method = "POST")
    |> List.map (fun r -> JsonDocument.Parse(r.Body).RootElement.Clone())

let private has (name: string) (e: JsonElement) =
    e.ValueKind = JsonValueKind.Object && fst (e.TryGetProperty name)

let private urls (t: JsonNode) =
    let g = t["grounding"]
    let sources = g["sources"].AsArray()
    sources |> Seq.map (fun s -> str s "url") |> List.ofSeq

let private expectPagesShown (api: TestApi) (t: JsonNode) (expected: string list) = task {
    let! (page: string) = api.Client.GetStringAsync($"""/t/{str t "slug"}""")

    for url in expected do
        Expect.stringContains page $"href=\"{url}\"" "each cited page is a link on the scene page"
}

let tests =
    testList "Grounding.Wire" [
        testTask "Gemini grounds with the google_search tool and the scene keeps the pages its groundingMetadata cites" {
            let grounded =
                Reply.ok (GeminiShapes.grounded answer [ "julius caesar assassination date" ] pages)

            do!
                withFake
                    [ notHere; grounded; notHere ]
                    (fun fake -> geminiAt fake @ [ "PRIMARY_PROVIDER", "gemini" ])
                    (fun fake api -> task {
                        let! t = generate api ""
                        Expect.equal fake.Violations [] "every request is one the real API accepts"

                        let searching = bodies fake |> List.filter (has "tools")
                        Expect.equal searching.Length 1 "only the grounding call searches"
                        let call = searching.Head

                        Expect.equal
                            (call.GetProperty("tools").GetRawText())
                            """[{"google_search":{}}]"""
                            "the google_search tool"

                        Expect.isFalse
                            (has "responseMimeType" (call.GetProperty "generationConfig"))
                            "Gemini 2.5 takes no JSON response type with a tool: the schema travels as text"

                        Expect.stringContains
                            (call.GetProperty("systemInstruction").GetRawText())
                            "JSON Schema"
                            "the schema in the system instruction"

                        Expect.equal (urls t) (List.map fst pages) "the cited pages replace the remembered source"
                        Expect.equal (str (t["grounding"]) "verified_date") "15 March 44 BCE" "the verified date"
                        let grounding = t["grounding"]
                        let first = grounding["sources"].AsArray()[0]
                        Expect.equal (str first "title") "britannica.com" "the page title"

                        let status = t["grounding_status"]
                        Expect.equal (str status "state") "grounded" "grounded"
                        Expect.equal (str status "provider") "gemini" "provider"
                        Expect.equal (str status "method") "google_search" "method"
                        Expect.equal (str status "mode") "auto" "GROUNDING is auto by default"

                        Expect.equal
                            (status["queries"].ToJsonString())
                            """["julius caesar assassination date"]"""
                            "the searches Google ran"

                        let metadata = t["metadata"]

                        Expect.equal
                            (metadata["grounding_status"].ToJsonString())
                            (status.ToJsonString())
                            "also under metadata"

                        do! expectPagesShown api t (List.map fst pages)
                    })
        }

        testTask
            "OpenRouter grounds with the web plugin and the scene keeps the pages its url_citation annotations cite" {
            let cited =
                Reply.ok (
                    OpenAiShapes.cited answer [
                        "https://www.britannica.com/event/assassination-of-Julius-Caesar", "Assassination of Caesar"
                        "https://en.wikipedia.org/wiki/Assassination_of_Julius_Caesar", "Wikipedia"
                    ]
                )

            do!
                withFake
                    [ notHereOpenAi; cited; notHereOpenAi ]
                    (fun fake -> openRouterAt fake @ [ "PRIMARY_PROVIDER", "openrouter" ])
                    (fun fake api -> task {
                        let! t = generate api ""
                        Expect.equal fake.Violations [] "every request is one the real API accepts"

                        let searching = bodies fake |> List.filter (has "plugins")
                        Expect.equal searching.Length 1 "only the grounding call searches"

                        Expect.equal
                            (searching.Head.GetProperty("plugins").GetRawText())
                            """[{"id":"web","max_results":5}]"""
                            "the web plugin"

                        Expect.equal
                            (urls t)
                            [
                                "https://www.britannica.com/event/assassination-of-Julius-Caesar"
                                "https://en.wikipedia.org/wiki/Assassination_of_Julius_Caesar"
                            ]
                            "the cited pages"

                        let status = t["grounding_status"]
                        Expect.equal (str status "state") "grounded" "grounded"
                        Expect.equal (str status "provider") "openrouter" "provider"
                        Expect.equal (str status "method") "web_plugin" "method"

                        do!
                            expectPagesShown api t [
                                "https://www.britannica.com/event/assassination-of-Julius-Caesar"
                            ]
                    })
        }

        testTask
            "a plain OpenAI-compatible server is never asked to ground: auto skips and says why, on fails the step and says why" {
            do!
                withFake [ notHereOpenAi ] openAiAt (fun fake api -> task {
                    let! skipped = generate api ""
                    Expect.isNull skipped["grounding"] "no grounding"
                    let status = skipped["grounding_status"]
                    Expect.equal (str status "state") "skipped" "skipped"
                    Expect.equal (str status "provider") "openai" "provider"
                    Expect.stringContains (str status "reason") "plain OpenAI-compatible server" "the stated reason"
                    let! (page: string) = api.Client.GetStringAsync($"""/t/{str skipped "slug"}""")
                    Expect.stringContains page "Not verified against sources" "the scene page says so"
                    Expect.stringContains page "plain OpenAI-compatible server" "and why"

                    let! required = generate api """, "grounding": "on" """
                    Expect.isNull required["grounding"] "no grounding"
                    let status = required["grounding_status"]
                    Expect.equal (str status "state") "failed" "on without search fails the step"
                    Expect.equal (str status "mode") "on" "the request's mode"
                    Expect.stringContains (str status "reason") "grounding is on but" "the stated reason"

                    let! (events: string) =
                        api.Client.GetStringAsync($"""/api/v1/timepoints/{str required "id"}/events""")

                    Expect.stringContains
                        events
                        "\"event\":\"step_error\",\"step\":\"grounding\""
                        "the failed step is in the log"

                    Expect.isFalse
                        (bodies fake
                         |> List.exists (fun b -> b.GetRawText().Contains "\"name\":\"grounding\""))
                        "no grounding request reached the server"

                    Expect.equal fake.Violations [] "every request is one the real API accepts"
                })
        }

        testTask "a request's grounding off leaves a real event unverified on a provider that searches, and says so" {
            do!
                withFake [ notHere ] (fun fake -> geminiAt fake @ [ "PRIMARY_PROVIDER", "gemini" ]) (fun fake api -> task {
                    let! t = generate api """, "grounding": "off" """
                    Expect.isNull t["grounding"] "no grounding"
                    Expect.equal (str (t["grounding_status"]) "state") "off" "off"
                    Expect.isFalse (bodies fake |> List.exists (has "tools")) "nothing searched"
                })
        }
    ]
