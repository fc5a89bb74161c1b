namespace TimepointFlash.Api

open System
open System.IO
open System.Text
open System.Text.Json
open System.Text.Json.Nodes
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open TimepointFlash

/// Why a request could not be read.
[<RequireQualifiedAccess>]
type RequestError =
    | UnsupportedMediaType of contentType: string
    | TooLarge of limit: int64
    | MalformedJson of message: string
    | NotAnObject
    | Invalid of errors: DecodeError list

/// Small combinators in Giraffe's spirit: JSON results, problem details, body binding.
[<RequireQualifiedAccess>]
module Http =
    /// Largest JSON body accepted.
    let maxBodyBytes = 64L * 1024L

    /// A JSON result with a status code.
    let json (status: int) (node: JsonNode) : IResult =
        Results.Text(Encode.toString node, "application/json; charset=utf-8", Encoding.UTF8, status)

    /// 200 with a JSON body.
    let ok node = json StatusCodes.Status200OK node

    /// Whether an If-None-Match header value names the entity tag (or is `*`); weak tags compare equal.
    let matchesETag (ifNoneMatch: string) (etag: string) =
        ifNoneMatch.Split(',')
        |> Array.exists (fun t ->
            let t = t.Trim()
            t = "*" || (if t.StartsWith "W/" then t.Substring 2 else t) = etag)

    /// 200 with a rendered JSON body, its ETag and `Cache-Control: no-cache`; 304 when If-None-Match names it.
    let rendered (ctx: HttpContext) (body: RenderedBody) : IResult =
        ctx.Response.Headers.ETag <- body.ETag
        ctx.Response.Headers.CacheControl <- "no-cache"

        let ifNoneMatch = string ctx.Request.Headers.IfNoneMatch

        if ifNoneMatch <> "" && matchesETag ifNoneMatch body.ETag then
            Results.StatusCode StatusCodes.Status304NotModified
        else
            Results.Bytes(body.Bytes, "application/json; charset=utf-8")

    /// An application/problem+json result with a human detail (repeated as `error` for the reference's clients)
    /// and optional field errors.
    let problem (status: int) (title: string) (detail: string) (errors: DecodeError list) : IResult =
        let body =
            Encode.obj [
                "type", Encode.string $"https://httpstatuses.io/{status}"
                "title", Encode.string title
                "status", Encode.int status
                "detail", Encode.string detail
                "error", Encode.string detail
                if not (List.isEmpty errors) then
                    "errors",
                    Encode.list
                        (fun (e: DecodeError) ->
                            Encode.obj [
                                "field", Encode.string (if e.Path = "" then "body" else e.Path)
                                "message", Encode.string e.Message
                            ])
                        errors
            ]

        Results.Text(Encode.toString body, "application/problem+json; charset=utf-8", Encoding.UTF8, status)

    /// 404 with a detail.
    let notFound detail = problem 404 "Not Found" detail []

    /// 400 with a detail.
    let badRequest detail = problem 400 "Bad Request" detail []

    /// 422 with field errors.
    let unprocessable detail errors =
        problem 422 "Unprocessable Entity" detail errors

    /// The problem for a request that could not be read.
    let ofRequestError =
        function
        | RequestError.UnsupportedMediaType ct ->
            problem 415 "Unsupported Media Type" $"Send the body as application/json (got \"{String.truncate 80 ct}\")." []
        | RequestError.TooLarge limit -> problem 413 "Payload Too Large" $"The body is larger than {limit} bytes." []
        | RequestError.MalformedJson m ->
            problem 400 "Bad Request" $"The body is not valid JSON: {String.truncate 200 m}" []
        | RequestError.NotAnObject -> unprocessable "The body must be a JSON object." []
        | RequestError.Invalid errors ->
            let first =
                errors |> List.truncate 3 |> List.map DecodeError.describe |> String.concat "; "

            unprocessable $"The request is invalid: {first}" errors

    let private isJson (ct: string) =
        String.IsNullOrEmpty ct
        || ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || ct.Contains("+json", StringComparison.OrdinalIgnoreCase)

    /// Reads the body as a JSON object within the size limit; an empty body is an empty object.
    let readObject (ctx: HttpContext) : Task<Result<JsonElement, RequestError>> = task {
        let ct = ctx.Request.ContentType |> Option.ofObj |> Option.defaultValue ""
        let declared = ctx.Request.ContentLength

        if not (isJson ct) then
            return Error(RequestError.UnsupportedMediaType ct)
        elif declared.HasValue && declared.Value > maxBodyBytes then
            return Error(RequestError.TooLarge maxBodyBytes)
        else
            use buffer = new MemoryStream()
            let chunk = Array.zeroCreate<byte> 8192
            let mutable reading = true
            let mutable tooLarge = false

            while reading do
                let! n = ctx.Request.Body.ReadAsync(chunk, 0, chunk.Length, ctx.RequestAborted)

                if n = 0 then
                    reading <- false
                elif buffer.Length + int64 n > maxBodyBytes then
                    tooLarge <- true
                    reading <- false
                else
                    buffer.Write(chunk, 0, n)

            if tooLarge then
                return Error(RequestError.TooLarge maxBodyBytes)
            elif not (Unicode.Utf8.IsValid(ReadOnlySpan(buffer.GetBuffer(), 0, int buffer.Length))) then
                return Error(RequestError.MalformedJson "the body is not valid UTF-8")
            elif buffer.Length = 0L then
                use doc = JsonDocument.Parse "{}"
                return Ok(doc.RootElement.Clone())
            else
                try
                    let options = JsonDocumentOptions(MaxDepth = 32)

                    use doc =
                        JsonDocument.Parse(ReadOnlyMemory(buffer.GetBuffer(), 0, int buffer.Length), options)

                    if doc.RootElement.ValueKind = JsonValueKind.Object then
                        return Ok(doc.RootElement.Clone())
                    else
                        return Error RequestError.NotAnObject
                with
                | :? JsonException as e -> return Error(RequestError.MalformedJson e.Message)
                | :? ArgumentException as e -> return Error(RequestError.MalformedJson e.Message)
    }

    /// Reads and decodes the body, then hands the typed value to the handler; errors become problems.
    let bindJson (decoder: Decoder<'T>) (handler: 'T -> Task<IResult>) (ctx: HttpContext) : Task<IResult> = task {
        match! readObject ctx with
        | Error e -> return ofRequestError e
        | Ok el ->
            match decoder "" el with
            | Error errors -> return ofRequestError (RequestError.Invalid errors)
            | Ok value -> return! handler value
    }

    /// A query-string value, when present and not blank.
    let query (name: string) (ctx: HttpContext) =
        match ctx.Request.Query.TryGetValue name with
        | true, v when not (String.IsNullOrWhiteSpace(string v)) -> Some((string v).Trim())
        | _ -> None

    /// A route value as text.
    let route (name: string) (ctx: HttpContext) =
        match ctx.Request.RouteValues.TryGetValue name with
        | true, v when not (isNull v) -> string v
        | _ -> ""
