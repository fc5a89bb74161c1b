namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Logging
open TimepointFlash.Runtime

/// Builds the web application over running services.
[<RequireQualifiedAccess>]
module Server =
    /// Host options from the configuration.
    let options (config: Config) = {
        Host.defaults with
            RateLimit = config.RateLimit
            ReadRateLimit = config.ReadRateLimit
            Access = {
                Keys = config.ApiKeys
                ReadsRequireKey = config.ReadsRequireKey
                MetricsRequireKey = config.MetricsRequireKey
                CorsOrigins = config.CorsOrigins
            }
            ForwardedHeaders = config.ForwardedHeaders
            DataProtectionKeysDir = config.DataProtectionKeysDir
            Production = Observability.isProduction config.Environment
            RequestLog = config.RequestLog
    }

    /// The application; `hook` can adjust the builder (URLs, a test server).
    let build
        (services: Services)
        (options: ApiOptions)
        (workers: bool)
        (hook: WebApplicationBuilder -> unit)
        : WebApplication =
        // Content root = the application's folder, not the working directory: the host watches its content root
        // for configuration changes, and the working directory is where the SQLite file and its WAL are written.
        let builder =
            WebApplication.CreateBuilder(
                WebApplicationOptions(
                    ContentRootPath = AppContext.BaseDirectory,
                    // The host's environment is ours (ASPNETCORE_ENVIRONMENT > DOTNET_ENVIRONMENT > ENVIRONMENT).
                    EnvironmentName =
                        Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase services.Config.Environment
                )
            )

        builder.WebHost.ConfigureKestrel(fun k -> k.Limits.MaxRequestBodySize <- Nullable options.MaxBodyBytes)
        |> ignore

        Observability.configureLogging services.Config.Environment builder.Logging
        |> ignore

        Host.configureServices options builder.Services |> ignore
        // The MCP handlers resolve their dependencies when called, after the application is built.
        let mcp = ref None

        McpHost.addServices
            (fun () ->
                mcp.Value
                |> Option.defaultWith (fun () -> invalidOp "the MCP server is not ready"))
            builder.Services

        Observability.configureServices services.Config builder.Services |> ignore
        hook builder
        let app = builder.Build()
        let stopping = app.Lifetime.ApplicationStopping

        let cache =
            ReadCache.create
                (TimeSpan.FromSeconds(float services.Config.ReadCacheSeconds))
                (int64 services.Config.ReadCacheMegabytes * 1_048_576L)
                Diagnostics.Stopwatch.GetTimestamp

        // Another replica's change or delete reaches this cache by notice; after a reconnection (notices may
        // have been missed) everything is dropped.
        let _cacheInvalidation = services.Changes.Subscribe(ReadCache.onChange cache)

        let deps = {
            App = {
                services.App with
                    Store = ReadCache.invalidating cache services.App.Store
            }
            Interact =
                TimepointFlash.InteractionServices.create {
                    services.Interact with
                        Store = ReadCache.invalidating cache services.Interact.Store
                }
            ReadCache = cache
            Changes = services.Changes
            Engine = services.Engine.Info
            Stopping = stopping
            SceneCard = services.Engine.SceneCard
            Version = TimepointFlash.Engines.Version.current
            Environment = services.Config.Environment
            Access = options.Access
            Webhooks = services.Config.Webhooks
            Deliveries = services.Deliveries
        }

        mcp.Value <-
            Some {
                App = deps.App
                Interact = deps.Interact
                Stopping = stopping
            }

        let logger =
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger "TimepointFlash"

        logger.LogInformation(
            "Starting TimepointFlash {Version} ({Environment}): database {Database}, engine {Engine}",
            TimepointFlash.Engines.Version.current,
            services.Config.Environment,
            TimepointFlash.Persistence.DbConfig.describe services.Config.Database,
            services.Engine.Info.Name
        )

        if services.Engine.Info.IsOffline then
            logger.LogWarning(
                "No provider key is configured: the offline engine answers every request (set GOOGLE_API_KEY, OPENROUTER_API_KEY or OPENAI_API_KEY to use a model)."
            )

        if workers then
            app.Lifetime.ApplicationStarted.Register(fun () ->
                services.RunWorkers stopping
                |> fun t ->
                    t.ContinueWith(
                        (fun (t: Task) ->
                            if t.IsFaulted then
                                logger.LogError(t.Exception, "Job workers stopped")),
                        TaskContinuationOptions.OnlyOnFaulted
                    )
                |> ignore)
            |> ignore

        app.Lifetime.ApplicationStopped.Register(fun () -> services.Dispose()) |> ignore
        Host.configureApp deps options app |> Observability.mapEndpoints
