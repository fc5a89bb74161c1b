namespace TimepointFlash.Engines

open System
open System.Text.Json
open System.Text.Json.Nodes
open FsToolkit.ErrorHandling
open TimepointFlash

/// Images over OpenAI-compatible APIs: OpenAI's Images API, and OpenRouter's chat completions with `modalities`.
[<RequireQualifiedAccess>]
module OpenAiImages =
    let private userMessage (content: string) =
        Json.objNode [ "role", Json.str "user"; "content", Json.str content ]

    /// The chat-completions body asking an OpenRouter image model for an image: `modalities` and the
    /// `image_config` extension, as OpenRouter documents them (OpenAI's own API has neither).
    let imageBody (model: string) (request: ImageRequest) : JsonNode =
        Json.objNode [
            "model", Json.str model
            "messages", Json.arr [ userMessage (ImageEndpoint.promptText model request) ]
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
            "prompt", Json.str (ImageEndpoint.promptText model request)
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
        let! choice = OpenAiWire.firstChoice doc.RootElement
        do! OpenAiWire.outcome choice

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
