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

    let private post settings http now (body: JsonNode) ct =
        let request =
            Http.postJson (url settings "chat/completions") body |> decorate settings

        Http.send http (ProviderId.name settings.Id) now request ct

    let private exchange (settings: ProviderSettings) http now body (parse: string -> Result<'a, string>) ct = task {
        let name = ProviderId.name settings.Id

        if not settings.Configured then
            return Error(ProviderError.MissingKey name)
        else
            let started = Diagnostics.Stopwatch.GetTimestamp()

            match! post settings http now body ct with
            | Error e -> return Error e
            | Ok reply when not (Http.isSuccess reply) -> return Error(Http.toError name settings.Key reply)
            | Ok reply ->
                return
                    parse reply.Body
                    |> Result.map (fun parsed -> parsed, Http.elapsedMs started)
                    |> Result.mapError (fun m -> ProviderError.BadResponse(name, m))
    }

    let private isSchemaRejection =
        function
        | ProviderError.BadRequest(_, (400 | 422), _) -> true
        | _ -> false

    /// One provider's calls. A server that rejects `json_schema` with 400/422 is asked again with
    /// `json_object`; when that works it is remembered per model, so later calls go straight to `json_object`.
    let calls (settings: ProviderSettings) (http: HttpClient) (now: unit -> DateTimeOffset) : ProviderCalls =
        let name = ProviderId.name settings.Id
        let jsonObjectOnly = ConcurrentDictionary<string, bool>()

        let chat model (request: ChatRequest) mode ct =
            let body =
                OpenAiWire.chatBody (OpenAiWire.tokensField settings.BaseUrl) model mode request

            exchange settings http now body OpenAiWire.parseChat ct

        let complete model (request: ChatRequest) (ct: CancellationToken) = task {
            let firstMode =
                if jsonObjectOnly.ContainsKey model then
                    StructuredMode.JsonObject
                else
                    StructuredMode.JsonSchema

            let! first = chat model request firstMode ct

            let! result =
                match first with
                | Error e when
                    request.Schema.IsSome
                    && firstMode = StructuredMode.JsonSchema
                    && isSchemaRejection e
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
                |> Result.map (fun ((text, served, usage), ms) -> {
                    Text = text
                    Model = defaultArg served model
                    Provider = name
                    Usage = usage
                    LatencyMs = ms
                })
        }

        let generateImage model (request: ImageRequest) (ct: CancellationToken) = task {
            let openRouter =
                settings.Id = ProviderId.OpenRouter || isOpenRouter settings.BaseUrl

            let body = OpenAiWire.imageBody openRouter model request
            let! result = exchange settings http now body OpenAiWire.parseImage ct

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

        {
            Id = settings.Id
            Complete = complete
            GenerateImage = generateImage
        }

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
                | Ok reply when not (Http.isSuccess reply) -> return Error(Http.toError name settings.Key reply)
                | Ok reply ->
                    return
                        OpenAiWire.parseModels reply.Body
                        |> Result.mapError (fun m -> ProviderError.BadResponse(name, m))
        }
