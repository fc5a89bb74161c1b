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

    /// The generateContent body for a chat request: systemInstruction (fixes B7), contents, generationConfig.
    let chatBody (request: ChatRequest) : JsonNode =
        Json.objNode [
            if not (String.IsNullOrWhiteSpace request.System) then
                "systemInstruction", Json.objNode [ "parts", textParts request.System ]
            "contents", Json.arr [ Json.objNode [ "role", Json.str "user"; "parts", textParts request.User ] ]
            "generationConfig",
            Json.objNode [
                "temperature", Json.num request.Temperature
                match request.MaxTokens with
                | Some n -> "maxOutputTokens", Json.integer n
                | None -> ()
                match request.Schema with
                | Some schema ->
                    "responseMimeType", Json.str "application/json"
                    "responseSchema", SchemaWire.toGemini schema
                | None -> ()
            ]
        ]

    let private imagePrompt (request: ImageRequest) =
        match request.NegativePrompt with
        | Some avoid when not (String.IsNullOrWhiteSpace avoid) -> $"{request.Prompt}\n\nAvoid: {avoid}"
        | _ -> request.Prompt

    /// The generateContent body for an image-capable Gemini model.
    let imageBody (request: ImageRequest) : JsonNode =
        Json.objNode [
            "contents",
            Json.arr [
                Json.objNode [ "role", Json.str "user"; "parts", textParts (imagePrompt request) ]
            ]
            "generationConfig",
            Json.objNode [
                "responseModalities", Json.arr [ Json.str "TEXT"; Json.str "IMAGE" ]
                if not (String.IsNullOrWhiteSpace request.AspectRatio) then
                    "imageConfig", Json.objNode [ "aspectRatio", Json.str request.AspectRatio ]
            ]
        ]

    /// The Imagen `:predict` body.
    let imagenBody (request: ImageRequest) : JsonNode =
        Json.objNode [
            "instances", Json.arr [ Json.objNode [ "prompt", Json.str (imagePrompt request) ] ]
            "parameters",
            Json.objNode [
                "sampleCount", Json.integer 1
                if not (String.IsNullOrWhiteSpace request.AspectRatio) then
                    "aspectRatio", Json.str request.AspectRatio
            ]
        ]

    let private parts (root: JsonElement) =
        Json.prop "candidates" root
        |> Option.map Json.items
        |> Option.bind List.tryHead
        |> Option.bind (Json.path [ "content"; "parts" ])
        |> Option.map Json.items
        |> Option.defaultValue []

    let private noCandidates (root: JsonElement) =
        let candidates =
            Json.prop "candidates" root |> Option.map Json.items |> Option.defaultValue []

        if candidates.IsEmpty then
            match Json.path [ "promptFeedback"; "blockReason" ] root |> Option.bind Json.asString with
            | Some reason -> Some $"no candidates (prompt blocked: {reason})"
            | None -> Some "no candidates"
        else
            None

    let private finishReason (root: JsonElement) =
        Json.prop "candidates" root
        |> Option.map Json.items
        |> Option.bind List.tryHead
        |> Option.bind (Json.prop "finishReason")
        |> Option.bind Json.asString
        |> Option.defaultValue "none"

    /// Usage from `usageMetadata`.
    let usage (root: JsonElement) : TokenUsage =
        let count field =
            Json.path [ "usageMetadata"; field ] root
            |> Option.bind Json.asInt
            |> Option.defaultValue 0

        {
            Input = count "promptTokenCount"
            Output = count "candidatesTokenCount"
        }

    let private isThought (part: JsonElement) =
        Json.prop "thought" part
        |> Option.exists (fun t -> t.ValueKind = JsonValueKind.True)

    /// Text = concatenated non-thought text parts; no candidates or no text is an error (fixes B8).
    let parseChat (body: string) : Result<string * TokenUsage, string> = result {
        use! doc = Json.tryParse body
        let root = doc.RootElement

        do!
            match noCandidates root with
            | Some problem -> Error problem
            | None -> Ok()

        let text =
            parts root
            |> List.filter (isThought >> not)
            |> List.choose (Json.prop "text" >> Option.bind Json.asString)
            |> String.concat ""

        if String.IsNullOrWhiteSpace text then
            return! Error $"no text in the answer (finishReason {finishReason root})"
        else
            return text, usage root
    }

    let private decode (data: string) =
        try
            Ok(Convert.FromBase64String data)
        with :? FormatException ->
            Error "image data is not valid base64"

    /// The first inline image of a generateContent answer.
    let parseImage (body: string) : Result<byte[] * string, string> = result {
        use! doc = Json.tryParse body
        let root = doc.RootElement

        do!
            match noCandidates root with
            | Some problem -> Error problem
            | None -> Ok()

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
            |> Result.requireSome $"no image in the answer (finishReason {finishReason root})"

        let! bytes = decode data
        return bytes, mime
    }

    /// The first prediction of an Imagen answer.
    let parseImagen (body: string) : Result<byte[] * string, string> = result {
        use! doc = Json.tryParse body

        let! prediction =
            Json.prop "predictions" doc.RootElement
            |> Option.map Json.items
            |> Option.bind List.tryHead
            |> Result.requireSome "no predictions"

        let! data =
            Json.prop "bytesBase64Encoded" prediction
            |> Option.bind Json.asString
            |> Result.requireSome "no image bytes in the prediction"

        let mime =
            Json.prop "mimeType" prediction
            |> Option.bind Json.asString
            |> Option.defaultValue "image/png"

        let! bytes = decode data
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
        (parse: string -> Result<'a, string>)
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
                        |> Result.mapError (fun m -> ProviderError.BadResponse(name, m))
        }

    /// Gemini's calls for the router.
    let calls (settings: ProviderSettings) (http: HttpClient) (now: unit -> DateTimeOffset) : ProviderCalls = {
        Id = ProviderId.Gemini
        Complete =
            fun model request ct -> task {
                let! result = exchange settings http now model "generateContent" (chatBody request) parseChat ct

                return
                    result
                    |> Result.map (fun ((text, usage), ms) -> {
                        Text = text
                        Model = model
                        Provider = name
                        Usage = usage
                        LatencyMs = ms
                    })
            }
        GenerateImage =
            fun model request ct -> task {
                let imagen = model.StartsWith("imagen", StringComparison.OrdinalIgnoreCase)

                let verb, body, parse =
                    if imagen then
                        "predict", imagenBody request, parseImagen
                    else
                        "generateContent", imageBody request, parseImage

                let! result = exchange settings http now model verb body parse ct

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
