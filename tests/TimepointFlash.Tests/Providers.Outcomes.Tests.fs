/// Every edge outcome of the real APIs, through the router, with the number of calls it costs: a block is one
/// call and is never passed to the fallback, a cut-off answer is asked once more with twice the budget, exhausted
/// quota and upstream failures fall back, moderation is reported with its reasons.
module TimepointFlash.Tests.Providers.Outcomes

open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes
open TimepointFlash.Tests.Support.ProviderFixtures

let private structured = {
    chat ModelRole.Judge with
        Schema = Some verdictSchema
}

/// Gemini primary, OpenRouter fallback: the outcome of one structured call and both fakes' request counts.
let private throughGemini geminiReplies (check: ProviderError -> int -> int -> unit) =
    withBoth geminiReplies [ Reply.ok (OpenAiShapes.text "{}") ] (fun gemini openRouter -> task {
        let router =
            routerWith None (Recorder()) (settingsOf (geminiAt gemini @ openRouterAt openRouter))

        let! r = router.Complete structured CancellationToken.None
        check (expectError r) gemini.Requests.Length openRouter.Requests.Length
    })

/// OpenRouter primary, Gemini fallback.
let private throughOpenRouter openRouterReplies (check: Result<ChatResponse, ProviderError> -> int -> int -> unit) =
    withBoth [ Reply.ok (GeminiShapes.text "{}") ] openRouterReplies (fun gemini openRouter -> task {
        let vars =
            geminiAt gemini @ openRouterAt openRouter @ [ "PRIMARY_PROVIDER", "openrouter" ]

        let router = routerWith None (Recorder()) (settingsOf vars)
        let! r = router.Complete structured CancellationToken.None
        check r openRouter.Requests.Length gemini.Requests.Length
    })

let private blockTests =
    testList "blocks" [
        for finish, reason in
            [
                "SAFETY", BlockReason.Safety
                "RECITATION", BlockReason.Recitation
                "PROHIBITED_CONTENT", BlockReason.ProhibitedContent
                "SPII", BlockReason.ProhibitedContent
            ] do
            testTask $"a Gemini {finish} candidate without content is Blocked after one call, not retried or passed on" {
                do!
                    throughGemini [ Reply.ok (GeminiShapes.withheld finish) ] (fun error gemini openRouter ->
                        Expect.equal error (ProviderError.Blocked("gemini", reason, finish)) "typed block"
                        Expect.equal (gemini, openRouter) (1, 0) "one call, no fallback")
            }
        testTask "promptFeedback.blockReason without candidates is a prompt block after one call" {
            do!
                throughGemini
                    [ Reply.ok (GeminiShapes.promptBlocked "PROHIBITED_CONTENT") ]
                    (fun error gemini openRouter ->
                        Expect.equal
                            error
                            (ProviderError.Blocked("gemini", BlockReason.PromptBlocked, "PROHIBITED_CONTENT"))
                            "prompt block"

                        Expect.equal (gemini, openRouter) (1, 0) "one call")
        }
        testTask "an IMAGE_SAFETY image answer is an image-safety block after one call" {
            do!
                withFake [ Reply.ok (GeminiShapes.withheld "IMAGE_SAFETY") ] (fun fake -> task {
                    let router = routerWith None (Recorder()) (settingsOf (geminiAt fake))
                    let! r = router.GenerateImage image CancellationToken.None

                    Expect.equal
                        (expectError r)
                        (ProviderError.Blocked("gemini", BlockReason.ImageSafety, "IMAGE_SAFETY"))
                        "image block"

                    Expect.equal fake.Requests.Length 1 "one call"
                })
        }
        testTask "an OpenAI-style refusal keeps the model's words and costs one call" {
            do!
                throughOpenRouter
                    [ Reply.ok (OpenAiShapes.refusal "I can't help with that request.") ]
                    (fun r openRouter gemini ->
                        Expect.equal
                            (expectError r)
                            (ProviderError.Blocked(
                                "openrouter",
                                BlockReason.Refusal,
                                "I can't help with that request."
                            ))
                            "refusal with its text"

                        Expect.equal (openRouter, gemini) (1, 0) "one call, no fallback")
        }
        testTask "finish_reason content_filter is a content-filter block after one call" {
            do!
                throughOpenRouter [ Reply.ok OpenAiShapes.contentFiltered ] (fun r openRouter gemini ->
                    Expect.equal
                        (expectError r)
                        (ProviderError.Blocked("openrouter", BlockReason.ContentFilter, "content_filter"))
                        "filter"

                    Expect.equal (openRouter, gemini) (1, 0) "one call")
        }
    ]

