/// What each model family is sent (thinking budgets and levels, temperature, output-limit field), where each
/// provider makes images, and that the spec-validating fakes reject what the real APIs reject.
module TimepointFlash.Tests.Providers.Families

open System
open System.Text.Json
open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures
open TimepointFlash.Tests.Support.SpecRules

let private structured = {
    chat ModelRole.Judge with
        Schema = Some verdictSchema
}

let private creative = chat ModelRole.Creative

let private has (name: string) (e: JsonElement) = fst (e.TryGetProperty name)

/// The body one chat call sent, through a provider configured by `vars` (the fake set to its API).
let private sent
    (calls: FakeServer -> ProviderCalls)
    model
    request
    (reply: string)
    : Threading.Tasks.Task<JsonElement> =
    task {
        let body = ref (JsonElement())

        do!
            withFake [ Reply.ok reply ] (fun (fake: FakeServer) -> task {
                let! r = (calls fake).Complete model request CancellationToken.None
                expectOk r |> ignore
                body.Value <- (fake.JsonBody 0).Clone()
            })

        return body.Value
    }

let private gemini extra (fake: FakeServer) =
    let s = settingsOf (geminiAt fake @ extra)
    Gemini.calls (Settings.find s ProviderId.Gemini) FakeServer.http (fun () -> fixedClock)

let private openAi extra (fake: FakeServer) =
    callsFor (openAiAt fake @ extra) ProviderId.OpenAi

let private geminiTests =
    testList "gemini" [
        testTask "Gemini 2.5 free text gets the creative budget (2048) on top of its answer budget" {
            let! (body: JsonElement) = sent (gemini []) "gemini-2.5-flash" creative (GeminiShapes.text "ok")
            let config = body.GetProperty "generationConfig"
            Expect.equal (config.GetProperty("thinkingConfig").GetRawText()) """{"thinkingBudget":2048}""" "budget"
            Expect.equal (config.GetProperty("maxOutputTokens").GetInt32()) (256 + 2048) "limit"
            Expect.equal (config.GetProperty("temperature").GetDouble()) 0.2 "temperature kept"
        }
        testTask "the structured budget is configurable" {
            let! (body: JsonElement) =
                sent
                    (gemini [ "THINKING_BUDGET_STRUCTURED", "128" ])
                    "gemini-2.5-pro"
                    structured
                    (GeminiShapes.text "{}")

            let config = body.GetProperty "generationConfig"
            Expect.equal (config.GetProperty("thinkingConfig").GetRawText()) """{"thinkingBudget":128}""" "budget"
            Expect.equal (config.GetProperty("maxOutputTokens").GetInt32()) (256 + 128) "limit"
        }
        testTask "Gemini 3 gets thinkingLevel low for structured steps and no temperature (default 1.0)" {
            let! (body: JsonElement) = sent (gemini []) "gemini-3-pro-preview" structured (GeminiShapes.text "{}")
            let config = body.GetProperty "generationConfig"
            Expect.equal (config.GetProperty("thinkingConfig").GetRawText()) """{"thinkingLevel":"low"}""" "level"
            Expect.isFalse (has "temperature" config) "temperature left at its default"
            Expect.equal (config.GetProperty("maxOutputTokens").GetInt32()) (256 + 512) "headroom for thinking"
        }
        testTask "Gemini 3 free text thinks high" {
            let! (body: JsonElement) = sent (gemini []) "gemini-3-pro-preview" creative (GeminiShapes.text "ok")

            Expect.equal
                (body.GetProperty("generationConfig").GetProperty("thinkingConfig").GetRawText())
                """{"thinkingLevel":"high"}"""
                "level"
        }
        testTask "other Gemini-hosted models get neither thinking field" {
            let! (body: JsonElement) = sent (gemini []) "gemini-2.0-flash" structured (GeminiShapes.text "{}")
            let config = body.GetProperty "generationConfig"
            Expect.isFalse (has "thinkingConfig" config) "no thinking config"
            Expect.equal (config.GetProperty("maxOutputTokens").GetInt32()) 256 "plain limit"
        }
        testTask "thinking tokens are counted in the usage" {
            do!
                withFake
                    [
                        Reply.ok (GeminiShapes.candidateWith [ GeminiShapes.textPart "{}" ] "STOP" 400)
                    ]
                    (fun fake -> task {
                        let! r = (gemini [] fake).Complete "gemini-2.5-flash" structured CancellationToken.None
                        Expect.equal (expectOk r).Usage { Input = 12; Output = 34 + 400 } "thoughts billed as output"
                    })
        }
    ]

