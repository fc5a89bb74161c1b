namespace TimepointFlash.Engines

open System
open System.Collections.Concurrent
open System.Net.Http
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// OpenAI-compatible chat completions over HTTP: OpenRouter, OpenAI, Ollama, vLLM, LM Studio.
[<RequireQualifiedAccess>]
module OpenAi =
    /// True when the base URL is OpenRouter's (which asks for HTTP-Referer / X-Title).
    let isOpenRouter (baseUrl: Uri) =
        baseUrl.Host.Equals("openrouter.ai", StringComparison.OrdinalIgnoreCase)
        || baseUrl.Host.EndsWith(".openrouter.ai", StringComparison.OrdinalIgnoreCase)

    let private url (settings: ProviderSettings) (path: string) =
        $"{settings.BaseUrl.AbsoluteUri.TrimEnd('/')}/{path}"

    let private decorate (settings: ProviderSettings) (request: HttpRequestMessage) =
        match settings.Key with
        | Some k ->
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {k.Reveal()}")
            |> ignore
        | None -> ()

        if settings.Id = ProviderId.OpenRouter || isOpenRouter settings.BaseUrl then
            request.Headers.TryAddWithoutValidation("HTTP-Referer", "https://timepoint.ai")
            |> ignore

            request.Headers.TryAddWithoutValidation("X-Title", "TimepointFlash") |> ignore

        request

    /// The documented API variant a provider speaks.
    let dialect (settings: ProviderSettings) =
        if settings.Id = ProviderId.OpenRouter || isOpenRouter settings.BaseUrl then
            Dialect.OpenRouter
        else
            Dialect.OpenAi

    let private toError (settings: ProviderSettings) (reply: HttpReply) =
        let name = ProviderId.name settings.Id
        let message = Http.errorMessage reply.Status reply.Body |> Http.redact settings.Key

        OpenAiWire.classifyError name reply.Status reply.Body message
        |> Option.defaultWith (fun () -> Http.toError name settings.Key reply)

    /// One POST and its answer; a failed HTTP answer travels beside its error for the caller to read.
    let private exchange
        (settings: ProviderSettings)
        http
        now
        (path: string)
        body
        (limit: int option)
        (parse: string -> Result<'a, WireFailure>)
        ct
        =
        task {
            let name = ProviderId.name settings.Id

            if not settings.Configured then
                return Error(ProviderError.MissingKey name, None)
            else
                let started = Diagnostics.Stopwatch.GetTimestamp()
                let request = Http.postJson (url settings path) body |> decorate settings

                match! Http.send http name now request ct with
                | Error e -> return Error(e, None)
                | Ok reply when not (Http.isSuccess reply) -> return Error(toError settings reply, Some reply)
                | Ok reply ->
                    return
                        parse reply.Body
                        |> Result.map (fun parsed -> parsed, Http.elapsedMs started)
                        |> Result.mapError (fun f -> WireFailure.toError name limit f, None)
        }

    /// One provider's calls. Chat parameters follow the model family; `json_schema` is strict, and only a
    /// 400/422 naming `response_format` is asked again with `json_object` (remembered per model once it works).
    /// Images: the Images API on OpenAI, chat + `modalities` on OpenRouter.
    let calls (settings: ProviderSettings) (http: HttpClient) (now: unit -> DateTimeOffset) : ProviderCalls =
        let name = ProviderId.name settings.Id
        let dialect = dialect settings
        let jsonObjectOnly = ConcurrentDictionary<string, bool>()

        let chat model (request: ChatRequest) mode ct =
            let family = ModelFamily.forProvider settings.Reasoning model

            let body = OpenAiWire.chatBody dialect family settings.Thinking model mode request

            exchange settings http now "chat/completions" body request.MaxTokens OpenAiWire.parseSearchedChat ct

        let complete model (request: ChatRequest) (ct: CancellationToken) = task {
            let firstMode =
                if jsonObjectOnly.ContainsKey model then
                    StructuredMode.JsonObject
                else
                    StructuredMode.JsonSchema

            let! first = chat model request firstMode ct

            let! result =
                match first with
                | Error(_, Some reply) when
                    request.Schema.IsSome
                    && firstMode = StructuredMode.JsonSchema
                    && OpenAiWire.rejectsResponseFormat reply.Status reply.Body
                      ->
                      task {
                          let! second = chat model request StructuredMode.JsonObject ct

                          // remembered only when json_object worked, so an unrelated 400 changes nothing
                          if Result.isOk second then
                              jsonObjectOnly[model] <- true

                          return second
                      }
                | other -> Task.FromResult other

            return
                result
                |> Result.mapError fst
                |> Result.map (fun (((text, served, usage), evidence), ms) -> {
                    Text = text
                    Model = defaultArg served model
                    Provider = name
                    Usage = usage
                    LatencyMs = ms
                    Search = evidence
                })
        }

        let generateImage model (request: ImageRequest) (ct: CancellationToken) = task {
            let! result =
                match dialect with
                | Dialect.OpenRouter ->
                    exchange
                        settings
                        http
                        now
                        "chat/completions"
                        (OpenAiImages.imageBody model request)
                        None
                        OpenAiImages.parseImage
                        ct
                | Dialect.OpenAi ->
                    exchange
                        settings
                        http
                        now
                        "images/generations"
                        (OpenAiImages.imagesApiBody model request)
                        None
                        OpenAiImages.parseImagesApi
                        ct

            return
                result
                |> Result.mapError fst
                |> Result.map (fun ((bytes, mime), ms) -> {
                    Bytes = bytes
                    MimeType = mime
                    Model = model
                    Provider = name
                    LatencyMs = ms
                })
        }

        {
            Id = settings.Id
            Complete = complete
            GenerateImage = generateImage
        }

    /// Streams a chat answer with `stream: true` on `/chat/completions` (structured requests use `json_schema`).
    let stream
        (settings: ProviderSettings)
        (http: HttpClient)
        (now: unit -> DateTimeOffset)
        (model: string)
        : StreamChat =
        fun request onText ct ->
            let name = ProviderId.name settings.Id

            if not settings.Configured then
                Task.FromResult(Error(ProviderError.MissingKey name))
            else
                let family = ModelFamily.forProvider settings.Reasoning model

                let body =
                    OpenAiWire.chatBody
                        (dialect settings)
                        family
                        settings.Thinking
                        model
                        StructuredMode.JsonSchema
                        request

                body["stream"] <- JsonValue.Create true

                let message =
                    Http.postJson (url settings "chat/completions") body |> decorate settings

                ChatStream.run
                    http
                    name
                    now
                    (toError settings)
                    request.MaxTokens
                    OpenAiWire.parseChunk
                    model
                    message
                    onText
                    ct

    /// GET `{base}/models`: the provider's model list (OpenRouter: id, name, context, pricing, modalities).
    let listModels
        (settings: ProviderSettings)
        (http: HttpClient)
        (now: unit -> DateTimeOffset)
        (ct: CancellationToken)
        : Task<Result<RemoteModel list, ProviderError>> =
        task {
            let name = ProviderId.name settings.Id

            if not settings.Configured then
                return Error(ProviderError.MissingKey name)
            else
                let request =
                    new HttpRequestMessage(HttpMethod.Get, url settings "models")
                    |> decorate settings

                match! Http.send http name now request ct with
                | Error e -> return Error e
                | Ok reply when not (Http.isSuccess reply) -> return Error(toError settings reply)
                | Ok reply ->
                    return
                        OpenAiWire.parseModels reply.Body
                        |> Result.mapError (fun m -> ProviderError.BadResponse(name, m))
        }
