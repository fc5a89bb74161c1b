namespace TimepointFlash.Interop

open System.Diagnostics
open System.Threading.Tasks
open Microsoft.Extensions.AI
open TimepointFlash

/// Uses a caller's IChatClient as the text model of the pipeline.
[<RequireQualifiedAccess>]
module internal ChatClientLlm =
    let private count (n: System.Nullable<int64>) = if n.HasValue then int n.Value else 0

    /// The text model over an IChatClient.
    let create (client: IChatClient) : Llm =
        fun call ct -> task {
            let messages = [|
                ChatMessage(ChatRole.System, call.Chat.System)
                ChatMessage(ChatRole.User, call.Chat.User)
            |]

            let options =
                ChatOptions(
                    Temperature = System.Nullable(float32 call.Chat.Temperature),
                    ResponseFormat = ChatResponseFormat.Json
                )

            call.Chat.MaxTokens
            |> Option.iter (fun m -> options.MaxOutputTokens <- System.Nullable m)

            let clock = Stopwatch.StartNew()

            try
                let! response = client.GetResponseAsync(messages, options, ct)

                let usage =
                    match response.Usage with
                    | null -> { Input = 0; Output = 0 }
                    | u -> {
                        Input = count u.InputTokenCount
                        Output = count u.OutputTokenCount
                      }

                return
                    Ok {
                        Text = response.Text
                        Model = response.ModelId |> Option.ofObj |> Option.defaultValue "chat-client"
                        Provider = "chat-client"
                        Usage = usage
                        LatencyMs = clock.ElapsedMilliseconds
                    }
            with
            | :? System.OperationCanceledException when ct.IsCancellationRequested ->
                return Error ProviderError.Cancelled
            | e -> return Error(ProviderError.Unavailable("chat-client", None, e.Message))
        }
