namespace TimepointFlash.Engines

open System
open System.Net.Http
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Microsoft.Extensions.AI
open TimepointFlash

/// Adapts any Microsoft.Extensions.AI `IChatClient` (a C# caller's own client) to a `Backend`.
[<RequireQualifiedAccess>]
module ChatClientBackend =
    /// The key of the additional chat option that names the pipeline step asking (e.g. "judge").
    let stepKey = "timepoint_step"

    /// The chat options for a request: temperature, max tokens, the step's name, and the schema as a JSON-schema
    /// response format.
    let options (request: ChatRequest) =
        let o = ChatOptions(Temperature = Nullable(float32 request.Temperature))
        o.AdditionalProperties <- AdditionalPropertiesDictionary()
        o.AdditionalProperties[stepKey] <- request.Step

        match request.MaxTokens with
        | Some n -> o.MaxOutputTokens <- Nullable n
        | None -> ()

        match request.Schema with
        | Some schema ->
            use doc = JsonDocument.Parse(Json.write (SchemaWire.toJsonSchema schema))

            o.ResponseFormat <-
                ChatResponseFormat.ForJsonSchema(doc.RootElement.Clone(), SchemaWire.schemaName request.Step, null)
        | None -> ()

        o

    let private fromException name (ct: CancellationToken) (e: exn) =
        match e with
        | :? OperationCanceledException when ct.IsCancellationRequested -> ProviderError.Cancelled
        | :? HttpRequestException as h when h.StatusCode.HasValue ->
            let status = int h.StatusCode.Value

            Http.toError name None {
                Status = status
                Body = ""
                RetryAfter = None
            }
        | :? TimeoutException -> ProviderError.Unavailable(name, None, "the chat client timed out")
        | _ -> ProviderError.Unavailable(name, None, Http.redact None e.Message)

    /// Failures a chat client is expected to raise; anything else is a bug and propagates.
    let private expected (e: exn) =
        match e with
        | :? OperationCanceledException
        | :? HttpRequestException
        | :? TimeoutException
        | :? System.IO.IOException -> true
        | _ -> false

    /// A backend named `name` over the client (a `ContentFilter` finish is `Blocked`, `Length` is `Truncated`);
    /// images are not part of `IChatClient` and answer BadRequest 501.
    let ofChatClient (name: string) (client: IChatClient) : Backend =
        let complete (request: ChatRequest) (ct: CancellationToken) = task {
            let messages = [
                if not (String.IsNullOrWhiteSpace request.System) then
                    ChatMessage(ChatRole.System, request.System)
                ChatMessage(ChatRole.User, request.User)
            ]

            let started = Diagnostics.Stopwatch.GetTimestamp()

            try
                let! response = client.GetResponseAsync(messages, options request, ct)
                let text = response.Text
                let finish = response.FinishReason

                if finish.HasValue && finish.Value = ChatFinishReason.ContentFilter then
                    return Error(ProviderError.Blocked(name, BlockReason.ContentFilter, "content_filter"))
                elif finish.HasValue && finish.Value = ChatFinishReason.Length then
                    return Error(ProviderError.Truncated(name, request.MaxTokens))
                elif String.IsNullOrWhiteSpace text then
                    return Error(ProviderError.BadResponse(name, "no text in the answer"))
                else
                    let count (v: Nullable<int64>) = if v.HasValue then int v.Value else 0
                    let usage = response.Usage

                    return
                        Ok {
                            Text = text
                            Model = if isNull response.ModelId then name else response.ModelId
                            Provider = name
                            Usage =
                                if isNull usage then
                                    { Input = 0; Output = 0 }
                                else
                                    {
                                        Input = count usage.InputTokenCount
                                        Output = count usage.OutputTokenCount
                                    }
                            LatencyMs = Http.elapsedMs started
                            Search = None
                        }
            with e when expected e ->
                return Error(fromException name ct e)
        }

        {
            Name = name
            Complete = complete
            GenerateImage =
                fun _ _ ->
                    Task.FromResult(
                        Error(ProviderError.BadRequest(name, 501, "this chat client cannot generate images"))
                    )
        }
