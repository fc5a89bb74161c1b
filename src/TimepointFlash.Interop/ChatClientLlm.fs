namespace TimepointFlash.Interop

open System
open System.Collections.Generic
open System.Runtime.ExceptionServices
open System.Threading
open System.Threading.Tasks
open Microsoft.Extensions.AI
open TimepointFlash
open TimepointFlash.Engines

/// The caller's chat client, recording each exception it throws (but cancellation) against the current run
/// before passing it on, so the run's ProviderException can carry it as InnerException.
type internal RecordingChatClient(inner: IChatClient) =
    inherit DelegatingChatClient(inner)

    override _.GetResponseAsync
        (messages: IEnumerable<ChatMessage>, options: ChatOptions | null, cancellationToken: CancellationToken)
        : Task<Microsoft.Extensions.AI.ChatResponse> =
        task {
            try
                return! inner.GetResponseAsync(messages, options, cancellationToken)
            with
            | :? OperationCanceledException as e ->
                ExceptionDispatchInfo.Throw e
                return Unchecked.defaultof<_>
            | e ->
                let step =
                    match options with
                    | null -> ""
                    | o ->
                        match o.AdditionalProperties with
                        | null -> ""
                        | props ->
                            match props.TryGetValue ChatClientBackend.stepKey with
                            | true, (:? string as s) -> s
                            | _ -> ""

                Causes.threw step e
                ExceptionDispatchInfo.Throw e
                return Unchecked.defaultof<_>
        }

/// Uses a caller's IChatClient as the text model of the pipeline.
[<RequireQualifiedAccess>]
module internal ChatClientLlm =
    /// The provider name reported for a caller's chat client.
    let name = "chat-client"

    /// The text model over an IChatClient: the schema goes out as a JSON response format, and any exception
    /// the client throws (other than cancellation of the caller's token) becomes a provider error.
    let create (client: IChatClient) : Llm =
        let backend = ChatClientBackend.ofChatClient name (new RecordingChatClient(client))

        fun call ct -> task {
            try
                return! backend.Complete call.Chat ct
            with
            | :? OperationCanceledException when ct.IsCancellationRequested -> return Error ProviderError.Cancelled
            | e -> return Error(ProviderError.Unavailable(name, None, Http.redact None e.Message))
        }
