namespace TimepointFlash.Interop

open System
open Microsoft.Extensions.AI
open TimepointFlash
open TimepointFlash.Engines

/// Uses a caller's IChatClient as the text model of the pipeline.
[<RequireQualifiedAccess>]
module internal ChatClientLlm =
    /// The provider name reported for a caller's chat client.
    let name = "chat-client"

    /// The text model over an IChatClient: the schema goes out as a JSON response format, and any exception
    /// the client throws (other than cancellation of the caller's token) becomes a provider error.
    let create (client: IChatClient) : Llm =
        let backend = ChatClientBackend.ofChatClient name client

        fun call ct -> task {
            try
                return! backend.Complete call.Chat ct
            with
            | :? OperationCanceledException when ct.IsCancellationRequested -> return Error ProviderError.Cancelled
            | e -> return Error(ProviderError.Unavailable(name, None, Http.redact None e.Message))
        }
