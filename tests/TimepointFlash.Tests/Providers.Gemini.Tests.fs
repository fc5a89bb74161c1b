module TimepointFlash.Tests.Providers.Gemini

open System
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

/// Golden generateContent body of the judge request with `verdictSchema` to Gemini 2.5 Flash: the structured-step
/// thinking budget (512) in `thinkingConfig` and added to `maxOutputTokens` so thinking cannot eat the answer.
let requestGolden =
    """{"systemInstruction":{"parts":[{"text":"You are a careful historian."}]},"contents":[{"role":"user","parts":[{"text":"rome 50 BCE"}]}],"generationConfig":{"temperature":0.2,"maxOutputTokens":768,"responseMimeType":"application/json","responseSchema":"""
    + Schema.geminiGolden
    + ""","thinkingConfig":{"thinkingBudget":512}}}"""

let private calls (fake: FakeServer) =
    let s = settingsOf (geminiAt fake)
    Gemini.calls (Settings.find s ProviderId.Gemini) FakeServer.http (fun () -> DateTimeOffset.UtcNow)

let private complete fake request =
    (calls fake).Complete "gemini-2.5-flash" request Threading.CancellationToken.None

let private chatTests =
    testList "chat" [
        testTask "the request carries systemInstruction, schema and the key header (fixes B7)" {
            do!
                withFake [ Reply.ok (GeminiShapes.text "{\"is_valid\":true}") ] (fun fake -> task {
                    let! _ =
                        complete fake {
                            chat ModelRole.Judge with
                                Schema = Some verdictSchema
                        }

                    let sent = fake.Requests |> List.exactlyOne
                    Expect.equal sent.Path "/v1beta/models/gemini-2.5-flash:generateContent" "path"
                    Expect.equal (sent.Headers |> Map.tryFind "x-goog-api-key") (Some geminiKey) "key header"
                    Expect.equal sent.Body requestGolden "golden body"
                })
        }
        testTask "text is the concatenation of non-thought parts, with usage" {
            let body =
                GeminiShapes.candidate
                    [
                        GeminiShapes.thoughtPart "thinking…"
                        GeminiShapes.textPart "{\"a\":"
                        GeminiShapes.textPart "1}"
                    ]
                    "STOP"

            do!
                withFake [ Reply.ok body ] (fun fake -> task {
                    let! r = complete fake (chat ModelRole.Creative)
                    let answer = expectOk r
                    Expect.equal answer.Text "{\"a\":1}" "text"
                    Expect.equal answer.Usage { Input = 12; Output = 34 } "usage"
                    Expect.equal (answer.Provider, answer.Model) ("gemini", "gemini-2.5-flash") "origin"
                })
        }
        testTask "JSON wrapped in code fences is returned verbatim for the agent parser" {
            let fenced = "```json\n{\"ok\":true}\n```"

            do!
                withFake [ Reply.ok (GeminiShapes.text fenced) ] (fun fake -> task {
                    let! r = complete fake (chat ModelRole.Creative)
                    Expect.equal (expectOk r).Text fenced "verbatim"
                })
        }
        testTask "empty candidates with promptFeedback.blockReason are a prompt block naming the reason" {
            do!
                withFake [ Reply.ok GeminiShapes.blocked ] (fun fake -> task {
                    let! r = complete fake (chat ModelRole.Creative)

                    Expect.equal
                        (ProviderError.describe (expectError r))
                        "[gemini] blocked (prompt_blocked): SAFETY"
                        "error"
                })
        }
        testTask "a MAX_TOKENS candidate without text is Truncated with the budget that was sent" {
            do!
                withFake [ Reply.ok (GeminiShapes.candidate [] "MAX_TOKENS") ] (fun fake -> task {
                    let! r = complete fake (chat ModelRole.Creative)

                    Expect.equal (expectError r) (ProviderError.Truncated("gemini", Some 256)) "error"
                })
        }
        testTask "malformed and truncated JSON bodies are BadResponse" {
            do!
                withFake
                    [
                        Reply.ok "<html>oops</html>"
                        Reply.ok "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hel"
                    ]
                    (fun fake -> task {
                        let! first = complete fake (chat ModelRole.Creative)
                        let! second = complete fake (chat ModelRole.Creative)

                        for r in [ first; second ] do
                            match expectError r with
                            | ProviderError.BadResponse("gemini", m) -> Expect.stringStarts m "invalid JSON" "reason"
                            | e -> failtest $"unexpected {e}"
                    })
        }
    ]

