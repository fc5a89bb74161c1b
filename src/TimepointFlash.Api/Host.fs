namespace TimepointFlash.Api

open System
open System.Threading.RateLimiting
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Diagnostics
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.DataProtection
open Microsoft.AspNetCore.RateLimiting
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging

/// Host-level settings read once from the environment.
type ApiOptions = {
    /// Model-starting writes (and sign-in attempts) per minute per client (0 disables the policy).
    RateLimit: int
    /// Every other request per minute per client (0 disables the policy).
    ReadRateLimit: int
    /// Keys, what they guard, and the CORS origins.
    Access: AccessSettings
    /// Trust one proxy hop's X-Forwarded-For and X-Forwarded-Proto.
    ForwardedHeaders: bool
    /// ENVIRONMENT=production: HSTS over https.
    Production: bool
    /// Where the form-token key ring is kept (shared by replicas); None = the process's own.
    DataProtectionKeysDir: string option
    /// Largest request body Kestrel accepts.
    MaxBodyBytes: int64
    /// Which requests get a request-log line.
    RequestLog: TimepointFlash.Runtime.RequestLog
}

/// Builds the ASP.NET Core application around the route table.
[<RequireQualifiedAccess>]
module Host =
    /// Defaults: 60 model-starting writes and 1200 other requests a minute, no keys, no CORS.
    let defaults = {
        RateLimit = 60
        ReadRateLimit = 1200
        Access = {
            Keys = Set.empty
            ReadsRequireKey = false
            MetricsRequireKey = false
            CorsOrigins = []
        }
        ForwardedHeaders = false
        Production = false
        DataProtectionKeysDir = None
        MaxBodyBytes = 1024L * 1024L
        RequestLog = TimepointFlash.Runtime.RequestLog.All
    }

    /// The name a policy goes by in 429 details and docs.
    let policyName =
        function
        | RatePolicy.Generation -> "generation (RATE_LIMIT)"
        | RatePolicy.Requests -> "requests (READ_RATE_LIMIT)"

    /// Requests a minute allowed by a policy (0 = unlimited).
    let limitOf (options: ApiOptions) =
        function
        | RatePolicy.Generation -> options.RateLimit
        | RatePolicy.Requests -> options.ReadRateLimit

    /// Who a limit counts: the key (per-key limits when keys are set) or the client address.
    let clientKey (ctx: HttpContext) =
        match Credentials.fingerprint (Credentials.caller ctx) with
        | Some fp -> "key:" + fp
        | None ->
            match ctx.Connection.RemoteIpAddress with
            | null -> "local"
            | ip -> ip.ToString()

    let private activePolicy (options: ApiOptions) (ctx: HttpContext) =
        Access.policy (Guard.classOf ctx).Access
        |> Option.filter (fun p -> limitOf options p > 0)

    /// Registers services: problem details, anti-forgery, rate limiting, CORS.
    let configureServices (options: ApiOptions) (services: IServiceCollection) =
        services.AddProblemDetails() |> ignore

        // Form tokens are protected by ASP.NET Core data protection; replicas check each other's tokens only when
        // they share its key ring.
        match options.DataProtectionKeysDir with
        | Some dir ->
            services
                .AddDataProtection()
                .SetApplicationName("TimepointFlash")
                .PersistKeysToFileSystem(IO.DirectoryInfo dir)
            |> ignore
        | None -> ()

        services.AddAntiforgery(fun o ->
            o.FormFieldName <- FormToken.field
            o.HeaderName <- FormToken.header
            o.Cookie.Name <- "tpflash_antiforgery"
            o.Cookie.SameSite <- SameSiteMode.Strict
            o.Cookie.HttpOnly <- true
            o.Cookie.SecurePolicy <- CookieSecurePolicy.SameAsRequest
            // Every response already says X-Frame-Options: DENY (Guard.headers).
            o.SuppressXFrameOptionsHeader <- true)
        |> ignore

        if not options.Access.CorsOrigins.IsEmpty then
            services.AddCors(fun c ->
                c.AddDefaultPolicy(fun p ->
                    p.WithOrigins(Array.ofList options.Access.CorsOrigins).AllowAnyHeader().AllowAnyMethod()
                    |> ignore))
            |> ignore

        services.AddRateLimiter(fun rl ->
            rl.GlobalLimiter <-
                PartitionedRateLimiter.Create<HttpContext, string>(fun ctx ->
                    match activePolicy options ctx with
                    | None -> RateLimitPartition.GetNoLimiter "unlimited"
                    | Some policy ->
                        RateLimitPartition.GetFixedWindowLimiter(
                            $"{policy}|{clientKey ctx}",
                            fun _ ->
                                FixedWindowRateLimiterOptions(
                                    PermitLimit = limitOf options policy,
                                    Window = TimeSpan.FromMinutes 1.0,
                                    QueueLimit = 0,
                                    AutoReplenishment = true
                                )
                        ))

            rl.OnRejected <-
                Func<OnRejectedContext, Threading.CancellationToken, ValueTask>(fun ctx _ ->
                    let retry =
                        match ctx.Lease.TryGetMetadata(MetadataName.RetryAfter) with
                        | true, (t: TimeSpan) -> max 1 (int (ceil t.TotalSeconds))
                        | _ -> 60

                    ctx.HttpContext.Response.Headers.RetryAfter <- string retry

                    let detail =
                        match activePolicy options ctx.HttpContext with
                        | Some p ->
                            $"More than {limitOf options p} requests a minute from this client under the {policyName p} policy; retry after {retry} s."
                        | None -> $"Too many requests from this client; retry after {retry} s."

                    ValueTask((Http.problem 429 "Too Many Requests" detail []).ExecuteAsync ctx.HttpContext)))
        |> ignore

        services

    let private statusPages (ctx: StatusCodeContext) : Task =
        let http = ctx.HttpContext
        let status = http.Response.StatusCode

        let title, detail =
            match status with
            | 404 -> "Not Found", $"No resource at {http.Request.Path}."
            | 405 -> "Method Not Allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}."
            | 415 -> "Unsupported Media Type", "This content type is not accepted here."
            | s -> "Error", $"The request failed with status {s}."

        (Http.problem status title detail []).ExecuteAsync http

    /// Adds middleware and endpoints to a built application.
    let configureApp (deps: ApiDeps) (options: ApiOptions) (app: WebApplication) =
        let logger =
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger "TimepointFlash.Api"

        let use' (middleware: HttpContext -> RequestDelegate -> Task) =
            app.Use(Func<HttpContext, RequestDelegate, Task>(middleware)) |> ignore

        use' (Guard.forwarded options.ForwardedHeaders)
        use' (Middleware.requestId options.RequestLog logger)
        use' (Guard.headers options.Production)
        use' (Middleware.errors logger)
        app.UseStatusCodePages(Func<StatusCodeContext, Task>(statusPages)) |> ignore

        if not options.Access.CorsOrigins.IsEmpty then
            app.UseCors() |> ignore

        use' (Guard.identify options.Access.Keys logger)
        app.UseRateLimiter() |> ignore

        let page (ctx: HttpContext) status title detail =
            (Pages.message deps ctx status title detail).ExecuteAsync ctx

        use' (Guard.check options.Access page)
        let routes = Routes.table deps logger
        Routes.map app routes
        DocRoutes.map app (OpenApiDocument.render deps.Version routes)
        McpHost.map app
        app
