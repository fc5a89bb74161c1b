/// Storage failures to the edge: exceptions to DbError by case, DbError to status and Retry-After in one place,
/// the guarded handler, and the SSE `error` event's wire text.
module TimepointFlash.Tests.ApiStorageErrors

open System
open System.IO
open System.Net.Sockets
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Http.Features
open Microsoft.Extensions.DependencyInjection
open Npgsql
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Runtime

/// Every case of DbError with arbitrary detail text.
type DbErrorArbitraries =
    static member DbError() =
        let text = ArbMap.defaults |> ArbMap.generate<NonNull<string>> |> Gen.map _.Get

        Gen.oneof [
            text |> Gen.map DbError.Unavailable
            text |> Gen.map DbError.Timeout
            text |> Gen.map DbError.UniqueViolation
            text |> Gen.map DbError.ConstraintViolation
            text |> Gen.map DbError.NotFound
            text |> Gen.map DbError.Corrupt
            Gen.zip (Gen.choose (1, 9999)) text |> Gen.map DbError.Migration
            text |> Gen.map DbError.Failed
        ]
        |> Arb.fromGen

/// A response that has already started (headers sent), as on an open event stream.
type private StartedResponse() =
    inherit HttpResponseFeature()
    override _.HasStarted = true

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<DbErrorArbitraries> ]
        maxTest = 300
}

/// Runs a result against a fresh context; the status, headers and body text.
let private execute (ctx: HttpContext) (result: IResult) = task {
    let body = new MemoryStream()
    ctx.Response.Body <- body
    do! result.ExecuteAsync ctx
    return ctx.Response.StatusCode, Text.Encoding.UTF8.GetString(body.ToArray())
}

let private context () =
    let services = ServiceCollection().AddLogging().BuildServiceProvider()
    DefaultHttpContext(RequestServices = services)

