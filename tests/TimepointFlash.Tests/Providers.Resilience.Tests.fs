module TimepointFlash.Tests.Providers.Resilience

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

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
    testList "Providers.Resilience" [ retryTests; circuitTests; timeoutTests; backoffTests ]