let private openAiTests =
    testList "openai-compatible" [
        for model in [ "o3"; "o4-mini"; "gpt-5"; "gpt-5-mini" ] do
            testTask
                $"{model} on a local OpenAI-compatible server gets max_completion_tokens, reasoning_effort and no temperature" {
                let! (body: JsonElement) = sent (openAi []) model structured (OpenAiShapes.text "{}")
                Expect.isFalse (has "temperature" body) "no temperature"
                Expect.isFalse (has "max_tokens" body) "no max_tokens"
                Expect.equal (body.GetProperty("max_completion_tokens").GetInt32()) (256 + 512) "limit with headroom"
                Expect.equal (body.GetProperty("reasoning_effort").GetString()) "low" "low for structured steps"
            }
        testTask "gpt-4o gets temperature and max_tokens, chosen by model id whatever the host" {
            let! (body: JsonElement) = sent (openAi []) "gpt-4o" structured (OpenAiShapes.text "{}")
            Expect.equal (body.GetProperty("temperature").GetDouble()) 0.2 "temperature"
            Expect.equal (body.GetProperty("max_tokens").GetInt32()) 256 "max_tokens"
            Expect.isFalse (has "reasoning_effort" body) "no reasoning"
        }
        testTask "OPENAI_REASONING=on treats an unknown local model as a reasoning model" {
            let! (body: JsonElement) =
                sent (openAi [ "OPENAI_REASONING", "on" ]) "local-thinker" creative (OpenAiShapes.text "ok")

            Expect.isFalse (has "temperature" body) "no temperature"
            Expect.equal (body.GetProperty("max_completion_tokens").GetInt32()) (256 + 2048) "limit"
            Expect.equal (body.GetProperty("reasoning_effort").GetString()) "medium" "medium for free text"
        }
        test "OPENAI_REASONING=off sends plain parameters even to a reasoning id; auto follows the id" {
            let off = settingsOf [ "OPENAI_API_KEY", openAiKey; "OPENAI_REASONING", "off" ]
            let auto = settingsOf [ "OPENAI_API_KEY", openAiKey ]

            let mode (s: Settings) =
                (Settings.find s ProviderId.OpenAi).Reasoning

            Expect.equal (ModelFamily.forProvider (mode off) "o3-mini") ModelFamily.Plain "off"
            Expect.equal (ModelFamily.forProvider (mode auto) "o3-mini") ModelFamily.OpenAiReasoning "auto"
            Expect.equal (ModelFamily.forProvider (mode auto) "openai/gpt-5") ModelFamily.OpenAiReasoning "prefixed"
        }
        test "an unknown reasoning mode names its variable" {
            match
                Settings.parse (lookupOf [ "OPENROUTER_API_KEY", openRouterKey; "OPENROUTER_REASONING", "maybe" ])
            with
            | Error e -> Expect.equal e.Variable "OPENROUTER_REASONING" "variable"
            | Ok _ -> failtest "accepted"
        }
        testTask "OpenRouter's Gemini 3 gets reasoning.effort and no temperature; its o3 keeps OpenRouter's max_tokens" {
            let! (gemini3: JsonElement) =
                sent openRouterCalls "google/gemini-3-pro-preview" structured (OpenAiShapes.text "{}")

            Expect.isFalse (has "temperature" gemini3) "no temperature"
            Expect.equal (gemini3.GetProperty("reasoning").GetRawText()) """{"effort":"low"}""" "effort"
            let! (o3: JsonElement) = sent openRouterCalls "openai/o3" structured (OpenAiShapes.text "{}")
            Expect.isFalse (has "temperature" o3) "no temperature"
            Expect.equal (o3.GetProperty("max_tokens").GetInt32()) (256 + 512) "OpenRouter's field"
            Expect.equal (o3.GetProperty("reasoning").GetRawText()) """{"effort":"low"}""" "effort"
        }
    ]

