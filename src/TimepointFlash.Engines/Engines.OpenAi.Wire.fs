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
    let schemaInstruction (schema: Schema) = SchemaWire.instruction schema

    let private message (role: string) (content: string) =
        Json.objNode [ "role", Json.str role; "content", Json.str content ]

    let private reasoning (dialect: Dialect) (thinking: Thinking option) = [
        match dialect, thinking with
        | Dialect.OpenAi, Some(Thinking.Effort effort) -> "reasoning_effort", Json.str effort
        | Dialect.OpenRouter, Some(Thinking.Budget n) -> "reasoning", Json.objNode [ "max_tokens", Json.integer n ]
        | Dialect.OpenRouter, Some(Thinking.Level level)
        | Dialect.OpenRouter, Some(Thinking.Effort level) -> "reasoning", Json.objNode [ "effort", Json.str level ]
        | _ -> ()
    ]

    /// A run's extra sampling settings: `top_p` and `stop` everywhere (not on OpenAI reasoning models, which
    /// reject them); `top_k` and the penalties OpenRouter documents, only there.
    let private extras (dialect: Dialect) (family: ModelFamily) (t: CallTuning) = [
        if family <> ModelFamily.OpenAiReasoning then
            match t.TopP with
            | Some p -> "top_p", Json.num p
            | None -> ()

            if not t.Stop.IsEmpty then
                "stop", Json.arr (t.Stop |> List.map Json.str)

            match t.FrequencyPenalty with
            | Some p -> "frequency_penalty", Json.num p
            | None -> ()

            match t.PresencePenalty with
            | Some p -> "presence_penalty", Json.num p
            | None -> ()
        if dialect = Dialect.OpenRouter then
            match t.TopK with
            | Some k -> "top_k", Json.integer k
            | None -> ()

            match t.RepetitionPenalty with
            | Some p -> "repetition_penalty", Json.num p
            | None -> ()
    ]

    /// How many pages OpenRouter's web plugin fetches for a searching call (its documented default).
    let webResults = 5

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
            yield! extras dialect family request.Tuning
            yield! reasoning dialect sampling.Thinking
            // OpenRouter's web plugin searches before the model answers; plain OpenAI-compatible servers have none.
            if request.Search && dialect = Dialect.OpenRouter then
                "plugins",
                Json.arr [
                    Json.objNode [ "id", Json.str "web"; "max_results", Json.integer webResults ]
                ]
            match request.Schema, mode with
            | Some schema, StructuredMode.JsonSchema ->
                "response_format",
                Json.objNode [
                    "type", Json.str "json_schema"
                    "json_schema",
                    Json.objNode [
                        "name", Json.str (SchemaWire.schemaName request.Step)
                        "strict", Json.bool true
                        "schema", SchemaWire.strictJsonSchemaOnce schema
                    ]
                ]
            | Some _, StructuredMode.JsonObject -> "response_format", Json.objNode [ "type", Json.str "json_object" ]
            | None, _ -> ()
        ]

    let private errorOf (node: JsonElement) =
        let code = Json.prop "code" node |> Option.bind Json.asInt

        let message =
            Json.prop "message" node
            |> Option.bind Json.asString
            |> Option.defaultValue "no message"

        WireFailure.Upstream(code, message)

    /// The first choice; an `error` object in the body or in the choice (OpenRouter, inside a 200) is surfaced.
    let firstChoice (root: JsonElement) =
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
    let outcome (choice: JsonElement) : Result<unit, WireFailure> =
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

    /// The pages a web search cited: `message.annotations` of type `url_citation` (url, title); None when there are
    /// none.
    let searchEvidence (root: JsonElement) : SearchEvidence option =
        let sources =
            Json.prop "choices" root
            |> Option.map Json.items
            |> Option.bind List.tryHead
            |> Option.bind (Json.path [ "message"; "annotations" ])
            |> Option.map Json.items
            |> Option.defaultValue []
            |> List.filter (fun a -> Json.prop "type" a |> Option.bind Json.asString = Some "url_citation")
            |> List.choose (fun a ->
                Json.prop "url_citation" a
                |> Option.bind (fun c ->
                    Json.prop "url" c
                    |> Option.bind Json.asString
                    |> Option.filter (String.IsNullOrWhiteSpace >> not)
                    |> Option.map (fun url -> {
                        Url = url
                        Title =
                            Json.prop "title" c
                            |> Option.bind Json.asString
                            |> Option.filter (String.IsNullOrWhiteSpace >> not)
                            |> Option.defaultValue url
                    })))
            |> List.distinctBy (fun s -> s.Url)

        if sources.IsEmpty then
            None
        else
            Some { Queries = []; Sources = sources }

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

    /// `parseChat` with the pages a web search cited.
    let parseSearchedChat (body: string) = result {
        let! answer = parseChat body
        use! doc = Json.tryParse body |> Result.mapError WireFailure.Malformed
        return answer, searchEvidence doc.RootElement
    }

    /// One `chat.completion.chunk` event: `choices[0].delta.content`, the served model, usage when sent, and
    /// whether a finish reason came; refusals, content filters, `length` and errors inside the stream are failures.
    let parseChunk (data: string) : Result<StreamChunk, WireFailure> = result {
        use! doc = Json.tryParse data |> Result.mapError WireFailure.Malformed
        let root = doc.RootElement
        let model = Json.prop "model" root |> Option.bind Json.asString

        let usage =
            Json.prop "usage" root
            |> Option.filter (fun u -> u.ValueKind = JsonValueKind.Object)
            |> Option.map (fun _ -> usage root)

        match Json.prop "choices" root |> Option.map Json.items, Json.prop "error" root with
        | Some [], None ->
            return {
                Text = ""
                Model = model
                Usage = usage
                Finished = false
            }
        | _ ->
            let! choice = firstChoice root

            match
                Json.path [ "delta"; "refusal" ] choice
                |> Option.bind Json.asString
                |> Option.filter (String.IsNullOrWhiteSpace >> not)
            with
            | Some refusal -> return! Error(WireFailure.Blocked(BlockReason.Refusal, refusal))
            | None ->
                let reason = Json.prop "finish_reason" choice |> Option.bind Json.asString

                match reason with
                | Some "content_filter" ->
                    return! Error(WireFailure.Blocked(BlockReason.ContentFilter, "content_filter"))
                | Some "length" -> return! Error WireFailure.Truncated
                | _ ->
                    return {
                        Text =
                            Json.path [ "delta"; "content" ] choice
                            |> Option.bind Json.asString
                            |> Option.defaultValue ""
                        Model = model
                        Usage = usage
                        Finished = reason.IsSome
                    }
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
