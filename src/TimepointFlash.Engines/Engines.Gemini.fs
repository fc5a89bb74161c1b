namespace TimepointFlash.Engines

open System
open System.Net.Http
open System.Text.Json
open System.Text.Json.Nodes
open FsToolkit.ErrorHandling
open TimepointFlash

/// Google Gemini over plain REST: `generateContent` for text and images, Imagen `predict` (SEED-SPEC §2.5).
[<RequireQualifiedAccess>]
module Gemini =
    let private name = ProviderId.name ProviderId.Gemini

    let private textParts (text: string) =
        Json.arr [ Json.objNode [ "text", Json.str text ] ]

    let private thinkingConfig =
        function
        | Some(Thinking.Budget n) -> Some(Json.objNode [ "thinkingBudget", Json.integer n ])
        | Some(Thinking.Level level) -> Some(Json.objNode [ "thinkingLevel", Json.str level ])
        | Some(Thinking.Effort _)
        | None -> None

    /// The generateContent body for a chat request: systemInstruction (fixes B7), contents, and a generationConfig
    /// chosen by model family (Gemini 2.5 `thinkingBudget`, Gemini 3 `thinkingLevel` at the default temperature).
    let chatBody (budgets: ThinkingBudgets) (model: string) (request: ChatRequest) : JsonNode =
        let sampling = Sampling.plan (ModelFamily.ofModel model) budgets request

        // Gemini 2.5 Pro cannot switch thinking off: its smallest budget is 128 tokens.
        let sampling =
            match sampling.Thinking with
            | Some(Thinking.Budget n) when n < 128 && (ModelFamily.bare model).StartsWith "gemini-2.5-pro" -> {
                sampling with
                    Thinking = Some(Thinking.Budget 128)
                    MaxTokens = sampling.MaxTokens |> Option.map (fun m -> m - n + 128)
              }
            | _ -> sampling

        // Before Gemini 3 the API refuses a tool together with a JSON response type, so a searching call carries
        // its schema as text in the system instruction instead.
        let schemaSetting, system =
            match request.Schema with
            | Some schema when request.Search && not ((ModelFamily.bare model).StartsWith "gemini-3") ->
                None,
                [ request.System; SchemaWire.instruction schema ]
                |> List.filter (String.IsNullOrWhiteSpace >> not)
                |> String.concat "\n\n"
            | schema -> schema, request.System

        Json.objNode [
            if not (String.IsNullOrWhiteSpace system) then
                "systemInstruction", Json.objNode [ "parts", textParts system ]
            "contents", Json.arr [ Json.objNode [ "role", Json.str "user"; "parts", textParts request.User ] ]
            if request.Search then
                "tools", Json.arr [ Json.objNode [ "google_search", Json.objNode [] ] ]
            "generationConfig",
            Json.objNode [
                match sampling.Temperature with
                | Some t -> "temperature", Json.num t
                | None -> ()
                match sampling.MaxTokens with
                | Some n -> "maxOutputTokens", Json.integer n
                | None -> ()
                match request.Tuning.TopP with
                | Some p -> "topP", Json.num p
                | None -> ()
                match request.Tuning.TopK with
                | Some k -> "topK", Json.integer k
                | None -> ()
                if not request.Tuning.Stop.IsEmpty then
                    "stopSequences", Json.arr (request.Tuning.Stop |> List.map Json.str)
                match schemaSetting with
                | Some schema ->
                    "responseMimeType", Json.str "application/json"
                    "responseSchema", SchemaWire.toGemini schema
                | None -> ()
                match thinkingConfig sampling.Thinking with
                | Some config -> "thinkingConfig", config
                | None -> ()
            ]
        ]

    /// The generateContent body for an image-capable Gemini model.
    let imageBody (model: string) (request: ImageRequest) : JsonNode =
        Json.objNode [
            "contents",
            Json.arr [
                Json.objNode [
                    "role", Json.str "user"
                    "parts", textParts (ImageEndpoint.promptText model request)
                ]
            ]
            "generationConfig",
            Json.objNode [
                "responseModalities", Json.arr [ Json.str "TEXT"; Json.str "IMAGE" ]
                if not (String.IsNullOrWhiteSpace request.AspectRatio) then
                    "imageConfig", Json.objNode [ "aspectRatio", Json.str request.AspectRatio ]
            ]
        ]

    /// The Imagen `:predict` body.
    let imagenBody (model: string) (request: ImageRequest) : JsonNode =
        Json.objNode [
            "instances", Json.arr [ Json.objNode [ "prompt", Json.str (ImageEndpoint.promptText model request) ] ]
            "parameters",
            Json.objNode [
                "sampleCount", Json.integer 1
                if not (String.IsNullOrWhiteSpace request.AspectRatio) then
                    "aspectRatio", Json.str request.AspectRatio
            ]
        ]

    let private firstCandidate (root: JsonElement) =
        Json.prop "candidates" root |> Option.map Json.items |> Option.bind List.tryHead

    let private parts (root: JsonElement) =
        firstCandidate root
        |> Option.bind (Json.path [ "content"; "parts" ])
        |> Option.map Json.items
        |> Option.defaultValue []

    let private finishReason (root: JsonElement) =
        firstCandidate root
        |> Option.bind (Json.prop "finishReason")
        |> Option.bind Json.asString
        |> Option.defaultValue "none"

    /// The block a finish reason stands for (`Candidate.FinishReason`).
    let blockOf (finishReason: string) =
        match finishReason with
        | "SAFETY" -> Some BlockReason.Safety
        | "RECITATION"
        | "IMAGE_RECITATION" -> Some BlockReason.Recitation
        | "PROHIBITED_CONTENT"
        | "BLOCKLIST"
        | "SPII"
        | "IMAGE_PROHIBITED_CONTENT" -> Some BlockReason.ProhibitedContent
        | "IMAGE_SAFETY" -> Some BlockReason.ImageSafety
        | _ -> None

    /// Prompt blocks (`promptFeedback.blockReason`), withheld candidates and cut-off answers, before any text is read.
    let private outcome (root: JsonElement) : Result<unit, WireFailure> =
        let candidates =
            Json.prop "candidates" root |> Option.map Json.items |> Option.defaultValue []

        let reason = finishReason root

        match Json.path [ "promptFeedback"; "blockReason" ] root |> Option.bind Json.asString with
        | Some blocked when candidates.IsEmpty ->
            let message =
                Json.path [ "promptFeedback"; "blockReasonMessage" ] root
                |> Option.bind Json.asString
                |> Option.defaultValue blocked

            Error(WireFailure.Blocked(BlockReason.PromptBlocked, message))
        | _ when candidates.IsEmpty -> Error(WireFailure.Malformed "no candidates")
        | _ ->
            match blockOf reason with
            | Some block ->
                let message =
                    firstCandidate root
                    |> Option.bind (Json.prop "finishMessage")
                    |> Option.bind Json.asString
                    |> Option.defaultValue reason

                Error(WireFailure.Blocked(block, message))
            | None when reason = "MAX_TOKENS" -> Error WireFailure.Truncated
            | None -> Ok()

    /// Usage from `usageMetadata`; thinking tokens (`thoughtsTokenCount`) are billed as output and counted so.
    let usage (root: JsonElement) : TokenUsage =
        let count field =
            Json.path [ "usageMetadata"; field ] root
            |> Option.bind Json.asInt
            |> Option.defaultValue 0

        {
            Input = count "promptTokenCount"
            Output = count "candidatesTokenCount" + count "thoughtsTokenCount"
        }

    let private isThought (part: JsonElement) =
        Json.prop "thought" part
        |> Option.exists (fun t -> t.ValueKind = JsonValueKind.True)

    let private parsed (body: string) =
        Json.tryParse body |> Result.mapError WireFailure.Malformed

    /// What Google Search contributed (`candidates[0].groundingMetadata`): its `webSearchQueries` and the web pages
    /// of its `groundingChunks` (uri, title); None when the answer was not grounded.
    let searchEvidence (root: JsonElement) : SearchEvidence option =
        firstCandidate root
        |> Option.bind (Json.prop "groundingMetadata")
        |> Option.map (fun metadata ->
            let strings =
                Json.prop "webSearchQueries" metadata
                |> Option.map Json.items
                |> Option.defaultValue []
                |> List.choose Json.asString

            let sources =
                Json.prop "groundingChunks" metadata
                |> Option.map Json.items
                |> Option.defaultValue []
                |> List.choose (fun chunk ->
                    Json.prop "web" chunk
                    |> Option.bind (fun web ->
                        Json.prop "uri" web
                        |> Option.bind Json.asString
                        |> Option.filter (String.IsNullOrWhiteSpace >> not)
                        |> Option.map (fun uri -> {
                            Url = uri
                            Title =
                                Json.prop "title" web
                                |> Option.bind Json.asString
                                |> Option.filter (String.IsNullOrWhiteSpace >> not)
                                |> Option.defaultValue uri
                        })))
                |> List.distinctBy (fun s -> s.Url)

            { Queries = strings; Sources = sources })

    /// Text = concatenated non-thought text parts; blocks, MAX_TOKENS and missing text are typed failures.
    let parseChat (body: string) : Result<string * TokenUsage, WireFailure> = result {
        use! doc = parsed body
        let root = doc.RootElement
        do! outcome root

        let text =
            parts root
            |> List.filter (isThought >> not)
            |> List.choose (Json.prop "text" >> Option.bind Json.asString)
            |> String.concat ""

        if String.IsNullOrWhiteSpace text then
            return! Error(WireFailure.Malformed $"no text in the answer (finishReason {finishReason root})")
        else
            return text, usage root
    }

    /// `parseChat` with what Google Search contributed.
    let parseSearchedChat (body: string) : Result<(string * TokenUsage) * SearchEvidence option, WireFailure> = result {
        let! answer = parseChat body
        use! doc = parsed body
        return answer, searchEvidence doc.RootElement
    }

    let private decode (data: string) =
        try
            Ok(Convert.FromBase64String data)
        with :? FormatException ->
            Error "image data is not valid base64"

    /// The first inline image of a generateContent answer; IMAGE_SAFETY and other blocks are typed failures.
    let parseImage (body: string) : Result<byte[] * string, WireFailure> = result {
        use! doc = parsed body
        let root = doc.RootElement
        do! outcome root

        let inline' (part: JsonElement) =
            Json.prop "inlineData" part |> Option.orElse (Json.prop "inline_data" part)

        let! data, mime =
            parts root
            |> List.filter (isThought >> not)
            |> List.tryPick (fun part ->
                inline' part
                |> Option.bind (fun d ->
                    let mime =
                        Json.prop "mimeType" d
                        |> Option.orElse (Json.prop "mime_type" d)
                        |> Option.bind Json.asString
                        |> Option.defaultValue "image/png"

                    Json.prop "data" d
                    |> Option.bind Json.asString
                    |> Option.map (fun data -> data, mime)))
            |> Result.requireSome (WireFailure.Malformed $"no image in the answer (finishReason {finishReason root})")

        let! bytes = decode data |> Result.mapError WireFailure.Malformed
        return bytes, mime
    }

    /// The first prediction of an Imagen answer; a prediction filtered by RAI is an image-safety block.
    let parseImagen (body: string) : Result<byte[] * string, WireFailure> = result {
        use! doc = parsed body

        let! prediction =
            Json.prop "predictions" doc.RootElement
            |> Option.map Json.items
            |> Option.bind List.tryHead
            |> Result.requireSome (WireFailure.Blocked(BlockReason.ImageSafety, "no predictions (filtered)"))

        let filtered = Json.prop "raiFilteredReason" prediction |> Option.bind Json.asString

        match filtered with
        | Some reason -> return! Error(WireFailure.Blocked(BlockReason.ImageSafety, reason))
        | None ->
            let! data =
                Json.prop "bytesBase64Encoded" prediction
                |> Option.bind Json.asString
                |> Result.requireSome (WireFailure.Malformed "no image bytes in the prediction")

            let mime =
                Json.prop "mimeType" prediction
                |> Option.bind Json.asString
                |> Option.defaultValue "image/png"

            let! bytes = decode data |> Result.mapError WireFailure.Malformed
            return bytes, mime
    }

    let private call (settings: ProviderSettings) (http: HttpClient) now (model: string) verb (body: JsonNode) ct =
        let url =
            $"{settings.BaseUrl.AbsoluteUri.TrimEnd('/')}/v1beta/models/{Uri.EscapeDataString model}:{verb}"

        let request = Http.postJson url body

        match settings.Key with
        | Some k -> request.Headers.TryAddWithoutValidation("x-goog-api-key", k.Reveal()) |> ignore
        | None -> ()

        Http.send http name now request ct

    let private exchange
        (settings: ProviderSettings)
        http
        now
        model
        verb
        body
        (limit: int option)
        (parse: string -> Result<'a, WireFailure>)
        ct
        =
        task {
            if not settings.Configured then
                return Error(ProviderError.MissingKey name)
            else
                let started = Diagnostics.Stopwatch.GetTimestamp()

                match! call settings http now model verb body ct with
                | Error e -> return Error e
                | Ok reply when not (Http.isSuccess reply) -> return Error(Http.toError name settings.Key reply)
                | Ok reply ->
                    return
                        parse reply.Body
                        |> Result.map (fun parsed -> parsed, Http.elapsedMs started)
                        |> Result.mapError (WireFailure.toError name limit)
        }

    /// Gemini's calls for the router.
    let calls (settings: ProviderSettings) (http: HttpClient) (now: unit -> DateTimeOffset) : ProviderCalls = {
        Id = ProviderId.Gemini
        Complete =
            fun model request ct -> task {
                let body = chatBody settings.Thinking model request

                let! result =
                    exchange settings http now model "generateContent" body request.MaxTokens parseSearchedChat ct

                return
                    result
                    |> Result.map (fun (((text, usage), evidence), ms) -> {
                        Text = text
                        Model = model
                        Provider = name
                        Usage = usage
                        LatencyMs = ms
                        Search = evidence
                    })
            }
        GenerateImage =
            fun model request ct -> task {
                let verb, body, parse =
                    match ImageEndpoint.forModel ProviderId.Gemini model with
                    | Ok ImageEndpoint.ImagenPredict -> "predict", imagenBody model request, parseImagen
                    | _ -> "generateContent", imageBody model request, parseImage

                let! result = exchange settings http now model verb body None parse ct

                return
                    result
                    |> Result.map (fun ((bytes, mime), ms) -> {
                        Bytes = bytes
                        MimeType = mime
                        Model = model
                        Provider = name
                        LatencyMs = ms
                    })
            }
    }

    /// One `streamGenerateContent` event (a GenerateContentResponse): its non-thought text, usage when present, and
    /// whether it finished; prompt blocks, withheld candidates and MAX_TOKENS are typed failures.
    let parseChunk (data: string) : Result<StreamChunk, WireFailure> = result {
        use! doc = parsed data
        let root = doc.RootElement

        let candidates =
            Json.prop "candidates" root |> Option.map Json.items |> Option.defaultValue []

        let blocked = Json.path [ "promptFeedback"; "blockReason" ] root

        if candidates.IsEmpty && blocked.IsNone then
            return {
                Text = ""
                Model = None
                Usage = Json.prop "usageMetadata" root |> Option.map (fun _ -> usage root)
                Finished = false
            }
        else
            do! outcome root

            let text =
                parts root
                |> List.filter (isThought >> not)
                |> List.choose (Json.prop "text" >> Option.bind Json.asString)
                |> String.concat ""

            return {
                Text = text
                Model = Json.prop "modelVersion" root |> Option.bind Json.asString
                Usage = Json.prop "usageMetadata" root |> Option.map (fun _ -> usage root)
                Finished = finishReason root <> "none"
            }
    }

    /// Streams a chat answer with `streamGenerateContent?alt=sse`, the same body as `generateContent`.
    let stream
        (settings: ProviderSettings)
        (http: HttpClient)
        (now: unit -> DateTimeOffset)
        (model: string)
        : StreamChat =
        fun request onText ct ->
            if not settings.Configured then
                Threading.Tasks.Task.FromResult(Error(ProviderError.MissingKey name))
            else
                let url =
                    $"{settings.BaseUrl.AbsoluteUri.TrimEnd('/')}/v1beta/models/{Uri.EscapeDataString model}:streamGenerateContent?alt=sse"

                let message = Http.postJson url (chatBody settings.Thinking model request)

                match settings.Key with
                | Some k -> message.Headers.TryAddWithoutValidation("x-goog-api-key", k.Reveal()) |> ignore
                | None -> ()

                ChatStream.run
                    http
                    name
                    now
                    (Http.toError name settings.Key)
                    request.MaxTokens
                    parseChunk
                    model
                    message
                    onText
                    ct
