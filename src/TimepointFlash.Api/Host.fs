namespace TimepointFlash.Api

open System
open System.Threading.RateLimiting
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Diagnostics
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.RateLimiting
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open Scalar.AspNetCore

/// Host-level settings read once from the environment.
type ApiOptions = {
    /// Requests per minute per client on /api (0 disables the limit).
    RateLimit: int
    ApiKeys: Set<string>
    CorsOrigins: string list
    /// Largest request body Kestrel accepts.
    MaxBodyBytes: int64
    /// Which requests get a request-log line.
    RequestLog: TimepointFlash.Runtime.RequestLog
}

/// Builds the ASP.NET Core application around the route table.
[<RequireQualifiedAccess>]
module Host =
    /// Defaults: 60 requests a minute, no keys, no CORS.
    let defaults = {
        RateLimit = 60
        ApiKeys = Set.empty
        CorsOrigins = []
        MaxBodyBytes = 1024L * 1024L
        RequestLog = TimepointFlash.Runtime.RequestLog.All
    }

    let private clientKey (ctx: HttpContext) =
        match ctx.Connection.RemoteIpAddress with
        | null -> "local"
        | ip -> ip.ToString()

    /// Registers services: OpenAPI, rate limiting, CORS.
    let configureServices (options: ApiOptions) (services: IServiceCollection) =
        services.AddOpenApi() |> ignore
        services.AddProblemDetails() |> ignore

        if not options.CorsOrigins.IsEmpty then
            services.AddCors(fun c ->
                c.AddDefaultPolicy(fun p ->
                    p.WithOrigins(Array.ofList options.CorsOrigins).AllowAnyHeader().AllowAnyMethod()
                    |> ignore))
            |> ignore

        if options.RateLimit > 0 then
            services.AddRateLimiter(fun rl ->
                rl.GlobalLimiter <-
                    PartitionedRateLimiter.Create<HttpContext, string>(fun ctx ->
                        if ctx.Request.Path.StartsWithSegments(PathString "/api/v1/health") then
                            RateLimitPartition.GetNoLimiter "health"
                        elif ctx.Request.Path.StartsWithSegments(PathString "/api") then
                            RateLimitPartition.GetFixedWindowLimiter(
                                clientKey ctx,
                                fun _ ->
                                    FixedWindowRateLimiterOptions(
                                        PermitLimit = options.RateLimit,
                                        Window = TimeSpan.FromMinutes 1.0,
                                        QueueLimit = 0,
                                        AutoReplenishment = true
                                    )
                            )
                        else
                            RateLimitPartition.GetNoLimiter "pages")

                rl.OnRejected <-
                    Func<OnRejectedContext, Threading.CancellationToken, ValueTask>(fun ctx _ ->
                        let retry =
                            match ctx.Lease.TryGetMetadata(MetadataName.RetryAfter) with
                            | true, (t: TimeSpan) -> max 1 (int (ceil t.TotalSeconds))
                            | _ -> 60

                        ctx.HttpContext.Response.Headers.RetryAfter <- string retry

                        let result =
                            Http.problem
                                429
                                "Too Many Requests"
                                $"More than {options.RateLimit} requests a minute from this client; retry after {retry} s."
                                []

                        ValueTask(result.ExecuteAsync ctx.HttpContext)))
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

        app.Use(Func<HttpContext, RequestDelegate, Task>(Middleware.requestId options.RequestLog logger))
        |> ignore

        app.Use(Func<HttpContext, RequestDelegate, Task>(Middleware.errors logger))
        |> ignore

        app.UseStatusCodePages(Func<StatusCodeContext, Task>(statusPages)) |> ignore

        if not options.CorsOrigins.IsEmpty then
            app.UseCors() |> ignore

        if options.RateLimit > 0 then
            app.UseRateLimiter() |> ignore

        app.Use(Func<HttpContext, RequestDelegate, Task>(Middleware.apiKeys options.ApiKeys))
        |> ignore

        Routes.map app (Routes.table deps logger)

        for m, path, handler in UiHandlers.routes deps do
            app.MapMethods(path, [ m ], Func<HttpContext, Task<IResult>>(handler)).ExcludeFromDescription()
            |> ignore

        app.MapOpenApi() |> ignore
        app.MapScalarApiReference("/docs") |> ignore
        app
