module TimepointFlash.Tests.Providers.Router

open System
open System.Threading
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

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
                                Search = None
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

let tests =
    testList "Providers.Router" [ fallbackTests; routingTests; secrecyTests ]
