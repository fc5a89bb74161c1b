namespace TimepointFlash.Engines

open System
open System.Text.Json
open System.Text.Json.Nodes
open FsToolkit.ErrorHandling
open TimepointFlash

/// How a chat request asks for structured output.
[<RequireQualifiedAccess>]
type StructuredMode =
    /// `response_format: {type: "json_schema", ...}`.
    | JsonSchema
    /// `response_format: {type: "json_object"}` with the schema as JSON text in the system message (fixes B9).
    | JsonObject

/// Which documented variant of the chat-completions API a server speaks.
[<RequireQualifiedAccess>]
type Dialect =
    /// OpenAI's API (and local servers imitating it): `max_completion_tokens` for reasoning models, `reasoning_effort`.
    | OpenAi
    /// OpenRouter: `max_tokens` always, a `reasoning` object, `modalities` + `image_config` for images.
    | OpenRouter

/// One entry of an OpenAI-compatible `/models` list.
type RemoteModel = {
    Id: string
    Name: string
    ContextLength: int option
    PromptPrice: float option
    CompletionPrice: float option
    Modality: string option
    InputModalities: string list
    OutputModalities: string list
}

/// OpenAI-compatible chat-completions bodies and answers (OpenRouter, OpenAI, Ollama, vLLM, LM Studio).
[<RequireQualifiedAccess>]
module OpenAiWire =
    /// The system-message sentence that carries the schema as real JSON text.
    let schemaInstruction (schema: Schema) =
        $"Answer with one JSON object only, matching this JSON Schema: {Json.write (SchemaWire.toJsonSchema schema)}"

    let private message (role: string) (content: string) =
        Json.objNode [ "role", Json.str role; "content", Json.str content ]

    let private imagePrompt (request: ImageRequest) =
        match request.NegativePrompt with
        | Some avoid when not (String.IsNullOrWhiteSpace avoid) -> $"{request.Prompt}\n\nAvoid: {avoid}"
        | _ -> request.Prompt

    let private reasoning (dialect: Dialect) (thinking: Thinking option) = [
        match dialect, thinking with
        | Dialect.OpenAi, Some(Thinking.Effort effort) -> "reasoning_effort", Json.str effort
        | Dialect.OpenRouter, Some(Thinking.Budget n) -> "reasoning", Json.objNode [ "max_tokens", Json.integer n ]
        | Dialect.OpenRouter, Some(Thinking.Level level)
        | Dialect.OpenRouter, Some(Thinking.Effort level) -> "reasoning", Json.objNode [ "effort", Json.str level ]
        | _ -> ()
    ]

    /// The chat-completions body for a chat request. Temperature, the output-limit field and reasoning follow the
    /// model family (`family`), never the host; `json_schema` is strict with a strict-compatible schema.
    let chatBody
        (dialect: Dialect)
        (family: ModelFamily)
        (budgets: ThinkingBudgets)
        (model: string)
        (mode: StructuredMode)
        (request: ChatRequest)
        : JsonNode =
        let sampling = Sampling.plan family budgets request

        let system =
            match request.Schema, mode with
            | Some schema, StructuredMode.JsonObject ->
                [ request.System; schemaInstruction schema ]
                |> List.filter (String.IsNullOrWhiteSpace >> not)
                |> String.concat "\n\n"
            | _ -> request.System

        let tokensField =
            match dialect, family with
            | Dialect.OpenAi, ModelFamily.OpenAiReasoning -> "max_completion_tokens"
            | _ -> "max_tokens"

        Json.objNode [
            "model", Json.str model
            "messages",
            Json.arr [
                if not (String.IsNullOrWhiteSpace system) then
                    message "system" system
                message "user" request.User
            ]
            match sampling.Temperature with
            | Some t -> "temperature", Json.num t
            | None -> ()
            match sampling.MaxTokens with
            | Some n -> tokensField, Json.integer n
            | None -> ()
            yield! reasoning dialect sampling.Thinking
            match request.Schema, mode with
            | Some schema, StructuredMode.JsonSchema ->
                "response_format",
                Json.objNode [
                    "type", Json.str "json_schema"
                    "json_schema",
                    Json.objNode [
                        "name", Json.str (SchemaWire.schemaName request.Step)
                        "strict", Json.bool true
                        "schema", SchemaWire.toStrictJsonSchema schema
                    ]
                ]
            | Some _, StructuredMode.JsonObject -> "response_format", Json.objNode [ "type", Json.str "json_object" ]
            | None, _ -> ()
        ]

    /// The chat-completions body asking an OpenRouter image model for an image: `modalities` and the
    /// `image_config` extension, as OpenRouter documents them (OpenAI's own API has neither).
    let imageBody (model: string) (request: ImageRequest) : JsonNode =
        Json.objNode [
            "model", Json.str model
            "messages", Json.arr [ message "user" (imagePrompt request) ]
            "modalities", Json.arr [ Json.str "image"; Json.str "text" ]
            if not (String.IsNullOrWhiteSpace request.AspectRatio) then
                "image_config", Json.objNode [ "aspect_ratio", Json.str request.AspectRatio ]
        ]

    /// The `POST /images/generations` body: one image, size from the aspect ratio; `response_format: b64_json`
    /// only for DALL·E (GPT image models always answer base64 and reject the field).
    let imagesApiBody (model: string) (request: ImageRequest) : JsonNode =
        let gptImage =
            ModelFamily.isOpenAiImage model
            && not ((ModelFamily.bare model).StartsWith "dall-e")

        Json.objNode [
            "model", Json.str model
            "prompt", Json.str (imagePrompt request)
            "n", Json.integer 1
            "size", Json.str (ImageEndpoint.imageSize model request.AspectRatio)
            if not gptImage then
                "response_format", Json.str "b64_json"
        ]

    /// Bytes of the first `data[].b64_json` of an Images API answer (PNG unless `output_format` says otherwise).
    let parseImagesApi (body: string) : Result<byte[] * string, WireFailure> = result {
        use! doc = Json.tryParse body |> Result.mapError WireFailure.Malformed
        let root = doc.RootElement

        let! first =
            Json.prop "data" root
            |> Option.map Json.items
            |> Option.bind List.tryHead
            |> Result.requireSome (WireFailure.Malformed "no data[] in the images answer")

        let! data =
            Json.prop "b64_json" first
            |> Option.bind Json.asString
            |> Result.requireSome (WireFailure.Malformed "no b64_json in data[0]")

        let mime =
            match Json.prop "output_format" root |> Option.bind Json.asString with
            | Some "jpeg" -> "image/jpeg"
            | Some "webp" -> "image/webp"
            | _ -> "image/png"

        try
            return Convert.FromBase64String data, mime
        with :? FormatException ->
            return! Error(WireFailure.Malformed "b64_json is not valid base64")
    }

    let private errorOf (node: JsonElement) =
        let code = Json.prop "code" node |> Option.bind Json.asInt

        let message =
            Json.prop "message" node
            |> Option.bind Json.asString
            |> Option.defaultValue "no message"

        WireFailure.Upstream(code, message)

    /// The first choice; an `error` object in the body or in the choice (OpenRouter, inside a 200) is surfaced.
    let private firstChoice (root: JsonElement) =
        match Json.prop "choices" root |> Option.map Json.items with
        | Some(choice :: _) ->
            match Json.prop "error" choice with
            | Some e when e.ValueKind = JsonValueKind.Object -> Error(errorOf e)
            | _ -> Ok choice
        | _ ->
            match Json.prop "error" root with
            | Some e when e.ValueKind = JsonValueKind.Object -> Error(errorOf e)
            | _ -> Error(WireFailure.Malformed "no choices")

    /// Refusals, content filters and cut-off answers of a choice, before any text is read.
    let private outcome (choice: JsonElement) : Result<unit, WireFailure> =
        let refusal =
            Json.path [ "message"; "refusal" ] choice
            |> Option.bind Json.asString
            |> Option.filter (String.IsNullOrWhiteSpace >> not)

        match refusal, Json.prop "finish_reason" choice |> Option.bind Json.asString with
        | Some text, _ -> Error(WireFailure.Blocked(BlockReason.Refusal, text))
        | None, Some "content_filter" -> Error(WireFailure.Blocked(BlockReason.ContentFilter, "content_filter"))
        | None, Some "length" -> Error WireFailure.Truncated
        | _ -> Ok()

    /// Usage from `usage.prompt_tokens` / `usage.completion_tokens`.
    let usage (root: JsonElement) : TokenUsage =
        let count field =
            Json.path [ "usage"; field ] root
            |> Option.bind Json.asInt
            |> Option.defaultValue 0

        {
            Input = count "prompt_tokens"
            Output = count "completion_tokens"
        }

    /// The answer text (string content or text parts), the served model id and usage; refusals, filters,
    /// `length` and errors inside the 200 are typed failures, no text is a malformed answer.
    let parseChat (body: string) : Result<string * string option * TokenUsage, WireFailure> = result {
        use! doc = Json.tryParse body |> Result.mapError WireFailure.Malformed
        let root = doc.RootElement
        let! choice = firstChoice root
        do! outcome choice
        let content = Json.path [ "message"; "content" ] choice

        let text =
            match content with
            | Some c when c.ValueKind = JsonValueKind.String -> c.GetString()
            | Some c when c.ValueKind = JsonValueKind.Array ->
                Json.items c
                |> List.choose (Json.prop "text" >> Option.bind Json.asString)
                |> String.concat ""
            | _ -> ""

        if String.IsNullOrWhiteSpace text then
            let reason =
                Json.prop "finish_reason" choice
                |> Option.bind Json.asString
                |> Option.defaultValue "none"

            return! Error(WireFailure.Malformed $"no text in the answer (finish_reason {reason})")
        else
            return text, Json.prop "model" root |> Option.bind Json.asString, usage root
    }

    /// Bytes and MIME type of a `data:<mime>;base64,<data>` URL.
    let parseDataUrl (url: string) : (byte[] * string) option =
        let url = url.Trim()

        if url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) then
            match url.IndexOf ',' with
            | comma when comma > 0 ->
                let header = url.Substring(5, comma - 5)

                if header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase) then
                    let mime = header.Substring(0, header.Length - 7)
                    let mime = if mime = "" then "image/png" else mime

                    try
                        Some(Convert.FromBase64String(url.Substring(comma + 1)), mime)
                    with :? FormatException ->
                        None
                else
                    None
            | _ -> None
        else
            None

    let private base64 (mime: string option) (data: string) =
        try
            Some(Convert.FromBase64String data, defaultArg mime "image/png")
        with :? FormatException ->
            None

    /// An image in one content part: `image_url.url` (string or object), `inline_data.data`, `image.data`.
    let private fromPart (part: JsonElement) =
        let str = Option.bind Json.asString

        let imageUrl =
            match Json.prop "image_url" part with
            | Some u when u.ValueKind = JsonValueKind.String -> Some u
            | Some u -> Json.prop "url" u
            | None -> None
            |> str
            |> Option.bind parseDataUrl

        let blob field mimeField =
            Json.prop field part
            |> Option.bind (fun d ->
                let mime = Json.prop mimeField d |> Option.orElse (Json.prop "mimeType" d) |> str
                Json.prop "data" d |> str |> Option.bind (base64 mime))

        imageUrl
        |> Option.orElse (blob "inline_data" "mime_type")
        |> Option.orElse (blob "image" "mime_type")

    /// Image bytes from every location of SEED-SPEC §2.5 (fixes B11); blocks and errors inside the 200 are typed.
    let parseImage (body: string) : Result<byte[] * string, WireFailure> = result {
        use! doc = Json.tryParse body |> Result.mapError WireFailure.Malformed
        let! choice = firstChoice doc.RootElement
        do! outcome choice

        let! msg =
            Json.prop "message" choice
            |> Result.requireSome (WireFailure.Malformed "no message in the first choice")

        let fromImages () =
            Json.prop "images" msg
            |> Option.map Json.items
            |> Option.defaultValue []
            |> List.tryPick fromPart

        let fromContent () =
            match Json.prop "content" msg with
            | Some c when c.ValueKind = JsonValueKind.String -> parseDataUrl (c.GetString())
            | Some c when c.ValueKind = JsonValueKind.Array -> Json.items c |> List.tryPick fromPart
            | _ -> None

        return!
            fromImages ()
            |> Option.orElseWith fromContent
            |> Result.requireSome (
                WireFailure.Malformed "no image in the answer (looked in message.images and message.content)"
            )
    }

    let private errorNode (body: string) (read: JsonElement -> 'a option) =
        match Json.tryParse body with
        | Error _ -> None
        | Ok doc ->
            use doc = doc
            Json.prop "error" doc.RootElement |> Option.bind read

    /// A documented error answer with its own meaning: OpenAI 429 `insufficient_quota`, OpenRouter 402
    /// (no credit) and OpenRouter 403 moderation (`error.metadata.reasons`). Other statuses: None.
    let classifyError (provider: string) (status: int) (body: string) (message: string) : ProviderError option =
        let field name (e: JsonElement) =
            Json.prop name e |> Option.bind Json.asString

        match status with
        | 429 ->
            errorNode body (fun e ->
                match field "code" e, field "type" e with
                | Some "insufficient_quota", _
                | _, Some "insufficient_quota" -> Some(ProviderError.QuotaExhausted(provider, message))
                | _ -> None)
        | 402 -> Some(ProviderError.QuotaExhausted(provider, message))
        | 403 ->
            errorNode body (fun e ->
                Json.path [ "metadata"; "reasons" ] e
                |> Option.map (Json.items >> List.choose Json.asString)
                |> Option.map (fun reasons -> ProviderError.Moderated(provider, reasons)))
        | _ -> None

    /// True when a 400/422 answer is about `response_format` (OpenAI names it in `error.param`; servers
    /// without `param` name it in the message), the one case where `json_object` is worth a second call.
    let rejectsResponseFormat (status: int) (body: string) =
        (status = 400 || status = 422)
        && (errorNode body (fun e ->
                let param = Json.prop "param" e |> Option.bind Json.asString
                let message = Json.prop "message" e |> Option.bind Json.asString

                match param, message with
                | Some p, _ when p.StartsWith "response_format" -> Some true
                | _, Some m when m.Contains "response_format" -> Some true
                | _ -> None)
            |> Option.defaultValue false)

    /// Parses a `/models` answer (`data[]` with pricing as decimal strings).
    let parseModels (body: string) : Result<RemoteModel list, string> = result {
        use! doc = Json.tryParse body
        let! data = Json.prop "data" doc.RootElement |> Result.requireSome "no data array"

        return
            Json.items data
            |> List.choose (fun m ->
                Json.prop "id" m
                |> Option.bind Json.asString
                |> Option.map (fun id ->
                    let strings path =
                        Json.path path m
                        |> Option.map (Json.items >> List.choose Json.asString)
                        |> Option.defaultValue []

                    {
                        Id = id
                        Name = Json.prop "name" m |> Option.bind Json.asString |> Option.defaultValue id
                        ContextLength = Json.prop "context_length" m |> Option.bind Json.asInt
                        PromptPrice = Json.path [ "pricing"; "prompt" ] m |> Option.bind Json.asFloat
                        CompletionPrice = Json.path [ "pricing"; "completion" ] m |> Option.bind Json.asFloat
                        Modality = Json.path [ "architecture"; "modality" ] m |> Option.bind Json.asString
                        InputModalities = strings [ "architecture"; "input_modalities" ]
                        OutputModalities = strings [ "architecture"; "output_modalities" ]
                    }))
    }
