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

    /// The output-token limit field: OpenAI's own API wants `max_completion_tokens`, the others `max_tokens`.
    let tokensField (baseUrl: Uri) =
        if baseUrl.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase) then
            "max_completion_tokens"
        else
            "max_tokens"

    /// The chat-completions body for a chat request.
    let chatBody (tokensField: string) (model: string) (mode: StructuredMode) (request: ChatRequest) : JsonNode =
        let system =
            match request.Schema, mode with
            | Some schema, StructuredMode.JsonObject ->
                [ request.System; schemaInstruction schema ]
                |> List.filter (String.IsNullOrWhiteSpace >> not)
                |> String.concat "\n\n"
            | _ -> request.System

        Json.objNode [
            "model", Json.str model
            "messages",
            Json.arr [
                if not (String.IsNullOrWhiteSpace system) then
                    message "system" system
                message "user" request.User
            ]
            "temperature", Json.num request.Temperature
            match request.MaxTokens with
            | Some n -> tokensField, Json.integer n
            | None -> ()
            match request.Schema, mode with
            | Some schema, StructuredMode.JsonSchema ->
                "response_format",
                Json.objNode [
                    "type", Json.str "json_schema"
                    "json_schema",
                    Json.objNode [
                        "name", Json.str (SchemaWire.schemaName request.Step)
                        "strict", Json.bool false
                        "schema", SchemaWire.toJsonSchema schema
                    ]
                ]
            | Some _, StructuredMode.JsonObject -> "response_format", Json.objNode [ "type", Json.str "json_object" ]
            | None, _ -> ()
        ]

    /// The chat-completions body asking an image model for an image (fixes B11: `modalities` is sent);
    /// `image_config` (an OpenRouter extension) only when `withImageConfig`.
    let imageBody (withImageConfig: bool) (model: string) (request: ImageRequest) : JsonNode =
        let prompt =
            match request.NegativePrompt with
            | Some avoid when not (String.IsNullOrWhiteSpace avoid) -> $"{request.Prompt}\n\nAvoid: {avoid}"
            | _ -> request.Prompt

        Json.objNode [
            "model", Json.str model
            "messages", Json.arr [ message "user" prompt ]
            "modalities", Json.arr [ Json.str "image"; Json.str "text" ]
            if withImageConfig && not (String.IsNullOrWhiteSpace request.AspectRatio) then
                "image_config", Json.objNode [ "aspect_ratio", Json.str request.AspectRatio ]
        ]

    let private firstChoice (root: JsonElement) =
        match Json.prop "choices" root |> Option.map Json.items with
        | Some(choice :: _) -> Ok choice
        | _ ->
            match Json.path [ "error"; "message" ] root |> Option.bind Json.asString with
            | Some m -> Error $"no choices ({m})"
            | None -> Error "no choices"

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

    /// The answer text (string content or text parts), the served model id and usage; no text is an error.
    let parseChat (body: string) : Result<string * string option * TokenUsage, string> = result {
        use! doc = Json.tryParse body
        let root = doc.RootElement
        let! choice = firstChoice root
        let content = Json.path [ "message"; "content" ] choice

        let text =
            match content with
            | Some c when c.ValueKind = JsonValueKind.String -> c.GetString()
            | Some c ->
                Json.items c
                |> List.choose (Json.prop "text" >> Option.bind Json.asString)
                |> String.concat ""
            | None -> ""

        if String.IsNullOrWhiteSpace text then
            let reason =
                Json.prop "finish_reason" choice
                |> Option.bind Json.asString
                |> Option.defaultValue "none"

            return! Error $"no text in the answer (finish_reason {reason})"
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

    /// Image bytes from every location of SEED-SPEC §2.5 (fixes B11).
    let parseImage (body: string) : Result<byte[] * string, string> = result {
        use! doc = Json.tryParse body
        let! choice = firstChoice doc.RootElement

        let! msg =
            Json.prop "message" choice
            |> Result.requireSome "no message in the first choice"

        let fromImages () =
            Json.prop "images" msg
            |> Option.map Json.items
            |> Option.defaultValue []
            |> List.tryPick fromPart

        let fromContent () =
            match Json.prop "content" msg with
            | Some c when c.ValueKind = JsonValueKind.String -> parseDataUrl (c.GetString())
            | Some c -> Json.items c |> List.tryPick fromPart
            | None -> None

        return!
            fromImages ()
            |> Option.orElseWith fromContent
            |> Result.requireSome "no image in the answer (looked in message.images and message.content)"
    }

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
