namespace TimepointFlash.Api

open System
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open OpenTelemetry.Exporter
open OpenTelemetry.Metrics
open OpenTelemetry.Resources
open OpenTelemetry.Trace
open TimepointFlash
open TimepointFlash.Runtime

/// Logs, traces and metrics of the web host: JSON console logs in production, OpenTelemetry with the
/// `TimepointFlash` source and meter, ASP.NET Core and HttpClient instrumentation, `/metrics` and OTLP.
[<RequireQualifiedAccess>]
module Observability =
    /// Path of the Prometheus scrape endpoint.
    let metricsPath = "/metrics"

    /// Service name on spans and metrics.
    let serviceName = "timepoint-flash"

    /// True when ENVIRONMENT says production.
    let isProduction (environment: string) =
        String.Equals(environment, "production", StringComparison.OrdinalIgnoreCase)

    /// Console logging: one JSON object per line with scopes (request id, trace and span ids, span tags such
    /// as timepoint.id) in production, plain single lines otherwise.
    let configureLogging (environment: string) (logging: ILoggingBuilder) =
        logging.ClearProviders() |> ignore

        logging.Configure(fun (o: LoggerFactoryOptions) ->
            o.ActivityTrackingOptions <-
                ActivityTrackingOptions.TraceId
                ||| ActivityTrackingOptions.SpanId
                ||| ActivityTrackingOptions.Tags)
        |> ignore

        // The request log line (Middleware.requestId) replaces ASP.NET Core's own per-request lines.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning) |> ignore
        // Form tokens use an ephemeral data-protection key ring unless one is shared (docs/DEPLOY.md, Security).
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error)
        |> ignore

        if isProduction environment then
            logging.AddJsonConsole(fun o ->
                o.IncludeScopes <- true
                o.UseUtcTimestamp <- true
                o.TimestampFormat <- "yyyy-MM-ddTHH:mm:ss.fffZ")
            |> ignore
        else
            logging.AddSimpleConsole(fun o ->
                o.SingleLine <- true
                o.IncludeScopes <- true
                o.TimestampFormat <- "HH:mm:ss ")
            |> ignore

        logging

    let private scraped (ctx: HttpContext) =
        not (ctx.Request.Path.StartsWithSegments(PathString metricsPath))

    /// Registers tracing and metrics; OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is configured.
    let configureServices (config: Config) (services: IServiceCollection) =
        let otlp (o: OtlpExporterOptions) =
            match config.OtlpEndpoint with
            // The SDK reads the process variable itself (and appends signal paths for http/protobuf);
            // an endpoint from .env only is set here, for the default gRPC protocol.
            | Some uri when isNull (Environment.GetEnvironmentVariable "OTEL_EXPORTER_OTLP_ENDPOINT") ->
                o.Endpoint <- uri
            | _ -> ()

        services
            .AddOpenTelemetry()
            .ConfigureResource(fun r ->
                r.AddService(serviceName, serviceVersion = TimepointFlash.Engines.Version.current)
                |> ignore)
            .WithTracing(fun t ->
                t
                    .AddSource(Telemetry.name)
                    .AddAspNetCoreInstrumentation(fun o -> o.Filter <- Func<HttpContext, bool>(scraped))
                    .AddHttpClientInstrumentation()
                |> ignore

                if config.OtlpEndpoint.IsSome then
                    t.AddOtlpExporter(Action<OtlpExporterOptions>(otlp)) |> ignore)
            .WithMetrics(fun m ->
                m.AddMeter(Telemetry.name).AddAspNetCoreInstrumentation().AddPrometheusExporter()
                |> ignore

                if config.OtlpEndpoint.IsSome then
                    m.AddOtlpExporter(Action<OtlpExporterOptions>(otlp)) |> ignore)
        |> ignore

        services

    /// Maps `/metrics` (Prometheus text), outside the OpenAPI document and the rate limiter.
    let mapEndpoints (app: WebApplication) =
        app
            .MapPrometheusScrapingEndpoint(metricsPath)
            .ExcludeFromDescription()
            .DisableRateLimiting()
            .WithMetadata(
                {
                    Access = Access.Metrics
                    Surface = Surface.Api
                }
            )
        |> ignore

        app
