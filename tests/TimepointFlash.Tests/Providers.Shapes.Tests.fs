/// The fakes answer as the real APIs do: every scripted response and error shape matches the documented response
/// definitions of the vendored specs (Specs/*.json), so the clients are tested against the providers, not the fakes.
module TimepointFlash.Tests.Providers.Shapes

open Expecto
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.SpecRules

let private png = [| 137uy; 80uy; 78uy; 71uy; 1uy |]

let private openAi = "openai.schema.json"
let private openRouter = "openrouter.schema.json"
let private gemini = "gemini.v1beta.schema.json"

/// (spec file, definition, shape name, body).
let private shapes = [
    openAi, "CreateChatCompletionResponse", "text", OpenAiShapes.text "{}"
    openAi, "CreateChatCompletionResponse", "refusal", OpenAiShapes.refusal "I can't help with that."
    openAi, "CreateChatCompletionResponse", "truncated", OpenAiShapes.truncated "{\"a\":"
    openAi, "CreateChatCompletionResponse", "content filter", OpenAiShapes.contentFiltered
    openAi, "CreateChatCompletionResponse", "no choices", OpenAiShapes.noChoices
    openAi, "ErrorResponse", "insufficient quota", OpenAiShapes.insufficientQuota
    openAi, "ErrorResponse", "rejected request", snd (rejection Api.OpenAi [ "max_tokens: not supported" ])
    openAi, "ImagesResponse", "images", OpenAiShapes.images png
    openRouter, "ChatResponse", "text", OpenAiShapes.text "{}"
    openRouter, "ChatResponse", "upstream error in a 200", OpenAiShapes.upstreamError 502 "Provider returned error"
    openRouter,
    "ChatResponse",
    "image",
    OpenAiShapes.withMessage (
        "\"content\":\"\",\"images\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
        + OpenAiShapes.dataUrl "image/png" png
        + "\"}}]"
    )
    openRouter,
    "ChatResponse",
    "web citations",
    OpenAiShapes.cited "{}" [ "https://example.org/a", "A"; "https://example.org/b", "B" ]
    openRouter, "ErrorResponse", "error", OpenAiShapes.error 429 "slow down"
    openRouter, "ErrorResponse", "moderation", OpenAiShapes.moderation [ "violence" ]
    openRouter, "ErrorResponse", "rejected request", snd (rejection Api.OpenRouter [ "reasoning: exclusive" ])
    gemini, "GenerateContentResponse", "text", GeminiShapes.text "{}"
    gemini,
    "GenerateContentResponse",
    "thoughts",
    GeminiShapes.candidateWith [ GeminiShapes.thoughtPart "hm"; GeminiShapes.textPart "{}" ] "STOP" 40
    gemini,
    "GenerateContentResponse",
    "grounded by Google Search",
    GeminiShapes.grounded "{}" [ "caesar death" ] [ "https://example.org/a", "example.org" ]
    gemini, "GenerateContentResponse", "withheld", GeminiShapes.withheld "SAFETY"
    gemini, "GenerateContentResponse", "prompt blocked", GeminiShapes.promptBlocked "PROHIBITED_CONTENT"
    gemini, "GenerateContentResponse", "image", GeminiShapes.candidate [ GeminiShapes.imagePart "image/png" png ] "STOP"
    gemini, "PredictResponse", "imagen", GeminiShapes.imagen png
    gemini, "ErrorResponse", "error", GeminiShapes.error 503 "UNAVAILABLE" "overloaded"
    gemini, "ErrorResponse", "rate limited", GeminiShapes.rateLimited "7s"
    gemini, "ErrorResponse", "rejected request", snd (rejection Api.Gemini [ "thinkingConfig: both" ])
]

let tests =
    testList "Providers.Shapes" [
        for file, definition, name, body in shapes do
            test $"{file}: the {name} shape is a documented {definition}" {
                let spec = SpecValidator.load file
                Expect.equal (SpecValidator.validate spec definition body) [] "matches the documented shape"
            }
        test "a shape missing a required field is caught" {
            let spec = SpecValidator.load openAi

            Expect.isNonEmpty
                (SpecValidator.validate spec "CreateChatCompletionResponse" """{"id":"x","choices":[]}""")
                "created, model and object are required"

            Expect.isNonEmpty
                (SpecValidator.validate
                    spec
                    "ErrorResponse"
                    """{"error":{"code":429,"message":"OpenRouter's shape is not OpenAI's"}}""")
                "OpenAI's error has type and param"
        }
    ]
