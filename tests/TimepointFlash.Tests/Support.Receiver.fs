/// A webhook receiver on loopback: answers scripted statuses in order (then 200) and records every request.
module TimepointFlash.Tests.Support.Receiver

open System
open System.Collections.Concurrent
open System.IO
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging

/// One delivery the receiver saw and what it answered.
type Received = {
    At: DateTimeOffset
    Path: string
    Headers: Map<string, string>
    Body: string
    Answered: int
}

/// A running receiver.
type Receiver(app: WebApplication, baseUrl: string, received: ConcurrentQueue<Received>) =
    /// `http://127.0.0.1:<port>`.
    member _.BaseUrl = baseUrl
    /// Every request so far, in order.
    member _.Received = received |> Seq.toList

    interface IAsyncDisposable with
        member _.DisposeAsync() =
            ValueTask(
                task {
                    do! app.StopAsync()
                    do! app.DisposeAsync()
                }
            )

/// Starts a receiver on 127.0.0.1 (port 0 = any) answering the statuses in order, then 200.
let start (port: int) (statuses: int list) : Task<Receiver> = task {
    let builder = WebApplication.CreateSlimBuilder()
    builder.Logging.ClearProviders() |> ignore
    let app = builder.Build()
    app.Urls.Add $"http://127.0.0.1:{port}"
    let script = ConcurrentQueue<int>(statuses)
    let received = ConcurrentQueue<Received>()

    app.Run(
        RequestDelegate(fun (ctx: HttpContext) ->
            task {
                use reader = new StreamReader(ctx.Request.Body)
                let! body = reader.ReadToEndAsync()

                let status =
                    lock script (fun () ->
                        match script.TryDequeue() with
                        | true, s -> s
                        | _ -> 200)

                received.Enqueue {
                    At = DateTimeOffset.UtcNow
                    Path = ctx.Request.Path.Value + ctx.Request.QueryString.Value
                    Headers =
                        ctx.Request.Headers
                        |> Seq.map (fun h -> h.Key.ToLowerInvariant(), string h.Value)
                        |> Map.ofSeq
                    Body = body
                    Answered = status
                }

                ctx.Response.StatusCode <- status
            }
            :> Task)
    )

    do! app.StartAsync()

    let address =
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses
        |> Seq.head

    return new Receiver(app, address.TrimEnd('/'), received)
}
