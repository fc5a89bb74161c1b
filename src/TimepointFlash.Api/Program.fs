module TimepointFlash.Api.Program

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open TimepointFlash.Runtime

/// Starts the server on HOST:PORT (127.0.0.1:8000 by default); returns the exit code.
let run (port: int option) =
    match Config.read (Runtime.environment ()) with
    | Error e ->
        eprintfn "tpflash: %s" (ConfigError.describe e)
        2
    | Ok config ->
        // Runtime lines (provider and worker events) go through the same console format as the host's logs.
        use loggerFactory =
            LoggerFactory.Create(fun b -> Observability.configureLogging config.Environment b |> ignore)

        // Until the host exists, runtime lines use a start-up logger; then the host's, whose scopes carry request ids.
        let mutable runtimeLog = loggerFactory.CreateLogger "TimepointFlash.Runtime"

        let started =
            Runtime.startWith config None (fun line -> runtimeLog.LogInformation("{Event}", line)) (fun _ ->
                Task.CompletedTask)
            |> fun t -> t.GetAwaiter().GetResult()

        match started with
        | Error e ->
            eprintfn "tpflash: %s" (Runtime.describe e)
            2
        | Ok services ->
            let host =
                Environment.GetEnvironmentVariable "HOST"
                |> Option.ofObj
                |> Option.bind TimepointFlash.String.nonBlank
                |> Option.defaultValue "127.0.0.1"

            let port = port |> Option.defaultValue services.Config.Port

            let app =
                Server.build services (Server.options services.Config) true (fun b ->
                    b.WebHost.UseUrls($"http://{host}:{port}") |> ignore)

            runtimeLog <- app.Services.GetRequiredService<ILoggerFactory>().CreateLogger "TimepointFlash.Runtime"
            app.Run()
            0

[<EntryPoint>]
let main _ = run None
