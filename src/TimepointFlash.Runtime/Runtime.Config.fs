namespace TimepointFlash.Runtime

open System
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Persistence
open FsToolkit.ErrorHandling

/// A configuration problem: the variable and what is wrong with it (never a secret value).
type ConfigError = { Variable: string; Problem: string }

/// Which requests get a line in the request log (REQUEST_LOG).
[<RequireQualifiedAccess>]
type RequestLog =
    /// Every request (the development default).
    | All
    /// Writes, errors (status 400 and above) and slow requests (a second or more): the production default.
    | Notable
    /// None; metrics and traces still see every request.
    | Off

/// Webhook delivery settings (WEBHOOK_SECRET, WEBHOOK_ALLOW_HOSTS, WEBHOOK_RETRY_BASE_MS).
type WebhookSettings = {
    /// The HMAC key; without it callback_url is refused (a delivery is never sent unsigned).
    Secret: string option
    /// Hosts exempt from the SSRF rules (and allowed plain http).
    AllowHosts: CallbackAllowList
    /// Wait after the first failed attempt; doubles per attempt up to an hour.
    RetryBase: TimeSpan
}

/// The purge of soft-deleted timepoints (PURGE_DELETED_AFTER_HOURS, PURGE_INTERVAL_SECONDS).
type PurgeSettings = {
    /// How long a soft-deleted timepoint is kept before the purge deletes it for good.
    After: TimeSpan
    /// How often the purge runs; None = never (soft-deleted rows stay until a permanent delete).
    Every: TimeSpan option
}

/// Everything read from the environment at start-up.
type Config = {
    Database: DbConfig
    Providers: Settings
    Port: int
    Environment: string
    /// Model-starting writes per minute per client (RATE_LIMIT; 0 = no limit).
    RateLimit: int
    /// Every other request per minute per client (READ_RATE_LIMIT; 0 = no limit).
    ReadRateLimit: int
    ApiKeys: Set<string>
    /// With keys configured, reads need a key or a session too (READS_REQUIRE_KEY).
    ReadsRequireKey: bool
    /// With keys configured, /metrics needs a key (METRICS_REQUIRE_KEY).
    MetricsRequireKey: bool
    /// Trust one proxy hop: the client is the last X-Forwarded-For entry, the scheme X-Forwarded-Proto (FORWARDED_HEADERS).
    ForwardedHeaders: bool
    /// A directory shared by every replica for the form-token key ring (DATA_PROTECTION_KEYS_DIR); None = per process.
    DataProtectionKeysDir: string option
    CorsOrigins: string list
    Concurrency: int
    PipelineMode: PipelineMode
    ImagePromptMode: ImagePromptMode
    /// Steps switched off (`CRITIQUE=off`, from the step table's switches).
    Off: Set<Step>
    /// `GROUNDING=auto|on|off` (auto by default): whether real events are checked against sources.
    Grounding: GroundingMode
    OtlpEndpoint: Uri option
    RequestLog: RequestLog
    /// Seconds a finished timepoint's rendered JSON is served from memory (0 = off).
    ReadCacheSeconds: int
    /// Megabytes of rendered JSON the read cache holds at most (READ_CACHE_MB).
    ReadCacheMegabytes: int
    Webhooks: WebhookSettings
    /// The model-call budget (PROVIDER_LIMITS), shared by every replica on PostgreSQL.
    ProviderLimits: ProviderLimits
    /// The longest a model call waits for budget before it fails as rate limited (PROVIDER_BUDGET_WAIT_SECONDS).
    BudgetWait: TimeSpan
    Purge: PurgeSettings
}

[<RequireQualifiedAccess>]
module ConfigError =
    /// "VARIABLE: problem", one line.
    let describe (e: ConfigError) = $"{e.Variable}: {e.Problem}"