let private truncationTests =
    testList "truncation" [
        testTask "MAX_TOKENS with partial text is asked once more with twice the budget, which answers" {
            let partial =
                GeminiShapes.candidate [ GeminiShapes.textPart "{\"is_valid\":tr" ] "MAX_TOKENS"

            do!
                withFake [ Reply.ok partial; Reply.ok (GeminiShapes.text "{}") ] (fun fake -> task {
                    let r = Recorder()
                    let router = routerWith None r (settingsOf (geminiAt fake))
                    let! answer = router.Complete structured CancellationToken.None
                    Expect.equal (expectOk answer).Text "{}" "the wider call answers"
                    Expect.equal fake.Requests.Length 2 "two calls"

                    let limit (n: int) =
                        (fake.JsonBody n).GetProperty("generationConfig").GetProperty("maxOutputTokens").GetInt32()

                    Expect.equal (limit 0, limit 1) (256 + 512, 512 + 512) "answer budget doubled, thinking kept"
                    Expect.contains r.Events (ProviderEvent.Widening("gemini", 256, 512)) "logged"
                })
        }
        testTask "a second cut-off is reported as Truncated with the doubled budget, without fallback" {
            let partial =
                GeminiShapes.candidate [ GeminiShapes.textPart "{\"is_valid\":" ] "MAX_TOKENS"

            do!
                throughGemini [ Reply.ok partial ] (fun error gemini openRouter ->
                    Expect.equal error (ProviderError.Truncated("gemini", Some 512)) "truncated"
                    Expect.equal (gemini, openRouter) (2, 0) "two calls, no fallback")
        }
        testTask "finish_reason length twice is Truncated after two calls" {
            do!
                throughOpenRouter [ Reply.ok (OpenAiShapes.truncated "{\"is_valid\":") ] (fun r openRouter gemini ->
                    Expect.equal (expectError r) (ProviderError.Truncated("openrouter", Some 512)) "truncated"
                    Expect.equal (openRouter, gemini) (2, 0) "two calls")
        }
    ]

