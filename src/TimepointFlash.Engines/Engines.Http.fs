namespace TimepointFlash.Engines

open System
open System.Globalization
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.RegularExpressions
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// One HTTP answer, read fully.
type HttpReply = {
    Status: int
    Body: string
    /// From the Retry-After header (seconds or HTTP date), relative to the injected clock.
    RetryAfter: TimeSpan option
}

/// What was wrong with a 200 answer, before the provider's name and the request's budget are known.
[<RequireQualifiedAccess>]
type WireFailure =
    /// Not the documented shape (invalid JSON, no text, no image).
    | Malformed of string
    /// The provider withheld the answer.
    | Blocked of BlockReason * detail: string
    /// Stopped at the output limit.
    | Truncated
    /// An error reported inside the 200 body.
    | Upstream of code: int option * message: string

[<RequireQualifiedAccess>]
module WireFailure =
    /// The typed provider error for a failure of `provider` on a request that sent `limit` output tokens.
    let toError (provider: string) (limit: int option) =
        function
        | WireFailure.Malformed m -> ProviderError.BadResponse(provider, m)
        | WireFailure.Blocked(reason, detail) -> ProviderError.Blocked(provider, reason, detail)
        | WireFailure.Truncated -> ProviderError.Truncated(provider, limit)
        | WireFailure.Upstream(code, m) -> ProviderError.UpstreamError(provider, code, m)

/// One provider's calls, with the model id already chosen by the router.
type ProviderCalls = {
    Id: ProviderId
    Complete: string -> ChatRequest -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>
    GenerateImage: string -> ImageRequest -> CancellationToken -> Task<Result<ImageResponse, ProviderError>>
}

/// Sending JSON to providers and mapping HTTP failures to `ProviderError` in one place.
[<RequireQualifiedAccess>]
module Http =
    let private keyLike =
        Regex(@"(sk-[A-Za-z0-9_\-\*]{6,}|AIza[0-9A-Za-z_\-]{10,}|Bearer\s+\S+)", RegexOptions.Compiled)

    /// Removes the key and anything shaped like a key from text that came back from a server.
    let redact (key: ApiKey option) (text: string) =
        let text =
            match key with
            | Some k when not (String.IsNullOrEmpty(k.Reveal())) -> text.Replace(k.Reveal(), "<redacted>")
            | _ -> text

        keyLike.Replace(text, "<redacted>")

    /// A POST request carrying a JSON body (written straight to UTF-8, `application/json; charset=utf-8`).
    let postJson (url: string) (body: JsonNode) =
        let request = new HttpRequestMessage(HttpMethod.Post, url)

        let content =
            new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json.options))

        content.Headers.ContentType <- Headers.MediaTypeHeaderValue("application/json", "utf-8")
        request.Content <- content
        request

    /// The Retry-After delay of an answer, relative to the injected clock.
    let retryAfter (now: unit -> DateTimeOffset) (response: HttpResponseMessage) =
        match response.Headers.RetryAfter with
        | null -> None
        | h when h.Delta.HasValue -> Some h.Delta.Value
        | h when h.Date.HasValue -> Some(max TimeSpan.Zero (h.Date.Value - now ()))
        | _ -> None

    /// Sends a request and reads the whole answer; transport failures become `Unavailable`, cancellation `Cancelled`.
    let send
        (http: HttpClient)
        (provider: string)
        (now: unit -> DateTimeOffset)
        (request: HttpRequestMessage)
        (ct: CancellationToken)
        : Task<Result<HttpReply, ProviderError>> =
        task {
            try
                try
                    use! response = http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct)
                    let! body = response.Content.ReadAsStringAsync ct

                    return
                        Ok {
                            Status = int response.StatusCode
                            Body = body
                            RetryAfter = retryAfter now response
                        }
                with
                | :? OperationCanceledException when ct.IsCancellationRequested -> return Error ProviderError.Cancelled
                | :? OperationCanceledException ->
                    return Error(ProviderError.Unavailable(provider, None, "the HTTP client timed out"))
                | :? HttpRequestException as e ->
                    let reason = if isNull e.Message then "connection failed" else e.Message
                    return Error(ProviderError.Unavailable(provider, None, $"connection failed: {reason}"))
                | :? IOException -> return Error(ProviderError.Unavailable(provider, None, "connection dropped"))
            finally
                request.Dispose()
        }

    /// The `error.message` of a JSON error body, else the start of the raw text.
    let errorMessage (status: int) (body: string) =
        let fromJson =
            match Json.tryParse body with
            | Ok doc ->
                use doc = doc

                Json.path [ "error"; "message" ] doc.RootElement
                |> Option.bind Json.asString
                |> Option.orElse (Json.path [ "error" ] doc.RootElement |> Option.bind Json.asString)
            | Error _ -> None

        match fromJson with
        | Some m when not (String.IsNullOrWhiteSpace m) -> m.Trim()
        | _ when String.IsNullOrWhiteSpace body -> $"HTTP {status}"
        | _ ->
            let flat = body.Trim().Replace('\n', ' ').Replace('\r', ' ')

            if flat.Length > 200 then
                flat.Substring(0, 200) + "…"
            else
                flat

    /// Parses a protobuf Duration string such as "30s" or "1.5s".
    let parseDuration (text: string) =
        let t = text.Trim()

        if t.EndsWith "s" then
            match Double.TryParse(t.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, s when s >= 0.0 -> Some(TimeSpan.FromSeconds s)
            | _ -> None
        else
            None

    /// The retry delay Google puts in `error.details[]` (type `google.rpc.RetryInfo`).
    let googleRetryDelay (body: string) =
        match Json.tryParse body with
        | Error _ -> None
        | Ok doc ->
            use doc = doc

            Json.path [ "error"; "details" ] doc.RootElement
            |> Option.map Json.items
            |> Option.defaultValue []
            |> List.tryPick (fun d ->
                match Json.prop "@type" d |> Option.bind Json.asString with
                | Some t when t.EndsWith "RetryInfo" ->
                    Json.prop "retryDelay" d
                    |> Option.bind Json.asString
                    |> Option.bind parseDuration
                | _ -> None)

    /// Maps a non-success answer: 401/403 auth, 429 rate limit, 5xx unavailable, other 4xx bad request.
    let toError (provider: string) (key: ApiKey option) (reply: HttpReply) : ProviderError =
        let message () =
            errorMessage reply.Status reply.Body |> redact key

        match reply.Status with
        | 401
        | 403 -> ProviderError.AuthFailed(provider, reply.Status)
        // Gemini answers a bad key with 400 INVALID_ARGUMENT "API key not valid" (reason API_KEY_INVALID)
        | 400 when reply.Body.Contains "API_KEY_INVALID" || reply.Body.Contains "API key not valid" ->
            ProviderError.AuthFailed(provider, reply.Status)
        | 429 -> ProviderError.RateLimited(provider, reply.RetryAfter |> Option.orElse (googleRetryDelay reply.Body))
        | 408 -> ProviderError.Unavailable(provider, Some 408, message ())
        | s when s >= 500 -> ProviderError.Unavailable(provider, Some s, message ())
        | s -> ProviderError.BadRequest(provider, s, message ())

    /// True for a 2xx status.
    let isSuccess (reply: HttpReply) =
        reply.Status >= 200 && reply.Status < 300

    /// Milliseconds elapsed since a Stopwatch timestamp.
    let elapsedMs (started: int64) =
        int64 (Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds)
