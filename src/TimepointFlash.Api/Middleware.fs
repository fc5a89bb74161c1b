namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.Logging
open TimepointFlash.Runtime

/// Cross-cutting request handling: request ids and the last-resort error handler (access: Guard).
[<RequireQualifiedAccess>]
module Middleware =
    /// Header carrying the request id.
    let requestIdHeader = "X-Request-Id"

    let private validId (s: string) =
        not (String.IsNullOrWhiteSpace s)
        && s.Length <= 64
        && s
           |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.')

    /// Requests at least this slow are notable.
    let slowMs = 1000.0

    /// Whether the request log records a request under the policy (never /metrics scrapes).
    let records (policy: RequestLog) (path: string) (httpMethod: string) (status: int) (elapsedMs: float) =
        not (PathString(path).StartsWithSegments(PathString "/metrics"))
        && match policy with
           | RequestLog.All -> true
           | RequestLog.Off -> false
           | RequestLog.Notable ->
               status >= 400
               || elapsedMs >= slowMs
               || not (HttpMethods.IsGet httpMethod || HttpMethods.IsHead httpMethod)

    /// Echoes a caller's X-Request-Id (or makes one), opens a logging scope with it, and logs the answer per policy.
    let requestId (policy: RequestLog) (logger: ILogger) (ctx: HttpContext) (next: RequestDelegate) : Task = task {
        let incoming = string ctx.Request.Headers[requestIdHeader]

        let id =
            if validId incoming then
                incoming
            else
                Guid.NewGuid().ToString("n")

        ctx.TraceIdentifier <- id
        ctx.Response.Headers[requestIdHeader] <- id
        use _ = logger.BeginScope("RequestId:{RequestId}", id)
        let started = Diagnostics.Stopwatch.GetTimestamp()
        do! next.Invoke ctx
        let elapsed = Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds
        let path = ctx.Request.Path.Value |> Option.ofObj |> Option.defaultValue "/"

        if records policy path ctx.Request.Method ctx.Response.StatusCode elapsed then
            logger.LogInformation(
                "{Method} {Path} answered {StatusCode} in {ElapsedMs:F1} ms",
                ctx.Request.Method,
                path,
                ctx.Response.StatusCode,
                elapsed
            )
    }

    /// Turns an unexpected exception into a 500 problem without internals, and a client disconnect into nothing.
    let errors (logger: ILogger) (ctx: HttpContext) (next: RequestDelegate) : Task = task {
        try
            do! next.Invoke ctx
        with
        | :? OperationCanceledException when ctx.RequestAborted.IsCancellationRequested -> ()
        | :? BadHttpRequestException as e when not ctx.Response.HasStarted ->
            let status = if e.StatusCode = 413 then 413 else 400

            let detail =
                if status = 413 then
                    "The body is too large."
                else
                    "The request could not be read."

            do!
                (Http.problem status (if status = 413 then "Payload Too Large" else "Bad Request") detail [])
                    .ExecuteAsync
                    ctx
        | StoreFailure storage when not ctx.Response.HasStarted ->
            // A backstop for storage failures outside a guarded route: answered by case, like the routes.
            Errors.logStorage ctx storage
            do! (Errors.storageProblem ctx storage).ExecuteAsync ctx
        | e ->
            logger.LogError(e, "Unhandled error for {Method} {Path}", ctx.Request.Method, ctx.Request.Path)

            if not ctx.Response.HasStarted then
                do!
                    (Http.problem 500 "Internal Server Error" $"Something went wrong (request {ctx.TraceIdentifier})." [])
                        .ExecuteAsync(ctx)
    }