/// Reads and validates the environment (DESIGN §9), failing fast with one clear line.
[<RequireQualifiedAccess>]
module Config =
    let private fail variable problem =
        Error {
            Variable = variable
            Problem = problem
        }

    let private intVar (lookup: string -> string option) name fallback lo hi =
        match lookup name |> Option.map (fun s -> s.Trim()) with
        | None
        | Some "" -> Ok fallback
        | Some s ->
            match Int32.TryParse s with
            | true, v when v >= lo && v <= hi -> Ok v
            | true, v -> fail name $"must be between {lo} and {hi}, got {v}"
            | _ -> fail name $"must be a whole number, got '{String.truncate 40 s}'"

    let private list (lookup: string -> string option) name =
        lookup name
        |> Option.map (fun s -> s.Split([| ','; ' ' |], StringSplitOptions.RemoveEmptyEntries) |> List.ofArray)
        |> Option.defaultValue []

    let private choice (lookup: string -> string option) name (options: (string * 'T) list) (fallback: 'T) =
        match lookup name |> Option.map (fun s -> s.Trim().ToLowerInvariant()) with
        | None
        | Some "" -> Ok fallback
        | Some s ->
            match options |> List.tryFind (fun (k, _) -> k = s) with
            | Some(_, v) -> Ok v
            | None ->
                let allowed = options |> List.map fst |> String.concat ", "
                fail name $"must be one of {allowed}, got '{String.truncate 40 s}'"

    let private flag (lookup: string -> string option) name =
        choice
            lookup
            name
            [
                "true", true
                "1", true
                "yes", true
                "false", false
                "0", false
                "no", false
            ]
            false

    /// The first of the variables that is set and not blank, with its name (ASP.NET Core names before ours).
    let private firstSet (lookup: string -> string option) (names: string list) =
        names
        |> List.tryPick (fun n -> lookup n |> Option.bind String.nonBlank |> Option.map (fun v -> n, v))

    let private otlpEndpoint (lookup: string -> string option) =
        match lookup "OTEL_EXPORTER_OTLP_ENDPOINT" |> Option.bind String.nonBlank with
        | None -> Ok None
        | Some s ->
            match Uri.TryCreate(s, UriKind.Absolute) with
            | true, u when u.Scheme = "http" || u.Scheme = "https" -> Ok(Some u)
            | _ -> fail "OTEL_EXPORTER_OTLP_ENDPOINT" "must be an http(s) URL"

    /// Reads the configuration through a lookup function (process environment plus .env).
    let read (lookup: string -> string option) : Result<Config, ConfigError> = result {
        let! db =
            DbConfig.parse (lookup "DATABASE_URL")
            |> Result.mapError (fun e -> {
                Variable = "DATABASE_URL"
                Problem = (DbConfigError.describe e).Replace("DATABASE_URL: ", "")
            })

        let! providers =
            Settings.parse lookup
            |> Result.mapError (fun (e: SettingsError) -> {
                Variable = e.Variable
                Problem = e.Problem
            })

        let! port = intVar lookup "PORT" 8000 1 65535
        let! rate = intVar lookup "RATE_LIMIT" 60 0 1_000_000

        let! concurrency =
            Worker.concurrencyOf (lookup "GENERATION_CONCURRENCY")
            |> Result.mapError (fun e -> {
                Variable = "GENERATION_CONCURRENCY"
                Problem = Worker.describeConcurrencyError e
            })

        let! off =
            Steps.off lookup
            |> Result.mapError (fun (variable, problem) -> {
                Variable = variable
                Problem = problem
            })

        let! grounding =
            choice
                lookup
                "GROUNDING"
                (GroundingMode.all |> List.map (fun m -> GroundingMode.name m, m))
                GroundingMode.Auto

        let! mode =
            choice
                lookup
                "PIPELINE_MODE"
                [ "dag", PipelineMode.Dag; "sequential", PipelineMode.Sequential ]
                PipelineMode.Dag

        let! promptMode =
            choice
                lookup
                "IMAGE_PROMPT_MODE"
                [ "assembled", ImagePromptMode.Assembled; "refined", ImagePromptMode.Refined ]
                ImagePromptMode.Assembled

        // ASPNETCORE_ENVIRONMENT > DOTNET_ENVIRONMENT > ENVIRONMENT (the command line's --environment arrives as
        // ASPNETCORE_ENVIRONMENT through the caller's lookup).
        let environmentVariable, environmentValue =
            firstSet lookup [ "ASPNETCORE_ENVIRONMENT"; "DOTNET_ENVIRONMENT"; "ENVIRONMENT" ]
            |> Option.defaultValue ("ENVIRONMENT", "")

        let! environment =
            choice
                (fun k ->
                    if k = environmentVariable then
                        Some environmentValue
                    else
                        None)
                environmentVariable
                [
                    "development", "development"
                    "staging", "staging"
                    "production", "production"
                ]
                "development"

        let! requestLog =
            choice
                lookup
                "REQUEST_LOG"
                [ "all", RequestLog.All; "notable", RequestLog.Notable; "off", RequestLog.Off ]
                (if environment = "development" then
                     RequestLog.All
                 else
                     RequestLog.Notable)

        let! readCache = intVar lookup "READ_CACHE_SECONDS" 5 0 3600
        let! readCacheMb = intVar lookup "READ_CACHE_MB" 64 0 65_536
        let! readRate = intVar lookup "READ_RATE_LIMIT" 1200 0 1_000_000
        let! readsRequireKey = flag lookup "READS_REQUIRE_KEY"
        let! metricsRequireKey = flag lookup "METRICS_REQUIRE_KEY"
        let! forwarded = flag lookup "FORWARDED_HEADERS"
        let! otlp = otlpEndpoint lookup
        let! retryBase = intVar lookup "WEBHOOK_RETRY_BASE_MS" 10_000 10 3_600_000
        let! purgeAfter = intVar lookup "PURGE_DELETED_AFTER_HOURS" 720 0 876_000
        let! purgeEvery = intVar lookup "PURGE_INTERVAL_SECONDS" 3600 0 604_800

        let! allowHosts =
            list lookup "WEBHOOK_ALLOW_HOSTS"
            |> List.map (fun e ->
                CallbackRules.parseAllowEntry e
                |> Result.requireSome {
                    Variable = "WEBHOOK_ALLOW_HOSTS"
                    Problem = $"'{String.truncate 64 e}' is not a host or host:port"
                })
            |> List.sequenceResultM

        let! limits =
            ProviderLimits.parse
                ([ ProviderId.Gemini; ProviderId.OpenRouter; ProviderId.OpenAi ]
                 |> List.map ProviderId.name)
                (lookup "PROVIDER_LIMITS")
            |> Result.mapError (fun e -> {
                Variable = "PROVIDER_LIMITS"
                Problem = ProviderLimits.describeError e
            })

        let! budgetWait = intVar lookup "PROVIDER_BUDGET_WAIT_SECONDS" 120 1 3600

        return {
            Database = db
            Providers = providers
            Port = port
            Environment = environment
            RateLimit = rate
            ReadRateLimit = readRate
            ApiKeys = list lookup "API_KEYS" |> Set.ofList
            ReadsRequireKey = readsRequireKey
            MetricsRequireKey = metricsRequireKey
            ForwardedHeaders = forwarded
            DataProtectionKeysDir = lookup "DATA_PROTECTION_KEYS_DIR" |> Option.bind String.nonBlank
            CorsOrigins = list lookup "CORS_ORIGINS"
            Concurrency = concurrency
            PipelineMode = mode
            ImagePromptMode = promptMode
            Off = off
            Grounding = grounding
            OtlpEndpoint = otlp
            RequestLog = requestLog
            ReadCacheSeconds = readCache
            ReadCacheMegabytes = readCacheMb
            Webhooks = {
                Secret = lookup "WEBHOOK_SECRET" |> Option.bind String.nonBlank
                AllowHosts = { Entries = allowHosts }
                RetryBase = TimeSpan.FromMilliseconds(float retryBase)
            }
            ProviderLimits = limits
            BudgetWait = TimeSpan.FromSeconds(float budgetWait)
            Purge = {
                After = TimeSpan.FromHours(float purgeAfter)
                Every =
                    if purgeEvery = 0 then
                        None
                    else
                        Some(TimeSpan.FromSeconds(float purgeEvery))
            }
        }
    }