let private imageTests =
    testList "images per provider" [
        test "a provider that cannot make images with its configured model says so at start-up" {
            let warnings vars =
                ImageEndpoint.warnings (settingsOf vars)

            Expect.isEmpty
                (warnings [
                    "GOOGLE_API_KEY", geminiKey
                    "OPENAI_API_KEY", openAiKey
                    "OPENROUTER_API_KEY", openRouterKey
                ])
                "the defaults all make images"

            Expect.equal
                (warnings [ "OPENAI_API_KEY", openAiKey; "IMAGE_MODEL", "gpt-4o" ])
                [
                    "[openai] IMAGE_MODEL 'gpt-4o' is not an OpenAI image model (gpt-image-* or dall-e-*); the Images API may reject it and chat completions cannot make images"
                ]
                "openai"

            Expect.equal
                (warnings [ "GOOGLE_API_KEY", geminiKey; "IMAGE_MODEL", "gemini-2.5-flash" ])
                [
                    "[gemini] IMAGE_MODEL 'gemini-2.5-flash' is not a Gemini image model (gemini-*-image* or imagen-*); Gemini cannot make images with it"
                ]
                "gemini"
        }
        test "each provider's image endpoint follows its documentation" {
            Expect.equal (ImageEndpoint.forModel ProviderId.OpenAi "gpt-image-1") (Ok ImageEndpoint.ImagesApi) "openai"

            Expect.equal
                (ImageEndpoint.forModel ProviderId.OpenRouter "google/gemini-3-pro-image-preview")
                (Ok ImageEndpoint.ChatModalities)
                "openrouter"

            Expect.equal
                (ImageEndpoint.forModel ProviderId.Gemini "gemini-2.5-flash-image")
                (Ok ImageEndpoint.GeminiGenerate)
                "gemini"

            Expect.equal
                (ImageEndpoint.forModel ProviderId.Gemini "imagen-4.0-generate-001")
                (Ok ImageEndpoint.ImagenPredict)
                "imagen"
        }
        test "short-window image models get the compact prompt, the others the full prompt with what to avoid" {
            let request = {
                ProviderFixtures.image with
                    Prompt = "A long, detailed painting prompt"
                    NegativePrompt = Some "cars"
                    Compact = Some "Late Roman Republic, 15 March 44 BCE, Rome. No text."
            }

            for model in
                [
                    "imagen-4.0-generate-001"
                    "dall-e-2"
                    "stability-ai/stable-diffusion-3"
                    "sdxl-turbo"
                ] do
                Expect.equal (ImageEndpoint.promptText model request) request.Compact.Value model

            for model in
                [
                    "gpt-image-1"
                    "dall-e-3"
                    "gemini-2.5-flash-image"
                    "google/gemini-3-pro-image-preview"
                ] do
                Expect.equal
                    (ImageEndpoint.promptText model request)
                    "A long, detailed painting prompt\n\nAvoid: cars"
                    model

            Expect.equal
                (ImageEndpoint.promptText "imagen-4.0-generate-001" { request with Compact = None })
                "A long, detailed painting prompt\n\nAvoid: cars"
                "without a compact form the full prompt goes"
        }
    ]

let private specTests =
    testList "spec-validating fakes" [
        test "the requests the old clients sent are the ones the real APIs reject" {
            let rejected api path body =
                Expect.isNonEmpty (problems api "POST" path body) $"{path} {body}"

            rejected
                Api.OpenAi
                "/v1/chat/completions"
                """{"model":"gpt-image-1","messages":[{"role":"user","content":"a forum"}],"modalities":["image","text"]}"""

            rejected
                Api.OpenAi
                "/v1/chat/completions"
                """{"model":"o3","messages":[{"role":"user","content":"x"}],"temperature":0.3,"max_tokens":256}"""

            rejected
                Api.OpenAi
                "/v1/chat/completions"
                """{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"judge","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":[],"additionalProperties":false}}}}"""

            rejected
                Api.OpenAi
                "/v1/images/generations"
                """{"model":"gpt-image-1","prompt":"x","size":"1792x1024","response_format":"b64_json"}"""

            rejected
                Api.Gemini
                "/v1beta/models/gemini-2.5-flash:generateContent"
                """{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"low"}}}"""

            rejected
                Api.Gemini
                "/v1beta/models/gemini-2.5-flash:generateContent"
                """{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"max_output_tokens_typo":5}}"""

            rejected
                Api.OpenRouter
                "/chat/completions"
                """{"model":"m","messages":[{"role":"user","content":"x"}],"reasoning":{"effort":"low","max_tokens":512}}"""
        }
        testTask
            "a rejected request gets the API's own 400 shape, is counted as a violation and reaches the client as BadRequest" {
            let! (fake: FakeServer) = FakeServer.start [ Reply.ok (OpenAiShapes.text "never sent") ]

            try
                fake.Imitate Api.OpenAi

                let request =
                    Http.postJson
                        (fake.BaseUrl + "/chat/completions")
                        (Json.objNode [
                            "model", Json.str "o3"
                            "messages", Json.arr [ Json.objNode [ "role", Json.str "user"; "content", Json.str "x" ] ]
                            "max_tokens", Json.integer 10
                        ])

                let! (reply: Result<HttpReply, ProviderError>) =
                    Http.send FakeServer.http "openai" (fun () -> fixedClock) request CancellationToken.None

                match reply with
                | Ok reply ->
                    Expect.equal reply.Status 400 "rejected"
                    let error = JsonDocument.Parse(reply.Body).RootElement.GetProperty "error"
                    Expect.equal (error.GetProperty("type").GetString()) "invalid_request_error" "OpenAI's error type"
                    Expect.equal (error.GetProperty("param").GetString()) "max_tokens" "names the parameter"

                    Expect.equal
                        (Http.toError "openai" None reply)
                        (ProviderError.BadRequest("openai", 400, error.GetProperty("message").GetString()))
                        "a client sees a 400"
                | Error e -> failtest (ProviderError.describe e)

                Expect.isNonEmpty fake.Violations "recorded, so withFake fails the test"
            finally
                (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

let tests =
    testList "Providers.Families" [ geminiTests; openAiTests; imageTests; specTests ]
