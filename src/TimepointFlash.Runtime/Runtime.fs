namespace TimepointFlash.Runtime

open System
open System.Diagnostics
open System.Net.Http
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Persistence

/// Why the service could not start.
[<RequireQualifiedAccess>]
type StartError =
    | Config of ConfigError
    | Database of DbError

/// A running composition: the application environment, the engine, and the job workers.
type Services = {
    Config: Config
    App: AppEnv
    /// What the character interactions run on (`InteractionServices.create` makes the functions).
    Interact: InteractEnv
    Engine: EngineParts
    Database: Database
    /// Webhook deliveries of background runs.
    Deliveries: DeliveryStore
    /// Starts the background job workers; the task ends after the token is cancelled.
    RunWorkers: CancellationToken -> Task
    /// Changes made by every process on the database (PostgreSQL LISTEN/NOTIFY; on SQLite a feed that hears
    /// nothing, so callers poll).
    Changes: ChangeFeed
    Dispose: unit -> unit
}

/// The composition root used by the server, the CLI and the C# facade.
[<RequireQualifiedAccess>]
module Runtime =
    /// One line describing a start-up failure.
    let describe =
        function
        | StartError.Config e -> ConfigError.describe e
        | StartError.Database e -> DbError.describe e

    /// Environment lookup: process variables first, then a .env file in the working directory.
    let environment () =
        let dotEnv = Settings.readDotEnv ".env"
        Settings.lookupWith (fun name -> Environment.GetEnvironmentVariable name |> Option.ofObj) dotEnv

    let private sharedHttp =
        lazy
            (new HttpClient(
                new SocketsHttpHandler(
                    PooledConnectionLifetime = TimeSpan.FromMinutes 5.0,
                    MaxConnectionsPerServer = 256
                ),
                Timeout = Threading.Timeout.InfiniteTimeSpan
            ))

    let private clock = Stopwatch.StartNew()

    /// The start-up liveness check of configured OpenRouter model ids: each unknown id (with a suggestion), or a
    /// registry that could not be read, is one line to `warn`; never fatal, never throws. Nothing is checked
    /// without an OpenRouter key.
    let checkModelIds (config: Config) (warn: string -> unit) : Task = task {
        try
            let! lines = ModelLiveness.check config.Providers sharedHttp.Value CancellationToken.None
            lines |> List.iter warn
        with e ->
            warn $"model ids not checked: {e.GetType().Name}"
    }

    /// Builds the services for a configuration with an optional text model and image drawer of the caller's.
    let startWith
        (config: Config)
        (llm: Llm option)
        (log: string -> unit)
        (onEvent: StepRecord -> Task)
        : Task<Result<Services, StartError>> =
        task {
            match! Database.connect config.Database with
            | Error e -> return Error(StartError.Database e)
            | Ok db ->
                match! Migrations.apply db with
                | Error e ->
                    (db :> IDisposable).Dispose()
                    return Error(StartError.Database e)
                | Ok _ ->
                    ImageEndpoint.warnings config.Providers |> List.iter log

                    // One model-call budget: shared through PostgreSQL by every replica, in memory on SQLite.
                    let budget = {
                        Limits = config.ProviderLimits
                        MaxWait = config.BudgetWait
                        Store =
                            match db.Dialect with
                            | Dialect.Postgres -> BudgetStores.postgres db
                            | Dialect.Sqlite -> BudgetStore.memory (fun () -> DateTimeOffset.UtcNow)
                    }

                    let engine =
                        EngineBuilder.create config.Providers budget sharedHttp.Value (fun e ->
                            Instrumentation.providerEvent e
                            log (ProviderEvent.describe e))

                    let engine =
                        match llm with
                        | Some custom -> {
                            engine with
                                Llm = custom
                                Stream = Agents.StreamLlm.ofLlm custom
                                Info = {
                                    engine.Info with
                                        Name = "custom"
                                        IsOffline = false
                                }
                          }
                        | None -> engine

                    // A failed step is logged inside the generation span, so the line carries its timepoint id.
                    let emit (r: StepRecord) =
                        r.Error
                        |> Option.iter (fun e -> log $"step {Step.name r.Step} failed: {GenerationError.describe e}")

                        onEvent r

                    let signal = JobSignal()
                    let leases = RunLeases.create (Runs.store db) (fun () -> DateTimeOffset.UtcNow) log

                    // Any host at start-up fails the rows a dead process left processing (jobs resume instead).
                    match! leases.FailOrphans() with
                    | Ok n when n > 0 -> log $"failed {n} generation(s) left processing by a stopped process"
                    | Ok _ -> ()
                    | Error e -> log $"could not check for interrupted generations: {DbError.describe e}"

                    let heartbeat = new CancellationTokenSource()
                    let beating = leases.Heartbeat heartbeat.Token
                    let store = leases.Track(StoreAdapter.create db signal)
                    let listening = new CancellationTokenSource()

                    let changes =
                        match db.Config with
                        | DbConfig.Postgres cs -> ChangeFeed.listen cs log listening.Token
                        | DbConfig.Sqlite _ -> ChangeFeed.none ()

                    // A job queued by another replica wakes this one's idle workers at once.
                    let queued =
                        changes.Subscribe(fun c ->
                            if c = Change.Queued then
                                signal.Notify())

                    let env = {
                        Store = store
                        Pipeline = {
                            Llm = Instrumentation.traceLlm engine.Llm
                            DrawImage = Some engine.DrawImage
                            Emit = Instrumentation.traceSteps emit
                            Mode = config.PipelineMode
                            ImagePromptMode = config.ImagePromptMode
                            Now = fun () -> DateTimeOffset.UtcNow
                            Off = config.Off
                            Grounding = config.Grounding
                            // A caller's own model is asked to ground (its requests carry Search = true).
                            Search =
                                match llm with
                                | Some _ -> SearchSupport.Searches("custom", "caller_model")
                                | None -> Router.searchSupport config.Providers
                            Elapsed = fun () -> clock.ElapsedMilliseconds
                            Today = fun () -> DateOnly.FromDateTime DateTime.UtcNow
                        }
                        Now = fun () -> DateTimeOffset.UtcNow
                        NewId = Guid.NewGuid
                        Wake = fun () -> signal.Notify()
                        Presets = PresetCatalog.port config.Providers
                    }

                    let interact = {
                        Store = store
                        Sessions = SessionAdapter.create db
                        Llm = env.Pipeline.Llm
                        Stream = engine.Stream
                        Now = env.Now
                        NewId = env.NewId
                        Elapsed = env.Pipeline.Elapsed
                        Presets = env.Presets
                    }

                    let watch = Instrumentation.watchQueue db

                    /// Folds the search text of rows from before migration 0008, checks the SQLite search index,
                    /// then renders in the background the finished timepoints whose stored wire JSON is missing or
                    /// another renderer's (rows from before 0008, or after an upgrade); reads render such rows
                    /// themselves meanwhile.
                    let renderStale () =
                        Task.Run<unit>(fun () -> task {
                            match! SearchRows.backfill db 500 with
                            | Ok 0 -> ()
                            | Ok n -> log $"search text folded for {n} timepoint(s)"
                            | Error e -> log $"search text not folded: {DbError.describe e}"

                            match! SearchRows.checkIndex db with
                            | Ok false -> ()
                            | Ok true -> log "search index rebuilt (its rowids disagreed with the timepoints')"
                            | Error e -> log $"search index not checked: {DbError.describe e}"

                            match! WireRows.refreshStale db 200 with
                            | Ok 0 -> ()
                            | Ok n -> log $"stored wire JSON rendered for {n} timepoint(s)"
                            | Error e -> log $"stored wire JSON not rendered: {DbError.describe e}"
                        })
                        |> ignore

                    let runWorkers (ct: CancellationToken) =
                        renderStale ()

                        let options = {
                            Worker.defaults config.Concurrency with
                                WorkerId = $"{Environment.MachineName}/{Environment.ProcessId}"
                        }

                        let jobs =
                            Worker.run
                                (Jobs.store db signal)
                                signal
                                options
                                (JobRunner.create env)
                                (fun e -> log (sprintf "%A" e))
                                ct

                        let webhooks =
                            WebhookWorker.run (Deliveries.store db) store.Get config.Webhooks log ct

                        let purge =
                            Purge.run
                                (Timepoints.store db).PurgeDeleted
                                config.Purge
                                (fun () -> DateTimeOffset.UtcNow)
                                log
                                ct

                        Task.WhenAll(jobs, webhooks, purge)

                    return
                        Ok {
                            Config = config
                            App = env
                            Interact = interact
                            Engine = engine
                            Database = db
                            Deliveries = Deliveries.store db
                            RunWorkers = runWorkers
                            Changes = changes
                            Dispose =
                                fun () ->
                                    queued.Dispose()
                                    listening.Cancel()
                                    listening.Dispose()
                                    heartbeat.Cancel()
                                    beating.Wait(TimeSpan.FromSeconds 2.0) |> ignore
                                    heartbeat.Dispose()
                                    watch.Dispose()
                                    (db :> IDisposable).Dispose()
                        }
        }

    /// Reads the environment and builds the services.
    let start (log: string -> unit) (onEvent: StepRecord -> Task) = task {
        match Config.read (environment ()) with
        | Error e -> return Error(StartError.Config e)
        | Ok config -> return! startWith config None log onEvent
    }
