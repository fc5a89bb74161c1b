namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open TimepointFlash
open TimepointFlash.Runtime

/// How an edge answers a storage failure: the status, a title, seconds to wait before retrying, and a detail
/// that names no host, port or SQL.
type StorageAnswer = {
    Status: int
    Title: string
    RetryAfter: int option
    Detail: string
}

/// Maps application errors to HTTP problems in one place.
[<RequireQualifiedAccess>]
module Errors =
    /// The problem for an application error.
    let ofApp =
        function
        | AppError.NotFound what -> Http.notFound $"{what} not found"
        | AppError.NotCompleted(id, status) ->
            Http.badRequest
                $"Source timepoint must be completed before navigation (timepoint {id} is {TimepointStatus.name status})"
        | AppError.Temporal e -> Http.unprocessable $"Cannot reach the target date: {TemporalError.describe e}" []
        | AppError.NoDate id -> Http.unprocessable $"Timepoint {id} has no date to navigate from" []

    /// 404 for an unknown timepoint.
    let timepointNotFound = Http.notFound "Timepoint not found"

    /// Seconds a client is asked to wait (Retry-After) while the database is down or slow.
    let outageRetrySeconds = 5

    /// The one mapping from a storage failure to an answer, by case: an outage (unreachable or timed out) is 503
    /// with Retry-After; API problems, UI pages, SSE `error` events and the CLI all use it.
    let ofStorage (e: DbError) : StorageAnswer =
        let unavailable why = {
            Status = StatusCodes.Status503ServiceUnavailable
            Title = "Service Unavailable"
            RetryAfter = Some outageRetrySeconds
            Detail = $"Storage is temporarily unavailable: {why}. Retry in {outageRetrySeconds} seconds."
        }

        match e with
        | DbError.Unavailable _ -> unavailable "the database cannot be reached"
        | DbError.Timeout _ -> unavailable "the database did not answer in time"
        | DbError.NotFound _ -> {
            Status = StatusCodes.Status404NotFound
            Title = "Not Found"
            RetryAfter = None
            Detail = "The stored record no longer exists."
          }
        | DbError.UniqueViolation _
        | DbError.ConstraintViolation _ -> {
            Status = StatusCodes.Status409Conflict
            Title = "Conflict"
            RetryAfter = None
            Detail = "The change conflicts with stored data; reload and try again."
          }
        | DbError.Corrupt _
        | DbError.Migration _
        | DbError.Failed _ -> {
            Status = StatusCodes.Status500InternalServerError
            Title = "Internal Server Error"
            RetryAfter = None
            Detail = "The database reported an error."
          }

    /// Sets Retry-After on the response when the answer asks the client to wait.
    let retryAfter (ctx: HttpContext) (answer: StorageAnswer) =
        answer.RetryAfter
        |> Option.iter (fun s -> ctx.Response.Headers.RetryAfter <- string s)

    /// The problem+json for a storage failure, with Retry-After when it is an outage.
    let storageProblem (ctx: HttpContext) (e: DbError) : IResult =
        let answer = ofStorage e
        retryAfter ctx answer

        let detail =
            if answer.Status = StatusCodes.Status500InternalServerError then
                $"{answer.Detail} (request {ctx.TraceIdentifier})"
            else
                answer.Detail

        Http.problem answer.Status answer.Title detail []

    /// Logs a storage failure once: a warning for an outage (expected, no stack), an error otherwise.
    let logStorage (ctx: HttpContext) (e: DbError) =
        let logger =
            ctx.RequestServices
            |> Option.ofObj
            |> Option.bind (fun services -> services.GetService<ILoggerFactory>() |> Option.ofObj)
            |> Option.map (fun f -> f.CreateLogger "TimepointFlash.Api")

        match logger with
        | Some l when DbError.isOutage e ->
            l.LogWarning(
                "Storage outage on {Method} {Path}: {Error}",
                ctx.Request.Method,
                ctx.Request.Path,
                DbError.describe e
            )
        | Some l ->
            l.LogError(
                "Storage failure on {Method} {Path}: {Error}",
                ctx.Request.Method,
                ctx.Request.Path,
                DbError.describe e
            )
        | None -> ()

    /// Runs a handler and answers a storage failure with `render` (before the response has started).
    let guardWith
        (render: HttpContext -> DbError -> IResult)
        (handler: HttpContext -> Task<IResult>)
        (ctx: HttpContext)
        : Task<IResult> =
        task {
            try
                return! handler ctx
            with StoreFailure e when not ctx.Response.HasStarted ->
                logStorage ctx e
                return render ctx e
        }

    /// An API handler whose storage failures become problem+json (503 with Retry-After for an outage).
    let guard handler = guardWith storageProblem handler
