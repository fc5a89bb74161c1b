module TimepointFlash.Api.Program

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Logging
open TimepointFlash.Runtime

/// Starts the server where `--urls`, ASPNETCORE_URLS, URLS or HOST:PORT say (127.0.0.1:8000 by default; `port`
/// from `tpflash serve --port` replaces PORT); returns the exit code (1 when the address cannot be bound).
let run (args: string list) (port: int option) =
    let environmentVars = Runtime.environment ()

    // `--environment` on the command line wins over ASPNETCORE_ENVIRONMENT, DOTNET_ENVIRONMENT and ENVIRONMENT.
    let lookup =
        match Listen.argument "environment" args with
        | Some env ->
            fun k ->
                if k = "ASPNETCORE_ENVIRONMENT" then
                    Some env
                else
                    environmentVars k
        | None -> environmentVars

    match Config.read lookup with
    | Error e ->
        eprintfn "tpflash: %s" (ConfigError.describe e)
        2
    | Ok config ->
        let host =
            lookup "HOST"
            |> Option.bind TimepointFlash.String.nonBlank
            |> Option.defaultValue "127.0.0.1"

        match Listen.urls args lookup host (port |> Option.defaultValue config.Port) with
        | Error e ->
            eprintfn "tpflash: %s" e
            2
        | Ok(urls, _) ->
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
                let app =
                    Server.build services (Server.options services.Config) true (fun b ->
                        // A bind failure is reported below in one line, not as the host's stack trace.
                        b.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
                        |> ignore

                        b.WebHost.UseUrls(Array.ofList urls) |> ignore)

                let logger =
                    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger "TimepointFlash"

                runtimeLog <- app.Services.GetRequiredService<ILoggerFactory>().CreateLogger "TimepointFlash.Runtime"

                let failure =
                    try
                        app.StartAsync().GetAwaiter().GetResult()
                        None
                    with e ->
                        match Listen.bindFailure e with
                        | Some reason -> Some reason
                        | None -> reraise ()

                match failure with
                | Some reason ->
                    eprintfn "tpflash: cannot listen on %s: %s" (String.concat ", " urls) reason
                    services.Dispose()
                    1
                | None ->
                    let addresses =
                        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses

                    logger.LogInformation("Listening on {Addresses}", String.concat ", " addresses)

                    // In the background: the server answers while OpenRouter's model list is read.
                    Runtime.checkModelIds services.Config (fun line -> logger.LogWarning("{Event}", line))
                    |> ignore

                    app.WaitForShutdown()
                    0

[<EntryPoint>]
let main argv = run (List.ofArray argv) None
