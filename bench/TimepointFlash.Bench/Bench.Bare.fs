/// The baseline of the read-path benchmark: bare Kestrel answering every request with the same bytes.
module TimepointFlash.Bench.Bare

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
