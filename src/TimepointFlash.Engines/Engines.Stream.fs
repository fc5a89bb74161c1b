namespace TimepointFlash.Engines

open System
open System.IO
open System.Net.Http
open System.Text
open System.Threading
open System.Threading.Tasks
open TimepointFlash

/// One parsed event of a streamed chat answer.
type StreamChunk = {
    /// Answer text in this event (may be empty).
    Text: string
    Model: string option
    Usage: TokenUsage option
    /// The event carried the answer's finish reason (a normal end).
    Finished: bool
}

/// A chat call that reports its text as it comes (each chunk once, in order), then the whole answer.
type StreamChat = ChatRequest -> (string -> Task) -> CancellationToken -> Task<Result<ChatResponse, ProviderError>>

/// Server-sent events read line by line from a response stream.
[<RequireQualifiedAccess>]
module Sse =
    /// The data of the next event (several `data:` lines joined by a newline), or None at the end of the stream;
    /// comments and other fields are skipped.
    let next (reader: StreamReader) (ct: CancellationToken) : Task<string option> = task {
        let data = StringBuilder()
        let mutable any = false
        let mutable finished = false

        while not finished do
            let! line = reader.ReadLineAsync ct

            if isNull line then
                finished <- true
            elif line.Length = 0 then
                finished <- any
            elif line.StartsWith "data:" then
                let value = line.Substring 5
                let value = if value.StartsWith " " then value.Substring 1 else value

                if any then
                    data.Append '\n' |> ignore

                data.Append value |> ignore
                any <- true

        return if any then Some(data.ToString()) else None
    }

/// Runs one streamed chat exchange over SSE, parsing each event as it arrives.
[<RequireQualifiedAccess>]
module ChatStream =
    /// The OpenAI end-of-stream marker.
    let doneMarker = "[DONE]"

    /// Sends `request` and reads its event stream: a non-2xx answer goes through `toError`; each event through
    /// `parse`, its text to `onText` at once. A stream that ends before a finish reason or `[DONE]` was cut.
    let run
        (http: HttpClient)
        (provider: string)
        (now: unit -> DateTimeOffset)
        (toError: HttpReply -> ProviderError)
        (limit: int option)
        (parse: string -> Result<StreamChunk, WireFailure>)
        (model: string)
        (request: HttpRequestMessage)
        (onText: string -> Task)
        (ct: CancellationToken)
        : Task<Result<ChatResponse, ProviderError>> =
        task {
            let started = Diagnostics.Stopwatch.GetTimestamp()
            let text = StringBuilder()

            try
                try
                    use! response = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct)

                    if not response.IsSuccessStatusCode then
                        let! body = response.Content.ReadAsStringAsync ct

                        return
                            Error(
                                toError {
                                    Status = int response.StatusCode
                                    Body = body
                                    RetryAfter = Http.retryAfter now response
                                }
                            )
                    else
                        use! body = response.Content.ReadAsStreamAsync ct
                        use reader = new StreamReader(body, Encoding.UTF8)
                        let mutable outcome = None
                        let mutable served = None
                        let mutable usage = None
                        let mutable finished = false

                        while outcome.IsNone do
                            match! Sse.next reader ct with
                            | None ->
                                outcome <-
                                    Some(
                                        if finished then
                                            Ok()
                                        else
                                            Error(ProviderError.Unavailable(provider, None, "the stream ended early"))
                                    )
                            | Some data when data.Trim() = doneMarker -> outcome <- Some(Ok())
                            | Some data ->
                                match parse data with
                                | Error failure -> outcome <- Some(Error(WireFailure.toError provider limit failure))
                                | Ok chunk ->
                                    if chunk.Text.Length > 0 then
                                        text.Append chunk.Text |> ignore
                                        do! onText chunk.Text

                                    served <- chunk.Model |> Option.orElse served
                                    usage <- chunk.Usage |> Option.orElse usage
                                    finished <- finished || chunk.Finished

                        match outcome with
                        | Some(Error e) -> return Error e
                        | _ when text.Length = 0 ->
                            return Error(ProviderError.BadResponse(provider, "no text in the answer"))
                        | _ ->
                            return
                                Ok {
                                    Text = text.ToString()
                                    Model = defaultArg served model
                                    Provider = provider
                                    Usage = defaultArg usage { Input = 0; Output = 0 }
                                    LatencyMs = Http.elapsedMs started
                                    Search = None
                                }
                with
                | :? OperationCanceledException when ct.IsCancellationRequested -> return Error ProviderError.Cancelled
                | :? OperationCanceledException ->
                    return Error(ProviderError.Unavailable(provider, None, "the HTTP client timed out"))
                | :? HttpRequestException
                | :? IOException -> return Error(ProviderError.Unavailable(provider, None, "connection dropped"))
            finally
                request.Dispose()
        }