let private errorTests =
    testList "errors" [
        testTask "HTTP statuses map to auth (incl. Gemini's 400 bad-key reply), rate limit, unavailable and bad request" {
            let replies = [
                Reply.json
                    400
                    (GeminiShapes.error 400 "INVALID_ARGUMENT" "API key not valid. Please pass a valid API key.")
                Reply.json 401 (GeminiShapes.error 401 "UNAUTHENTICATED" "bad key")
                Reply.json 403 (GeminiShapes.error 403 "PERMISSION_DENIED" "denied")
                Reply.json 429 (GeminiShapes.rateLimited "7s")
                Reply.json 503 (GeminiShapes.error 503 "UNAVAILABLE" "The model is overloaded.")
                Reply.json 404 (GeminiShapes.error 404 "NOT_FOUND" "models/nope is not found")
            ]

            do!
                withFake replies (fun fake -> task {
                    let mutable errors = []

                    for _ in replies do
                        let! r = complete fake (chat ModelRole.Creative)
                        errors <- errors @ [ expectError r ]

                    Expect.equal
                        errors
                        [
                            ProviderError.AuthFailed("gemini", 400)
                            ProviderError.AuthFailed("gemini", 401)
                            ProviderError.AuthFailed("gemini", 403)
                            ProviderError.RateLimited("gemini", Some(TimeSpan.FromSeconds 7.0))
                            ProviderError.Unavailable("gemini", Some 503, "The model is overloaded.")
                            ProviderError.BadRequest("gemini", 404, "models/nope is not found")
                        ]
                        "mapped"
                })
        }
        testTask "a Retry-After header wins over the body's RetryInfo" {
            do!
                withFake
                    [
                        Reply.json 429 (GeminiShapes.rateLimited "7s")
                        |> Reply.withHeader "Retry-After" "2"
                    ]
                    (fun fake -> task {
                        let! r = complete fake (chat ModelRole.Creative)

                        Expect.equal
                            (ProviderError.describe (expectError r))
                            "[gemini] (429) rate limit exceeded, retry after 2s"
                            "error"
                    })
        }
        testTask "a missing key fails without any request" {
            do!
                withFake [ Reply.ok (GeminiShapes.text "x") ] (fun fake -> task {
                    let s =
                        settingsOf [ "GEMINI_BASE_URL", fake.BaseUrl; "OPENROUTER_API_KEY", openRouterKey ]

                    let! r =
                        (Gemini.calls (Settings.find s ProviderId.Gemini) FakeServer.http (fun () ->
                            DateTimeOffset.UtcNow))
                            .Complete
                            "gemini-2.5-flash"
                            (chat ModelRole.Judge)
                            Threading.CancellationToken.None

                    Expect.equal (expectError r) (ProviderError.MissingKey "gemini") "missing key"
                    Expect.isEmpty fake.Requests "no request"
                })
        }
    ]

let private imageTests =
    testList "images" [
        testTask "an image model gets responseModalities and imageConfig, and inlineData is decoded" {
            let bytes = [| 137uy; 80uy; 78uy; 71uy; 1uy; 2uy; 3uy |]

            let body =
                GeminiShapes.candidate [ GeminiShapes.textPart "here"; GeminiShapes.imagePart "image/png" bytes ] "STOP"

            do!
                withFake [ Reply.ok body ] (fun fake -> task {
                    let! r =
                        (calls fake).GenerateImage "gemini-3-pro-image-preview" image Threading.CancellationToken.None

                    let answer = expectOk r
                    Expect.equal answer.Bytes bytes "bytes"
                    Expect.equal answer.MimeType "image/png" "mime"
                    let sent = fake.JsonBody 0
                    let config = sent.GetProperty "generationConfig"

                    Expect.equal
                        (config.GetProperty("responseModalities").GetRawText())
                        """["TEXT","IMAGE"]"""
                        "modalities"

                    Expect.equal (config.GetProperty("imageConfig").GetRawText()) """{"aspectRatio":"16:9"}""" "config"
                })
        }
        testTask "an imagen model uses :predict with instances and parameters" {
            let bytes = [| 1uy; 2uy; 3uy; 4uy |]

            do!
                withFake [ Reply.ok (GeminiShapes.imagen bytes) ] (fun fake -> task {
                    let! r =
                        (calls fake).GenerateImage "imagen-3.0-generate-002" image Threading.CancellationToken.None

                    Expect.equal (expectOk r).Bytes bytes "bytes"
                    let sent = fake.Requests |> List.exactlyOne
                    Expect.equal sent.Path "/v1beta/models/imagen-3.0-generate-002:predict" "path"

                    Expect.equal
                        sent.Body
                        """{"instances":[{"prompt":"The Roman forum at dusk"}],"parameters":{"sampleCount":1,"aspectRatio":"16:9"}}"""
                        "body"
                })
        }
        testTask "an answer without an image part is a BadResponse" {
            do!
                withFake [ Reply.ok (GeminiShapes.text "I cannot draw that") ] (fun fake -> task {
                    let! r =
                        (calls fake).GenerateImage "gemini-3-pro-image-preview" image Threading.CancellationToken.None

                    match expectError r with
                    | ProviderError.BadResponse(_, m) -> Expect.stringStarts m "no image in the answer" "reason"
                    | e -> failtest $"unexpected {e}"
                })
        }
    ]

let tests = testList "Providers.Gemini" [ chatTests; errorTests; imageTests ]
