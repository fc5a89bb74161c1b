module TimepointFlash.Tests.Providers.OpenAi

open System
open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures
open TimepointFlash.Tests.Support.SpecRules

/// Golden chat-completions body of the judge request with `verdictSchema` to OpenRouter's Gemini 2.5 Flash:
/// the structured-step thinking budget as `reasoning.max_tokens`, added to `max_tokens`; strict `json_schema`.
let requestGolden =
    """{"model":"google/gemini-2.5-flash","messages":[{"role":"system","content":"You are a careful historian."},{"role":"user","content":"rome 50 BCE"}],"temperature":0.2,"max_tokens":768,"reasoning":{"max_tokens":512},"response_format":{"type":"json_schema","json_schema":{"name":"judge","strict":true,"schema":"""
    + Schema.strictJsonSchemaGolden
    + "}}}"

let private openRouter = openRouterCalls

let private complete (calls: ProviderCalls) request =
    calls.Complete "google/gemini-2.5-flash" request CancellationToken.None

let private chatTests =
    testList "chat" [
        testTask "the request is golden and carries Bearer, HTTP-Referer and X-Title for OpenRouter" {
            do!
                withFake [ Reply.ok (OpenAiShapes.text "{}") ] (fun fake -> task {
                    let! _ =
                        complete (openRouter fake) {
                            chat ModelRole.Judge with
                                Schema = Some verdictSchema
                        }

                    let sent = fake.Requests |> List.exactlyOne
                    Expect.equal sent.Path "/chat/completions" "path"
                    Expect.equal sent.Body requestGolden "golden body"

                    Expect.equal
                        (sent.Headers |> Map.tryFind "authorization")
                        (Some("Bearer " + openRouterKey))
                        "bearer"

                    Expect.isTrue (sent.Headers.ContainsKey "http-referer") "referer"
                    Expect.equal (sent.Headers |> Map.tryFind "x-title") (Some "TimepointFlash") "title"
                })
        }
        testTask "a local server without a key gets no Authorization header" {
            do!
                withFake [ Reply.ok (OpenAiShapes.text "hi") ] (fun fake -> task {
                    fake.Imitate Api.OpenAi
                    let calls = callsFor [ "OPENAI_BASE_URL", fake.BaseUrl ] ProviderId.OpenAi
                    let! r = complete calls (chat ModelRole.Creative)
                    Expect.equal (expectOk r).Text "hi" "answer"
                    let sent = fake.Requests |> List.exactlyOne
                    Expect.isFalse (sent.Headers.ContainsKey "authorization") "no auth"
                    Expect.isFalse (sent.Headers.ContainsKey "x-title") "no OpenRouter headers"
                })
        }
        testTask "text, served model and usage are read from the first choice" {
            do!
                withFake [ Reply.ok (OpenAiShapes.text "```json\n{\"a\":1}\n```") ] (fun fake -> task {
                    let! r = complete (openRouter fake) (chat ModelRole.Creative)
                    let answer = expectOk r
                    Expect.equal answer.Text "```json\n{\"a\":1}\n```" "fenced text verbatim"
                    Expect.equal answer.Usage { Input = 21; Output = 43 } "usage"
                    Expect.equal answer.Provider "openrouter" "provider"
                })
        }
        testTask "content given as text parts is concatenated" {
            let body =
                OpenAiShapes.withMessage """"content":[{"type":"text","text":"{\"a\":"},{"type":"text","text":"2}"}]"""

            do!
                withFake [ Reply.ok body ] (fun fake -> task {
                    let! r = complete (openRouter fake) (chat ModelRole.Creative)
                    Expect.equal (expectOk r).Text "{\"a\":2}" "joined"
                })
        }
        testTask "empty choices and empty content are BadResponse" {
            do!
                withFake [ Reply.ok OpenAiShapes.noChoices; Reply.ok (OpenAiShapes.text "") ] (fun fake -> task {
                    let! first = complete (openRouter fake) (chat ModelRole.Creative)
                    let! second = complete (openRouter fake) (chat ModelRole.Creative)

                    Expect.equal
                        (expectError first)
                        (ProviderError.BadResponse("openrouter", "no choices"))
                        "no choices"

                    Expect.equal
                        (expectError second)
                        (ProviderError.BadResponse("openrouter", "no text in the answer (finish_reason stop)"))
                        "no text"
                })
        }
        testTask "a 400 rejecting json_schema is retried once with json_object and the schema as JSON (fixes B9)" {
            let rejection =
                Reply.json 400 (OpenAiShapes.error 400 "response_format json_schema is not supported")

            do!
                withFake
                    [
                        rejection
                        Reply.ok (OpenAiShapes.text "{}")
                        Reply.ok (OpenAiShapes.text "{}")
                    ]
                    (fun fake -> task {
                        let calls = openRouter fake

                        let request = {
                            chat ModelRole.Judge with
                                Schema = Some verdictSchema
                        }

                        let! r = complete calls request
                        Expect.equal (expectOk r).Text "{}" "answered"
                        let retry = fake.JsonBody 1

                        Expect.equal
                            (retry.GetProperty("response_format").GetRawText())
                            """{"type":"json_object"}"""
                            "mode"

                        let system = retry.GetProperty("messages").[0].GetProperty("content").GetString()

                        Expect.stringStarts
                            system
                            "You are a careful historian.\n\nAnswer with one JSON object"
                            "system"

                        let schemaText = system.Substring(system.IndexOf '{')
                        Expect.equal schemaText Schema.jsonSchemaGolden "schema as JSON text"
                        let! _ = complete calls request
                        let third = fake.JsonBody 2

                        Expect.equal
                            (third.GetProperty("response_format").GetRawText())
                            """{"type":"json_object"}"""
                            "remembered"
                    })
        }
        testTask "a 400 not about response_format is returned at once, without a json_object call" {
            let bad = Reply.json 400 (OpenAiShapes.error 400 "context length exceeded")

            do!
                withFake [ bad; Reply.ok (OpenAiShapes.text "{}") ] (fun fake -> task {
                    let calls = openRouter fake

                    let request = {
                        chat ModelRole.Judge with
                            Schema = Some verdictSchema
                    }

                    let! r = complete calls request

                    Expect.equal
                        (expectError r)
                        (ProviderError.BadRequest("openrouter", 400, "context length exceeded"))
                        "error"

                    Expect.equal fake.Requests.Length 1 "one call"
                    let! _ = complete calls request
                    let second = fake.JsonBody 1
                    let format = second.GetProperty("response_format").GetProperty("type").GetString()
                    Expect.equal format "json_schema" "json_schema again"
                })
        }
        testTask "OpenAI's 400 naming response_format in error.param falls back to json_object once" {
            let rejection =
                Reply.json
                    400
                    (OpenAiShapes.openAiError
                        "Invalid schema for response_format 'judge'."
                        "invalid_request_error"
                        (Some "response_format")
                        None)

            do!
                withFake [ rejection; Reply.ok (OpenAiShapes.text "{}") ] (fun fake -> task {
                    let calls = callsFor (openAiAt fake) ProviderId.OpenAi

                    let! r =
                        calls.Complete
                            "gpt-4o"
                            {
                                chat ModelRole.Judge with
                                    Schema = Some verdictSchema
                            }
                            CancellationToken.None

                    Expect.equal (expectOk r).Text "{}" "answered"
                    Expect.equal fake.Requests.Length 2 "two calls"

                    Expect.equal
                        ((fake.JsonBody 1).GetProperty("response_format").GetRawText())
                        """{"type":"json_object"}"""
                        "json_object"
                })
        }
    ]