let mapping =
    testList "mapping" [
        test "an unreachable or timed-out database is 503 with Retry-After; other failures are not outages" {
            let answer = Errors.ofStorage >> fun a -> a.Status, a.RetryAfter
            let retry = Some Errors.outageRetrySeconds
            Expect.equal (answer (DbError.Unavailable "refused")) (503, retry) "unreachable"
            Expect.equal (answer (DbError.Timeout "pool")) (503, retry) "timed out"
            Expect.equal (answer (DbError.NotFound "timepoint x")) (404, None) "row gone"
            Expect.equal (answer (DbError.UniqueViolation "slug")) (409, None) "duplicate"
            Expect.equal (answer (DbError.ConstraintViolation "fk")) (409, None) "constraint"
            Expect.equal (answer (DbError.Corrupt "status")) (500, None) "corrupt row"
            Expect.equal (answer (DbError.Migration(3, "x"))) (500, None) "migration"
            Expect.equal (answer (DbError.Failed "x")) (500, None) "other"
        }

        testPropertyWithConfig
            config
            "the answer is 503 with Retry-After exactly for outages, and its detail never quotes the database"
        <| fun (e: DbError) ->
            let a = Errors.ofStorage e

            let inner =
                match e with
                | DbError.Unavailable d
                | DbError.Timeout d
                | DbError.UniqueViolation d
                | DbError.ConstraintViolation d
                | DbError.NotFound d
                | DbError.Corrupt d
                | DbError.Migration(_, d)
                | DbError.Failed d -> d

            (a.Status = 503) = DbError.isOutage e
            && a.RetryAfter.IsSome = DbError.isOutage e
            && a.Detail <> ""
            && (inner.Length < 12 || not (a.Detail.Contains inner))

        test "adapter exceptions map to Unavailable or Timeout by type and code, never by message" {
            let mapped (e: exn) =
                TimepointFlash.Persistence.DbError.ofException e

            let isCase name (e: DbError option) =
                match name, e with
                | "timeout", Some(DbError.Timeout _)
                | "unavailable", Some(DbError.Unavailable _) -> true
                | _ -> false

            Expect.isTrue (mapped (TimeoutException "slow") |> isCase "timeout") "a timeout"

            Expect.isTrue
                (mapped (NpgsqlException("Exception while reading from stream", TimeoutException "x"))
                 |> isCase "timeout")
                "a command timeout"

            Expect.isTrue
                (mapped (PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", "57014"))
                 |> isCase "timeout")
                "statement_timeout"

            Expect.isTrue
                (mapped (
                    PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")
                 )
                 |> isCase "unavailable")
                "admin shutdown"

            Expect.isTrue
                (mapped (NpgsqlException("Failed to connect", SocketException(int SocketError.ConnectionRefused)))
                 |> isCase "unavailable")
                "connection refused"

            Expect.isTrue (mapped (SocketException(int SocketError.TimedOut)) |> isCase "unavailable") "a socket"
        }
    ]

let edges =
    testList "edges" [
        testTask "a guarded API handler answers a storage outage with problem+json 503 and Retry-After" {
            let ctx = context ()

            let handler (_: HttpContext) : Task<IResult> =
                raise (StoreFailure(DbError.Unavailable "127.0.0.1:5432 refused"))

            let! result = Errors.guard handler ctx
            let! status, text = execute ctx result
            Expect.equal status 503 "503"
            Expect.equal (string ctx.Response.Headers.RetryAfter) (string Errors.outageRetrySeconds) "Retry-After"
            Expect.stringStarts ctx.Response.ContentType "application/problem+json" "problem+json"
            Expect.stringContains text "Storage is temporarily unavailable" "a detail"
            Expect.isFalse (text.Contains "5432") "no host or port in the answer"
        }

        testTask "a guarded handler passes its own answer and other exceptions through" {
            let ok (_: HttpContext) =
                Task.FromResult(Http.ok (Encode.obj []))

            let! result = Errors.guard ok (context ())
            let! status, _ = execute (context ()) result
            Expect.equal status 200 "untouched"

            let bug (_: HttpContext) : Task<IResult> = raise (InvalidOperationException "bug")

            let! thrown = task {
                try
                    let! _ = Errors.guard bug (context ())
                    return false
                with :? InvalidOperationException ->
                    return true
            }

            Expect.isTrue thrown "a bug still reaches the last-resort handler"
        }

        testTask "a storage failure after the response started is left to the handler" {
            let ctx = context ()
            ctx.Features.Set<IHttpResponseFeature>(StartedResponse())

            let handler (_: HttpContext) : Task<IResult> =
                raise (StoreFailure(DbError.Timeout "x"))

            let! thrown = task {
                try
                    let! _ = Errors.guard handler ctx
                    return false
                with StoreFailure _ ->
                    return true
            }

            Expect.isTrue thrown "no second answer on a started stream"
        }

        test "the SSE error event for an outage carries the status and retry delay (golden)" {
            let m = Sse.storageError 40 (Errors.ofStorage (DbError.Timeout "pool"))

            Expect.equal
                (Sse.frame m)
                ("data: {\"event\":\"error\",\"step\":null,\"data\":{\"status\":503,\"retry_after\":5},\"progress\":40,"
                 + "\"error\":\"Storage is temporarily unavailable: the database did not answer in time. Retry in 5 seconds.\"}\n\n")
                "wire text"
        }

        test "StoreFailure keeps the typed error and reads as one line" {
            let e =
                StoreFailure(DbError.Unavailable "cannot connect to PostgreSQL (ConnectionRefused)")

            Expect.equal e.Message "database unavailable: cannot connect to PostgreSQL (ConnectionRefused)" "message"

            match e with
            | StoreFailure(DbError.Unavailable _) -> ()
            | other -> failtest $"typed case lost: {other}"
        }
    ]

let tests = testList "ApiStorageErrors" [ mapping; edges ]
