/// The documented response and error shapes the fake servers answer with (checked against the vendored response
/// definitions in Providers.Shapes.Tests.fs).
module TimepointFlash.Tests.Support.ProviderShapes

open System
open System.Text.Json

/// Documented Gemini response shapes (generative_service.proto `GenerateContentResponse`, Google's error shape).
[<RequireQualifiedAccess>]
module GeminiShapes =
    let private q (s: string) = JsonSerializer.Serialize s

    /// A candidate whose parts are the given JSON parts, with thinking tokens in the usage.
    let candidateWith (parts: string list) (finishReason: string) (thoughts: int) =
        let parts = String.Join(",", parts)

        let content =
            if parts = "" then
                ""
            else
                """"content":{"role":"model","parts":[""" + parts + "]},"

        """{"candidates":[{"""
        + content
        + """"finishReason":"""
        + q finishReason
        + ""","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":34,"thoughtsTokenCount":"""
        + string thoughts
        + ""","totalTokenCount":"""
        + string (46 + thoughts)
        + """},"modelVersion":"gemini-2.5-flash"}"""

    /// A candidate whose parts are the given JSON parts (no thinking tokens; no content when no parts).
    let candidate (parts: string list) (finishReason: string) = candidateWith parts finishReason 0

    /// A text part.
    let textPart (text: string) = """{"text":""" + q text + "}"

    /// A thought part (must not reach the answer text).
    let thoughtPart (text: string) =
        """{"text":""" + q text + ""","thought":true}"""

    /// An inline image part.
    let imagePart (mime: string) (bytes: byte[]) =
        """{"inlineData":{"mimeType":"""
        + q mime
        + ""","data":"""
        + q (Convert.ToBase64String bytes)
        + "}}"

    /// A plain text answer.
    let text (t: string) = candidate [ textPart t ] "STOP"

    /// One `streamGenerateContent` event carrying a piece of text and no finish reason yet.
    let streamPiece (t: string) =
        """{"candidates":[{"content":{"role":"model","parts":["""
        + textPart t
        + """]},"index":0}],"modelVersion":"gemini-2.5-flash"}"""

    /// The events of a streamed answer: one per piece, the last with `finishReason` STOP and the usage.
    let streamed (pieces: string list) =
        match List.rev pieces with
        | [] -> []
        | last :: before -> (before |> List.rev |> List.map streamPiece) @ [ text last ]

    /// A candidate withheld for a reason (SAFETY, RECITATION, IMAGE_SAFETY, ...): no content at all.
    let withheld (finishReason: string) = candidate [] finishReason

    /// No candidates, prompt blocked for a reason.
    let promptBlocked (reason: string) =
        """{"promptFeedback":{"blockReason":"""
        + q reason
        + ""","safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH"}]},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}"""

    /// No candidates, prompt blocked for safety.
    let blocked = promptBlocked "SAFETY"

    /// An error body.
    let error (code: int) (status: string) (message: string) =
        """{"error":{"code":"""
        + string code
        + ""","message":"""
        + q message
        + ""","status":"""
        + q status
        + "}}"

    /// A 429 body carrying RetryInfo.
    let rateLimited (retryDelay: string) =
        """{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"""
        + q retryDelay
        + "}]}}"

    /// A text answer grounded by Google Search: `groundingMetadata` with the queries it ran, one web chunk per
    /// (uri, title) and a support citing the first chunk.
    let grounded (t: string) (queries: string list) (pages: (string * string) list) =
        let chunks =
            pages
            |> List.map (fun (uri, title) -> $"{{\"web\":{{\"uri\":{q uri},\"title\":{q title}}}}}")

        let metadata =
            "{\"webSearchQueries\":["
            + String.Join(",", queries |> List.map q)
            + "],\"searchEntryPoint\":{\"renderedContent\":\"<div></div>\"},\"groundingChunks\":["
            + String.Join(",", chunks)
            + "],\"groundingSupports\":[{\"segment\":{\"startIndex\":0,\"endIndex\":10,\"text\":\"grounded\"},\"groundingChunkIndices\":[0],\"confidenceScores\":[0.9]}]}"

        """{"candidates":[{"content":{"role":"model","parts":["""
        + textPart t
        + """]},"finishReason":"STOP","index":0,"groundingMetadata":"""
        + metadata
        + """}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":34,"totalTokenCount":46},"modelVersion":"gemini-2.5-flash"}"""

    /// An Imagen predict answer.
    let imagen (bytes: byte[]) =
        """{"predictions":[{"bytesBase64Encoded":"""
        + q (Convert.ToBase64String bytes)
        + ""","mimeType":"image/png"}]}"""