let private errorTests =
    testList "errors" [
        testTask "Retry-After in seconds and as an HTTP date are both read" {
            let date = fixedClock.AddSeconds(9.0).ToString "r"

            let replies = [
                Reply.json 429 (OpenAiShapes.error 429 "slow down")
                |> Reply.withHeader "Retry-After" "3"
                Reply.json 429 (OpenAiShapes.error 429 "slow down")
                |> Reply.withHeader "Retry-After" date
                Reply.json 429 (OpenAiShapes.error 429 "slow down")
            ]

            do!
                withFake replies (fun fake -> task {
                    let calls = openRouter fake
                    let! a = complete calls (chat ModelRole.Creative)
                    let! b = complete calls (chat ModelRole.Creative)
                    let! c = complete calls (chat ModelRole.Creative)

                    Expect.equal
                        [ expectError a; expectError b; expectError c ]
                        [
                            ProviderError.RateLimited("openrouter", Some(TimeSpan.FromSeconds 3.0))
                            ProviderError.RateLimited("openrouter", Some(TimeSpan.FromSeconds 9.0))
                            ProviderError.RateLimited("openrouter", None)
                        ]
                        "retry after"
                })
        }
        testTask "401, 500 and a non-JSON 502 map to auth and unavailable" {
            let replies = [
                Reply.json 401 (OpenAiShapes.error 401 "No auth credentials found")
                Reply.json 500 (OpenAiShapes.error 500 "Internal Server Error")
                Reply.json 502 "Bad gateway"
            ]

            do!
                withFake replies (fun fake -> task {
                    let calls = openRouter fake
                    let! a = complete calls (chat ModelRole.Creative)
                    let! b = complete calls (chat ModelRole.Creative)
                    let! c = complete calls (chat ModelRole.Creative)

                    Expect.equal
                        [ expectError a; expectError b; expectError c ]
                        [
                            ProviderError.AuthFailed("openrouter", 401)
                            ProviderError.Unavailable("openrouter", Some 500, "Internal Server Error")
                            ProviderError.Unavailable("openrouter", Some 502, "Bad gateway")
                        ]
                        "mapped"
                })
        }
        testTask "a server echoing the key in an error message never leaks it" {
            let echo = $"Incorrect API key provided: {openRouterKey} and sk-abcdefghijklmnop"

            do!
                withFake [ Reply.json 400 (OpenAiShapes.error 400 echo) ] (fun fake -> task {
                    let! r = complete (openRouter fake) (chat ModelRole.Creative)
                    let line = ProviderError.describe (expectError r)
                    expectNoKey line
                    Expect.isFalse (line.Contains "sk-abcdefghijklmnop") "key-shaped text redacted"
                    Expect.stringContains line "Incorrect API key provided: <redacted>" "message kept"
                })
        }
        testTask "a dropped connection mid-body is Unavailable" {
            do!
                withFake
                    [
                        {
                            Reply.ok (OpenAiShapes.text "partial") with
                                Abort = true
                        }
                    ]
                    (fun fake -> task {
                        let! r = complete (openRouter fake) (chat ModelRole.Creative)

                        match expectError r with
                        | ProviderError.Unavailable("openrouter", None, _) -> ()
                        | e -> failtest $"unexpected {e}"
                    })
        }
    ]

let tests = testList "Providers.OpenAi" [ chatTests; errorTests ]
