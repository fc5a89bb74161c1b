/// In-process fake provider servers on loopback (random port) that answer with scripted replies.
module TimepointFlash.Tests.Support.FakeServers

open System
open System.Collections.Concurrent
open System.IO
open System.Net.Http
open System.Text.Json
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging

/// One scripted answer.
type Reply = {
    Status: int
    Body: string
    Headers: (string * string) list
    /// Wait before answering (a slow server).
    Delay: TimeSpan
    /// Write the body, then drop the connection (a truncated transfer).
    Abort: bool
}

/// One request the fake received.
type Recorded = {
    Method: string
    Path: string
    Headers: Map<string, string>
    Body: string
}

[<RequireQualifiedAccess>]
module Reply =
    /// A JSON answer with a status.
    let json status body = {
        Status = status
        Body = body
        Headers = []
        Delay = TimeSpan.Zero
        Abort = false
    }

    /// A 200 JSON answer.
    let ok body = json 200 body

    /// Adds a header.
    let withHeader name value (reply: Reply) = {
        reply with
            Headers = (name, value) :: reply.Headers
    }

    /// Answers only after a delay.
    let slow (delay: TimeSpan) (reply: Reply) = { reply with Delay = delay }

/// A running fake server: replies are used in order, the last one repeats.
type FakeServer(app: WebApplication, baseUrl: string, requests: ConcurrentQueue<Recorded>) =
    /// `http://127.0.0.1:<port>`.
    member _.BaseUrl = baseUrl
    /// Every request received so far, in order.
    member _.Requests = requests |> Seq.toList

    /// The JSON body of the n-th request.
    member _.JsonBody(n: int) =
        JsonDocument.Parse((requests |> Seq.item n).Body).RootElement

    interface IAsyncDisposable with
        member _.DisposeAsync() =
            ValueTask(
                task {
                    do! app.StopAsync()
                    do! app.DisposeAsync()
                }
            )

[<RequireQualifiedAccess>]
module FakeServer =
    let private serve (script: ConcurrentQueue<Reply>) (last: Reply ref) (requests: ConcurrentQueue<Recorded>) =
        RequestDelegate(fun (ctx: HttpContext) ->
            task {
                use reader = new StreamReader(ctx.Request.Body)
                let! body = reader.ReadToEndAsync()

                requests.Enqueue {
                    Method = ctx.Request.Method
                    Path = ctx.Request.Path.Value + ctx.Request.QueryString.Value
                    Headers =
                        ctx.Request.Headers
                        |> Seq.map (fun h -> h.Key.ToLowerInvariant(), string h.Value)
                        |> Map.ofSeq
                    Body = body
                }

                let reply =
                    lock last (fun () ->
                        match script.TryDequeue() with
                        | true, r ->
                            last.Value <- r
                            r
                        | false, _ -> last.Value)

                if reply.Delay > TimeSpan.Zero then
                    try
                        do! Task.Delay(reply.Delay, ctx.RequestAborted)
                    with :? OperationCanceledException ->
                        ()

                if not ctx.RequestAborted.IsCancellationRequested then
                    ctx.Response.StatusCode <- reply.Status
                    ctx.Response.ContentType <- "application/json"

                    for name, value in reply.Headers do
                        ctx.Response.Headers[name] <- Microsoft.Extensions.Primitives.StringValues value

                    if reply.Abort then
                        ctx.Response.ContentLength <- int64 (reply.Body.Length + 1000)
                        do! ctx.Response.WriteAsync reply.Body
                        do! ctx.Response.Body.FlushAsync()
                        ctx.Abort()
                    else
                        do! ctx.Response.WriteAsync reply.Body
            }
            :> Task)

    /// Starts a fake on 127.0.0.1 with a random port.
    let start (replies: Reply list) : Task<FakeServer> = task {
        let builder = WebApplication.CreateSlimBuilder()
        builder.Logging.ClearProviders() |> ignore
        let app = builder.Build()
        app.Urls.Add "http://127.0.0.1:0"
        let script = ConcurrentQueue<Reply>(replies)

        let last =
            ref (Reply.json 500 """{"error":{"message":"the fake server has no scripted reply"}}""")

        let requests = ConcurrentQueue<Recorded>()
        app.Run(serve script last requests)
        do! app.StartAsync()

        let address =
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses
            |> Seq.head

        return new FakeServer(app, address.TrimEnd('/'), requests)
    }

    /// One HttpClient shared by the wire tests (as IHttpClientFactory would hand out).
    let http = new HttpClient(Timeout = TimeSpan.FromMinutes 2.0)