/// Documented chat-completions response shapes (OpenAI's `CreateChatCompletionResponse`, which OpenRouter
/// follows) and each API's own error shape.
[<RequireQualifiedAccess>]
module OpenAiShapes =
    let private q (s: string) = JsonSerializer.Serialize s

    /// A completion whose message has the given JSON fields and finish reason.
    let withMessageAndFinish (messageFields: string) (finishReason: string) =
        """{"id":"gen-1","object":"chat.completion","created":1767268800,"model":"google/gemini-2.5-flash","choices":[{"index":0,"message":{"role":"assistant","""
        + messageFields
        + """},"finish_reason":"""
        + q finishReason
        + ""","logprobs":null}],"usage":{"prompt_tokens":21,"completion_tokens":43,"total_tokens":64}}"""

    /// A completion whose message has the given JSON fields.
    let withMessage (messageFields: string) =
        withMessageAndFinish messageFields "stop"

    /// A plain text answer.
    let text (t: string) =
        withMessage $"\"content\":{q t},\"refusal\":null"

    /// A text answer citing web pages (OpenRouter's web plugin): `annotations` of type `url_citation`, one per
    /// (url, title).
    let cited (t: string) (pages: (string * string) list) =
        let annotations =
            pages
            |> List.mapi (fun i (url, title) ->
                $"{{\"type\":\"url_citation\",\"url_citation\":{{\"url\":{q url},\"title\":{q title},\"content\":\"excerpt\",\"start_index\":{i},\"end_index\":{i + 1}}}}}")

        withMessage (
            $"\"content\":{q t},\"refusal\":null,\"annotations\":["
            + String.Join(",", annotations)
            + "]"
        )

    /// A refusal: `content` null, `message.refusal` the model's words.
    let refusal (words: string) =
        withMessage $"\"content\":null,\"refusal\":{q words}"

    /// An answer cut off at the output limit, with its partial text.
    let truncated (partial: string) =
        withMessageAndFinish $"\"content\":{q partial},\"refusal\":null" "length"

    /// An answer stopped by the content filter.
    let contentFiltered =
        withMessageAndFinish "\"content\":null,\"refusal\":null" "content_filter"

    /// One `chat.completion.chunk` with a content delta and, when given, a finish reason.
    let chunk (content: string) (finish: string option) =
        """{"id":"gen-s","object":"chat.completion.chunk","created":1767268800,"model":"google/gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","content":"""
        + q content
        + """},"finish_reason":"""
        + (finish |> Option.map q |> Option.defaultValue "null")
        + ""","logprobs":null}]}"""

    /// The events of a streamed answer: one chunk per piece, the last with `stop`, then `[DONE]`.
    let streamed (pieces: string list) =
        let n = List.length pieces

        (pieces
         |> List.mapi (fun i p -> chunk p (if i = n - 1 then Some "stop" else None)))
        @ [ "[DONE]" ]

    /// No choices.
    let noChoices =
        """{"id":"gen-2","object":"chat.completion","created":1767268800,"model":"google/gemini-2.5-flash","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}}"""

    /// OpenRouter: the upstream model failed after the answer started (`choices[0].error` inside a 200).
    let upstreamError (code: int) (message: string) =
        """{"id":"gen-3","object":"chat.completion","created":1767268800,"model":"google/gemini-2.5-flash","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"error","native_finish_reason":"error","error":{"code":"""
        + string code
        + ""","message":"""
        + q message
        + ""","metadata":{"provider_name":"Google"}}}],"usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}}"""

    /// OpenRouter's error shape (`{error:{code,message,metadata?}}`).
    let error (code: int) (message: string) =
        """{"error":{"code":""" + string code + ""","message":""" + q message + "}}"

    /// OpenRouter 403 moderation with `metadata.reasons` and `flagged_input`.
    let moderation (reasons: string list) =
        let listed = String.Join(",", reasons |> List.map q)

        """{"error":{"code":403,"message":"Input was flagged by moderation","metadata":{"reasons":["""
        + listed
        + """],"flagged_input":"a flagged…input","provider_name":"OpenAI","model_slug":"openai/gpt-4o"}}}"""

    /// OpenAI's error shape (`ErrorResponse`: message, type, param, code).
    let openAiError (message: string) (errorType: string) (param: string option) (code: string option) =
        let opt =
            function
            | Some v -> q v
            | None -> "null"

        """{"error":{"message":"""
        + q message
        + ""","type":"""
        + q errorType
        + ""","param":"""
        + opt param
        + ""","code":"""
        + opt code
        + "}}"

    /// OpenAI 429 `insufficient_quota` (billing, not a rate limit).
    let insufficientQuota =
        openAiError
            "You exceeded your current quota, please check your plan and billing details."
            "insufficient_quota"
            None
            (Some "insufficient_quota")

    /// An Images API answer (`ImagesResponse`) with one base64 image.
    let images (bytes: byte[]) =
        """{"created":1767268800,"data":[{"b64_json":"""
        + q (Convert.ToBase64String bytes)
        + """}],"output_format":"png","size":"1536x1024","quality":"high","usage":{"input_tokens":50,"output_tokens":4160,"total_tokens":4210,"input_tokens_details":{"text_tokens":50,"image_tokens":0}}}"""

    /// A data URL for bytes.
    let dataUrl (mime: string) (bytes: byte[]) =
        $"data:{mime};base64,{Convert.ToBase64String bytes}"

    /// A models list with one priced entry.
    let models =
        """{"data":[{"id":"google/gemini-2.5-flash","name":"Google: Gemini 2.5 Flash","context_length":1048576,"pricing":{"prompt":"0.0000003","completion":"0.0000025"},"architecture":{"modality":"text+image->text","input_modalities":["text","image"],"output_modalities":["text"]}},{"id":"bare/model"}]}"""
