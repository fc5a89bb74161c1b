/// The baseline of the read-path benchmark: bare Kestrel answering every request with the same bytes.
module TimepointFlash.Bench.Bare

open System.Collections.Generic
open System.IO
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.Logging

/// Serves the file's bytes as application/json on 127.0.0.1:port until the process is stopped.
let serve (port: int) (file: string) =
    let bytes = File.ReadAllBytes file
    let builder = WebApplication.CreateSlimBuilder()
    builder.Logging.ClearProviders() |> ignore
    let app = builder.Build()
    app.Urls.Add $"http://127.0.0.1:{port}"

    app.Run(fun (ctx: HttpContext) ->
        ctx.Response.ContentType <- "application/json; charset=utf-8"
        ctx.Response.ContentLength <- int64 bytes.Length
        ctx.Response.Body.WriteAsync(bytes, 0, bytes.Length))

    app.Run()
    0

/// Serves, for each file of the folder, its bytes at `prefix` + the file's name (404 for any other path).
let serveFolder (port: int) (folder: string) (prefix: string) =
    let bodies = Dictionary<string, byte[]>()

    for f in Directory.GetFiles folder do
        bodies[prefix + Path.GetFileName f] <- File.ReadAllBytes f

    let builder = WebApplication.CreateSlimBuilder()
    builder.Logging.ClearProviders() |> ignore
    let app = builder.Build()
    app.Urls.Add $"http://127.0.0.1:{port}"

    app.Run(fun (ctx: HttpContext) ->
        match bodies.TryGetValue(ctx.Request.Path.Value) with
        | true, bytes ->
            ctx.Response.ContentType <- "application/json; charset=utf-8"
            ctx.Response.ContentLength <- int64 bytes.Length
            ctx.Response.Body.WriteAsync(bytes, 0, bytes.Length)
        | _ ->
            ctx.Response.StatusCode <- 404
            System.Threading.Tasks.Task.CompletedTask)

    app.Run()
    0