let private accountTests =
    testList "account and upstream" [
        testTask "OpenAI 429 insufficient_quota is not retried: one call, then the fallback answers" {
            do!
                withFake [ Reply.json 429 OpenAiShapes.insufficientQuota ] (fun openAi ->
                    withFake [ Reply.ok (OpenAiShapes.text "{}") ] (fun openRouter -> task {
                        let r = Recorder()

                        let router =
                            routerWith None r (settingsOf (openAiAt openAi @ openRouterAt openRouter))

                        let! answer = router.Complete structured CancellationToken.None
                        Expect.equal (expectOk answer).Provider "openrouter" "fell back"
                        Expect.equal openAi.Requests.Length 1 "quota is not retried"
                        Expect.isEmpty r.Delays "no backoff"

                        match
                            r.Events
                            |> List.tryPick (function
                                | ProviderEvent.FallingBack(_, _, e) -> Some e
                                | _ -> None)
                        with
                        | Some(ProviderError.QuotaExhausted("openai", m)) ->
                            Expect.stringContains m "exceeded your current quota" "OpenAI's message"
                        | other -> failtest $"unexpected {other}"
                    }))
        }
        testTask "OpenRouter 402 (no credit) is quota exhausted and falls back after one call" {
            do!
                throughOpenRouter
                    [ Reply.json 402 (OpenAiShapes.error 402 "Insufficient credits") ]
                    (fun r openRouter gemini ->
                        Expect.equal (expectOk r).Provider "gemini" "fell back"
                        Expect.equal (openRouter, gemini) (1, 1) "one call each")
        }
        testTask "OpenRouter 403 moderation is Moderated with its reasons after one call, not an auth failure" {
            do!
                throughOpenRouter
                    [ Reply.json 403 (OpenAiShapes.moderation [ "violence"; "harassment" ]) ]
                    (fun r openRouter gemini ->
                        Expect.equal
                            (expectError r)
                            (ProviderError.Moderated("openrouter", [ "violence"; "harassment" ]))
                            "moderated"

                        Expect.equal (openRouter, gemini) (1, 0) "one call, no fallback")
        }
        testTask "choices[0].error inside a 200 is surfaced as an upstream error and falls back" {
            do!
                throughOpenRouter
                    [ Reply.ok (OpenAiShapes.upstreamError 502 "Provider returned error") ]
                    (fun r openRouter gemini ->
                        Expect.equal (expectOk r).Provider "gemini" "fell back"
                        Expect.equal (openRouter, gemini) (1, 1) "not retried on the failing provider")
        }
        testTask "with no fallback the upstream error reaches the caller with its code and message" {
            do!
                withFake [ Reply.ok (OpenAiShapes.upstreamError 502 "Provider returned error") ] (fun fake -> task {
                    let router =
                        routerWith None (Recorder()) (settingsOf (openRouterAt fake @ [ "FALLBACK_PROVIDER", "none" ]))

                    let! r = router.Complete structured CancellationToken.None

                    Expect.equal
                        (expectError r)
                        (ProviderError.UpstreamError("openrouter", Some 502, "Provider returned error"))
                        "surfaced"
                })
        }
    ]

let private kindTests =
    testList "kinds" [
        test "each new case has a stable snake_case kind and a one-line description naming its provider" {
            let cases = [
                ProviderError.Blocked("gemini", BlockReason.Recitation, "RECITATION"),
                "blocked",
                "[gemini] blocked (recitation): RECITATION"
                ProviderError.Truncated("openai", Some 2048),
                "truncated",
                "[openai] the answer was cut off at the output limit of 2048 tokens"
                ProviderError.QuotaExhausted("openai", "check your plan"),
                "quota_exhausted",
                "[openai] quota exhausted: check your plan"
                ProviderError.Moderated("openrouter", [ "violence" ]),
                "moderated",
                "[openrouter] the input was flagged by moderation: violence"
                ProviderError.UpstreamError("openrouter", Some 502, "down"),
                "upstream_error",
                "[openrouter] the upstream model failed (502): down"
            ]

            for error, kind, line in cases do
                Expect.equal (ProviderError.kind error) kind "kind"
                Expect.equal (ProviderError.describe error) line "description"
                Expect.isFalse (ProviderError.isTransient error) "never retried blindly"
        }
        test "blocks, truncation and moderation stay with the provider; quota and upstream errors fall back" {
            Expect.isFalse (Router.shouldFallBack (ProviderError.Blocked("g", BlockReason.Safety, ""))) "block"
            Expect.isFalse (Router.shouldFallBack (ProviderError.Truncated("g", None))) "truncated"
            Expect.isFalse (Router.shouldFallBack (ProviderError.Moderated("o", []))) "moderated"
            Expect.isTrue (Router.shouldFallBack (ProviderError.QuotaExhausted("o", ""))) "quota"
            Expect.isTrue (Router.shouldFallBack (ProviderError.UpstreamError("o", None, ""))) "upstream"
        }
    ]

let tests =
    testList "Providers.Outcomes" [ blockTests; truncationTests; accountTests; kindTests ]
