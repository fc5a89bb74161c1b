/// In-process fake provider servers on loopback (random port) that answer with scripted replies, after
/// validating every request body the way the real API would (Support.SpecRules): a request the real API would
/// reject gets that API's 400 and is recorded as a violation, which fails the test.
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
open TimepointFlash.Tests.Support.SpecRules

/// One scripted answer.
type Reply = {
    Status: int
    Body: string
    Headers: (string * string) list
    /// Wait before answering (a slow server).
    Delay: TimeSpan
    /// Write the body, then drop the connection (a truncated transfer).
    Abort: bool
    /// When not empty, a `text/event-stream` answer: each item one `data:` event, flushed as it is written.
    Events: string list
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
        Events = []
    }

    /// A 200 JSON answer.
    let ok body = json 200 body

    /// Adds a header.
    let withHeader name value (reply: Reply) = {
        reply with
            Headers = (name, value) :: reply.Headers
    }

    /// A 200 server-sent-events answer with these `data:` payloads, in order.
    let events (data: string list) = { json 200 "" with Events = data }

    /// Drops the connection once the body or events are written (a stream cut mid-answer).
    let cut (reply: Reply) = { reply with Abort = true }

    /// Answers only after a delay.
    let slow (delay: TimeSpan) (reply: Reply) = { reply with Delay = delay }

/// The API a fake imitates (set when a test points a provider at it) and the violations it saw.
type FakeState() =
    member val Api: Api option = None with get, set
    member val Violations = ConcurrentQueue<string>()

/// A running fake server: replies are used in order, the last one repeats.
type FakeServer(app: WebApplication, baseUrl: string, requests: ConcurrentQueue<Recorded>, state: FakeState) =
    /// `http://127.0.0.1:<port>`.
    member _.BaseUrl = baseUrl

    /// Which API's rules apply; a fake that is never told rejects every request.
    member _.Imitate(api: Api) = state.Api <- Some api

    /// Requests the real API would have rejected, with why.
    member _.Violations = state.Violations |> Seq.toList
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
    let private serve
        (script: ConcurrentQueue<Reply>)
        (last: Reply ref)
        (requests: ConcurrentQueue<Recorded>)
        (state: FakeState)
        =
        RequestDelegate(fun (ctx: HttpContext) ->
            task {
                use reader = new StreamReader(ctx.Request.Body)
                let! body = reader.ReadToEndAsync()
                let path = ctx.Request.Path.Value

                let rejected =
                    match state.Api with
                    | None -> Some(Api.OpenAi, [ $"{path}: the fake was not told which API it imitates" ])
                    | Some api ->
                        match problems api ctx.Request.Method (path + ctx.Request.QueryString.Value) body with
                        | [] -> None
                        | found -> Some(api, found)

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
                    match rejected with
                    | Some(api, found) ->
                        for f in found do
                            state.Violations.Enqueue f

                        let status, error = rejection api found
                        Reply.json status error
                    | None ->
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

                    if not reply.Events.IsEmpty then
                        ctx.Response.ContentType <- "text/event-stream"

                        for data in reply.Events do
                            do! ctx.Response.WriteAsync $"data: {data}\n\n"
                            do! ctx.Response.Body.FlushAsync()

                        if reply.Abort then
                            // let the client read what was sent before the connection goes
                            do! Task.Delay(TimeSpan.FromMilliseconds 200.0)
                            ctx.Abort()
                    elif reply.Abort then
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
        let state = FakeState()
        app.Run(serve script last requests state)
        do! app.StartAsync()

        let address =
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses
            |> Seq.head

        return new FakeServer(app, address.TrimEnd('/'), requests, state)
    }

    /// One HttpClient shared by the wire tests (as IHttpClientFactory would hand out).
    let http = new HttpClient(Timeout = TimeSpan.FromMinutes 2.0)
