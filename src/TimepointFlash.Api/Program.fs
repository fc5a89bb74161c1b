module TimepointFlash.Api.Program

open System
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open TimepointFlash.Engines

/// Builds the web application.
let build (args: string array) =
    let builder = WebApplication.CreateBuilder(args)
    let app = builder.Build()

    app.MapGet(
        "/health",
        Func<IResult>(fun () ->
            Results.Json(
                {|
                    status = "healthy"
                    version = Version.current
                |}
            ))
    )
    |> ignore

    app

[<EntryPoint>]
let main args =
    let port =
        Environment.GetEnvironmentVariable "PORT"
        |> Option.ofObj
        |> Option.defaultValue "8000"

    let app = build args
    app.Urls.Add($"http://127.0.0.1:{port}")
    app.Run()
    0