/// Documented Gemini response shapes (SEED-SPEC §2.5).
[<RequireQualifiedAccess>]
module GeminiShapes =
    let private q (s: string) = JsonSerializer.Serialize s

    /// A candidate whose parts are the given JSON parts.
    let candidate (parts: string list) (finishReason: string) =
        let parts = String.Join(",", parts)

        """{"candidates":[{"content":{"role":"model","parts":["""
        + parts
        + """]},"finishReason":"""
        + q finishReason
        + ""","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":34,"totalTokenCount":46},"modelVersion":"gemini-2.5-flash"}"""

    /// A text part.
    let textPart (text: string) = """{"text":""" + q text + "}"

    /// A thought part (must not reach the answer text).
    let thoughtPart (text: string) =
        """{"text":""" + q text + ""","thought":true}"""

    /// An inline image part.
    let imagePart (mime: string) (bytes: byte[]) =
        """{"inlineData":{"mimeType":"""
        + q mime
        + ""","data":"""
        + q (Convert.ToBase64String bytes)
        + "}}"

    /// A plain text answer.
    let text (t: string) = candidate [ textPart t ] "STOP"

    /// No candidates, prompt blocked.
    let blocked =
        """{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}"""

    /// An error body.
    let error (code: int) (status: string) (message: string) =
        """{"error":{"code":"""
        + string code
        + ""","message":"""
        + q message
        + ""","status":"""
        + q status
        + "}}"

    /// A 429 body carrying RetryInfo.
    let rateLimited (retryDelay: string) =
        """{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"""
        + q retryDelay
        + "}]}}"

    /// An Imagen predict answer.
    let imagen (bytes: byte[]) =
        """{"predictions":[{"bytesBase64Encoded":"""
        + q (Convert.ToBase64String bytes)
        + ""","mimeType":"image/png"}]}"""

/// Documented OpenAI-compatible (OpenRouter) response shapes (SEED-SPEC §2.5).
[<RequireQualifiedAccess>]
module OpenAiShapes =
    let private q (s: string) = JsonSerializer.Serialize s

    /// A completion whose message has the given JSON fields.
    let withMessage (messageFields: string) =
        """{"id":"gen-1","object":"chat.completion","model":"google/gemini-2.5-flash","choices":[{"index":0,"message":{"role":"assistant","""
        + messageFields
        + """},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":43,"total_tokens":64}}"""

    /// A plain text answer.
    let text (t: string) = withMessage $"\"content\":{q t}"

    /// No choices.
    let noChoices =
        """{"id":"gen-2","model":"google/gemini-2.5-flash","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}}"""

    /// An error body.
    let error (code: int) (message: string) =
        """{"error":{"code":""" + string code + ""","message":""" + q message + "}}"

    /// A data URL for bytes.
    let dataUrl (mime: string) (bytes: byte[]) =
        $"data:{mime};base64,{Convert.ToBase64String bytes}"

    /// A models list with one priced entry.
    let models =
        """{"data":[{"id":"google/gemini-2.5-flash","name":"Google: Gemini 2.5 Flash","context_length":1048576,"pricing":{"prompt":"0.0000003","completion":"0.0000025"},"architecture":{"modality":"text+image->text","input_modalities":["text","image"],"output_modalities":["text"]}},{"id":"bare/model"}]}"""
