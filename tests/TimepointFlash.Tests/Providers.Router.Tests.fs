module TimepointFlash.Tests.Providers.Router

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderFixtures

let private seconds (s: float) = TimeSpan.FromSeconds s

let private unavailable message =
    Reply.json 503 (GeminiShapes.error 503 "UNAVAILABLE" message)

let private complete (router: Router) role =
    router.Complete (chat role) CancellationToken.None

/// Runs a body with a fake Gemini and a fake OpenRouter.
let private withBoth geminiReplies openRouterReplies body =
    withFake geminiReplies (fun gemini -> withFake openRouterReplies (fun openRouter -> body gemini openRouter))

let private retryTests =
    testList "retries" [
        testTask "a transient failure is retried with exponential backoff and full jitter, then succeeds" {
            do!
                withFake [ unavailable "busy"; unavailable "busy"; Reply.ok (GeminiShapes.text "done") ] (fun fake -> task {
                    let r = Recorder()
                    let! answer = complete (routerWith None r (settingsOf (geminiAt fake))) ModelRole.Creative
                    Expect.equal (expectOk answer).Text "done" "answer"
                    Expect.equal r.Delays [ seconds 0.25; seconds 0.5 ] "0.5 s × 2^n × jitter 0.5"
                    Expect.equal fake.Requests.Length 3 "three attempts"
                })
        }
        testTask "Retry-After is honoured as the delay" {
            let limited =
                Reply.json 429 (GeminiShapes.error 429 "RESOURCE_EXHAUSTED" "quota")
                |> Reply.withHeader "Retry-After" "3"

            do!
                withFake [ limited; Reply.ok (GeminiShapes.text "done") ] (fun fake -> task {
                    let r = Recorder()
                    let! answer = complete (routerWith None r (settingsOf (geminiAt fake))) ModelRole.Creative
                    Expect.equal (expectOk answer).Text "done" "answer"
                    Expect.equal r.Delays [ seconds 3.0 ] "retry after"
                })
        }
        testTask "a Retry-After beyond the 30 s cap is not waited for: the fallback answers at once" {
            let limited =
                Reply.json 429 (GeminiShapes.error 429 "RESOURCE_EXHAUSTED" "daily quota")
                |> Reply.withHeader "Retry-After" "3600"

            do!
                withBoth [ limited ] [ Reply.ok (OpenAiShapes.text "from openrouter") ] (fun gemini openRouter -> task {
                    let r = Recorder()

                    let router =
                        routerWith None r (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                    let! answer = complete router ModelRole.Creative
                    Expect.equal (expectOk answer).Provider "openrouter" "fell back"
                    Expect.isEmpty r.Delays "no wait"
                    Expect.equal gemini.Requests.Length 1 "one attempt"
                })
        }
        testTask "a 429 storm exhausts retries and surfaces the real rate-limit error (fixes B5)" {
            let limited = Reply.json 429 (GeminiShapes.rateLimited "2s")

            do!
                withFake [ limited ] (fun fake -> task {
                    let r = Recorder()
                    let! answer = complete (routerWith None r (settingsOf (geminiAt fake))) ModelRole.Creative
                    let error = expectError answer
                    Expect.equal error (ProviderError.RateLimited("gemini", Some(seconds 2.0))) "last real error"

                    Expect.equal
                        (ProviderError.describe error)
                        "[gemini] (429) rate limit exceeded, retry after 2s"
                        "line"

                    Expect.equal fake.Requests.Length 4 "1 + 3 retries"
                    Expect.equal r.Delays [ seconds 2.0; seconds 2.0; seconds 2.0 ] "retry info honoured"
                })
        }
        testTask "the final error is the last one seen, not the first" {
            let replies = [
                unavailable "first"
                Reply.json 429 (GeminiShapes.rateLimited "1s")
                Reply.json 500 (GeminiShapes.error 500 "INTERNAL" "last one")
            ]

            do!
                withFake replies (fun fake -> task {
                    let settings = settingsOf (("LLM_MAX_RETRIES", "2") :: geminiAt fake)
                    let! answer = complete (routerWith None (Recorder()) settings) ModelRole.Creative

                    Expect.equal
                        (expectError answer)
                        (ProviderError.Unavailable("gemini", Some 500, "last one"))
                        "last"
                })
        }
        testTask "a malformed body is retried" {
            do!
                withFake [ Reply.ok "{\"candidates\": ["; Reply.ok (GeminiShapes.text "fine") ] (fun fake -> task {
                    let! answer =
                        complete (routerWith None (Recorder()) (settingsOf (geminiAt fake))) ModelRole.Creative

                    Expect.equal (expectOk answer).Text "fine" "recovered"
                })
        }
        testTask "a bad request is neither retried nor sent to the fallback" {
            do!
                withBoth
                    [ Reply.json 400 (GeminiShapes.error 400 "INVALID_ARGUMENT" "bad schema") ]
                    [ Reply.ok (OpenAiShapes.text "x") ]
                    (fun gemini openRouter -> task {
                        let router =
                            routerWith None (Recorder()) (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = complete router ModelRole.Creative

                        Expect.equal
                            (expectError answer)
                            (ProviderError.BadRequest("gemini", 400, "bad schema"))
                            "error"

                        Expect.equal gemini.Requests.Length 1 "no retry"
                        Expect.isEmpty openRouter.Requests "no fallback"
                    })
        }
    ]

let private fallbackTests =
    testList "fallback" [
        testTask "an auth failure on the primary falls back to the second provider" {
            do!
                withBoth
                    [ Reply.json 401 (GeminiShapes.error 401 "UNAUTHENTICATED" "bad key") ]
                    [ Reply.ok (OpenAiShapes.text "from openrouter") ]
                    (fun gemini openRouter -> task {
                        let r = Recorder()

                        let router =
                            routerWith None r (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = complete router ModelRole.Judge
                        let answer = expectOk answer
                        Expect.equal (answer.Provider, answer.Text) ("openrouter", "from openrouter") "fallback"
                        Expect.equal gemini.Requests.Length 1 "auth is not retried"

                        Expect.contains
                            r.Events
                            (ProviderEvent.FallingBack("gemini", "openrouter", ProviderError.AuthFailed("gemini", 401)))
                            "logged"
                    })
        }
        testTask "exhausted retries on the primary fall back to the second provider" {
            do!
                withBoth
                    [ unavailable "overloaded" ]
                    [ Reply.ok (OpenAiShapes.text "from openrouter") ]
                    (fun gemini openRouter -> task {
                        let r = Recorder()

                        let router =
                            routerWith None r (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = complete router ModelRole.Creative
                        Expect.equal (expectOk answer).Provider "openrouter" "fallback"
                        Expect.equal gemini.Requests.Length 4 "1 + 3 retries first"

                        Expect.contains
                            r.Events
                            (ProviderEvent.FallingBack(
                                "gemini",
                                "openrouter",
                                ProviderError.Unavailable("gemini", Some 503, "overloaded")
                            ))
                            "logged with the real error"
                    })
        }
        testTask "an open circuit sends calls straight to the fallback" {
            do!
                withBoth
                    [ unavailable "down" ]
                    [ Reply.ok (OpenAiShapes.text "from openrouter") ]
                    (fun gemini openRouter -> task {
                        let settings =
                            settingsOf (("LLM_MAX_RETRIES", "0") :: geminiAt gemini @ openRouterAt openRouter)

                        let router = routerWith None (Recorder()) settings

                        for _ in 1..7 do
                            let! answer = complete router ModelRole.Creative
                            Expect.equal (expectOk answer).Provider "openrouter" "fallback answers"

                        Expect.equal gemini.Requests.Length 5 "primary skipped once open"
                        Expect.equal (router.Circuits()) [ "gemini", "open"; "openrouter", "closed" ] "states"
                    })
        }
        testTask "a model unknown on the primary (404) falls back" {
            do!
                withBoth
                    [ Reply.json 404 (GeminiShapes.error 404 "NOT_FOUND" "models/x is not found") ]
                    [ Reply.ok (OpenAiShapes.text "from openrouter") ]
                    (fun gemini openRouter -> task {
                        let router =
                            routerWith None (Recorder()) (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = complete router ModelRole.Creative
                        Expect.equal (expectOk answer).Provider "openrouter" "fallback"
                        Expect.equal gemini.Requests.Length 1 "not retried"
                    })
        }
        testTask "a missing primary key falls back without calling the primary (fixes B4)" {
            do!
                withBoth
                    [ Reply.ok (GeminiShapes.text "never") ]
                    [ Reply.ok (OpenAiShapes.text "from openrouter") ]
                    (fun gemini openRouter -> task {
                        let settings =
                            settingsOf (
                                [ "PRIMARY_PROVIDER", "google"; "GEMINI_BASE_URL", gemini.BaseUrl ]
                                @ openRouterAt openRouter
                            )

                        let! answer = complete (routerWith None (Recorder()) settings) ModelRole.Creative
                        Expect.equal (expectOk answer).Provider "openrouter" "fallback"
                        Expect.isEmpty gemini.Requests "primary never called"
                        let sent = openRouter.JsonBody 0

                        Expect.equal
                            (sent.GetProperty("model").GetString())
                            "google/gemini-3-pro-preview"
                            "translated default"
                    })
        }
        testTask "FALLBACK_PROVIDER=offline hands the call to the offline engine" {
            let offline = {
                Name = "offline"
                Complete =
                    fun request _ ->
                        Task.FromResult(
                            Ok {
                                Text = $"offline:{request.Step}"
                                Model = "offline"
                                Provider = "offline"
                                Usage = { Input = 0; Output = 0 }
                                LatencyMs = 0L
                            }
                        )
                GenerateImage = fun _ _ -> Task.FromResult(Error ProviderError.Cancelled)
            }

            do!
                withFake [ Reply.json 403 (GeminiShapes.error 403 "PERMISSION_DENIED" "no") ] (fun gemini -> task {
                    let settings = settingsOf (("FALLBACK_PROVIDER", "offline") :: geminiAt gemini)
                    let! answer = complete (routerWith (Some offline) (Recorder()) settings) ModelRole.Judge
                    Expect.equal (expectOk answer).Text "offline:judge" "offline answered"
                    let! direct = complete (routerWith (Some offline) (Recorder()) (settingsOf [])) ModelRole.Judge
                    Expect.equal (expectOk direct).Provider "offline" "offline engine"
                })
        }
    ]

let private routingTests =
    testList "routing" [
        testTask "the judge uses JUDGE_MODEL, other agents CREATIVE_MODEL, images IMAGE_MODEL (fixes B1, B2)" {
            let imageReply =
                GeminiShapes.candidate [ GeminiShapes.imagePart "image/png" [| 1uy |] ] "STOP"

            do!
                withFake
                    [
                        Reply.ok (GeminiShapes.text "a")
                        Reply.ok (GeminiShapes.text "b")
                        Reply.ok imageReply
                    ]
                    (fun fake -> task {
                        let settings =
                            settingsOf (
                                [
                                    "JUDGE_MODEL", "gemini-judge-model"
                                    "CREATIVE_MODEL", "gemini-creative-model"
                                    "IMAGE_MODEL", "google/gemini-image-model"
                                ]
                                @ geminiAt fake
                            )

                        let router = routerWith None (Recorder()) settings
                        let! _ = complete router ModelRole.Judge
                        let! _ = complete router ModelRole.Creative
                        let! img = router.GenerateImage image CancellationToken.None
                        Expect.equal (expectOk img).Model "gemini-image-model" "image model"

                        Expect.equal
                            (fake.Requests |> List.map _.Path)
                            [
                                "/v1beta/models/gemini-judge-model:generateContent"
                                "/v1beta/models/gemini-creative-model:generateContent"
                                "/v1beta/models/gemini-image-model:generateContent"
                            ]
                            "paths"
                    })
        }
        testTask "ListModels asks the OpenRouter fake" {
            do!
                withFake [ Reply.ok OpenAiShapes.models ] (fun fake -> task {
                    let router = routerWith None (Recorder()) (settingsOf (openRouterAt fake))
                    let! models = router.ListModels CancellationToken.None
                    Expect.equal (expectOk models |> List.map _.Id) [ "google/gemini-2.5-flash"; "bare/model" ] "ids"
                })
        }
    ]

let private circuitTests =
    testList "circuit" [
        testTask "the circuit opens after 5 consecutive failures and closes after a half-open success" {
            let replies =
                List.replicate 5 (unavailable "down") @ [ Reply.ok (GeminiShapes.text "back") ]

            do!
                withFake replies (fun fake -> task {
                    let r = Recorder()

                    let router =
                        routerWith None r (settingsOf (("LLM_MAX_RETRIES", "0") :: geminiAt fake))

                    for _ in 1..5 do
                        let! failed = complete router ModelRole.Creative

                        Expect.equal
                            (expectError failed)
                            (ProviderError.Unavailable("gemini", Some 503, "down"))
                            "down"

                    let! refused = complete router ModelRole.Creative
                    Expect.equal (expectError refused) (ProviderError.CircuitOpen "gemini") "open"

                    Expect.equal
                        (ProviderError.describe (expectError refused))
                        "[gemini] circuit open after repeated failures"
                        "line"

                    Expect.equal fake.Requests.Length 5 "no request while open"
                    Expect.equal (router.Circuits()) [ "gemini", "open" ] "state"
                    r.Now <- r.Now.AddSeconds 31.0
                    Expect.equal (router.Circuits()) [ "gemini", "half-open" ] "cool-down over"
                    let! back = complete router ModelRole.Creative
                    Expect.equal (expectOk back).Text "back" "trial succeeded"
                    Expect.equal (router.Circuits()) [ "gemini", "closed" ] "closed"
                    Expect.contains r.Events (ProviderEvent.CircuitClosed "gemini") "logged"
                })
        }
    ]

let private timeoutTests =
    testList "timeouts" [
        testTask "a slow provider past the per-call timeout is a Timeout" {
            do!
                withFake [ Reply.ok (GeminiShapes.text "late") |> Reply.slow (seconds 20.0) ] (fun fake -> task {
                    let settings =
                        settingsOf ([ "LLM_TIMEOUT_SECONDS", "1"; "LLM_MAX_RETRIES", "0" ] @ geminiAt fake)

                    let! answer = complete (routerWith None (Recorder()) settings) ModelRole.Creative
                    let error = expectError answer
                    Expect.equal error (ProviderError.Timeout("gemini", seconds 1.0)) "timeout"
                    Expect.equal (ProviderError.describe error) "[gemini] no answer within 1s" "line"
                })
        }
        testTask "caller cancellation is Cancelled and never falls back" {
            do!
                withBoth
                    [ Reply.ok (GeminiShapes.text "late") |> Reply.slow (seconds 20.0) ]
                    [ Reply.ok (OpenAiShapes.text "x") ]
                    (fun gemini openRouter -> task {
                        let router =
                            routerWith None (Recorder()) (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        use cts = new CancellationTokenSource(TimeSpan.FromMilliseconds 300.0)
                        let! answer = router.Complete (chat ModelRole.Creative) cts.Token
                        Expect.equal (expectError answer) ProviderError.Cancelled "cancelled"
                        Expect.isEmpty openRouter.Requests "no fallback"
                    })
        }
    ]

let private secrecyTests =
    testList "secrecy" [
        testTask "keys appear in no error and no log line" {
            let echo =
                Reply.json 429 (OpenAiShapes.error 429 $"key {openRouterKey} is rate limited")
                |> Reply.withHeader "Retry-After" "1"

            do!
                withBoth
                    [
                        Reply.json 401 (GeminiShapes.error 401 "UNAUTHENTICATED" $"bad key {geminiKey}")
                    ]
                    [ echo ]
                    (fun gemini openRouter -> task {
                        let r = Recorder()

                        let router =
                            routerWith None r (settingsOf (geminiAt gemini @ openRouterAt openRouter))

                        let! answer = complete router ModelRole.Creative
                        let error = expectError answer
                        Expect.equal error (ProviderError.RateLimited("openrouter", Some(seconds 1.0))) "final"
                        expectNoKey (ProviderError.describe error)
                        Expect.isNonEmpty r.Events "events logged"

                        for e in r.Events do
                            expectNoKey (ProviderEvent.describe e)
                            expectNoKey (sprintf "%A" e)

                        expectNoKey (sprintf "%A" router.Description)
                    })
        }
    ]

let private backoffTests =
    testList "backoff" [
        testProperty "full jitter stays within [0, min(8 s, 0.5 s × 2^n)]"
        <| fun (attempt: byte) (fraction: uint16) ->
            let n = int attempt % 12
            let policy = Resilience.policy (settingsOf [])
            let random () = float fraction / 65536.0
            let ceiling = min 8000.0 (500.0 * Math.Pow(2.0, float n))

            match Resilience.backoff policy random n (ProviderError.Unavailable("gemini", Some 503, "x")) with
            | Some d -> d.TotalMilliseconds >= 0.0 && d.TotalMilliseconds <= ceiling
            | None -> false
    ]

let tests =
    testList "Providers.Router" [
        retryTests
        fallbackTests
        routingTests
        circuitTests
        timeoutTests
        secrecyTests
        backoffTests
    ]
