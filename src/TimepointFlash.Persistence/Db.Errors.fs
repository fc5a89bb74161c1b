namespace TimepointFlash.Persistence

open System
open System.Data.Common
open System.Net.Sockets
open Microsoft.Data.Sqlite
open Npgsql
open TimepointFlash

/// Turning adapter exceptions into the Core's DbError (the only place that knows Npgsql and SQLite codes).
[<RequireQualifiedAccess>]
module DbError =
    let private firstLine (s: string) =
        match s with
        | null -> ""
        | s -> s.Split('\n').[0].Trim()

    /// Maps an exception the adapters are expected to throw; None for anything else (a bug).
    let ofException (e: exn) : DbError option =
        match e with
        | :? PostgresException as p ->
            match p.SqlState with
            | "23505" ->
                Some(DbError.UniqueViolation(p.ConstraintName |> Option.ofObj |> Option.defaultValue p.MessageText))
            | "23503"
            | "23514"
            | "23502" -> Some(DbError.ConstraintViolation(firstLine p.MessageText))
            | "57P01"
            | "57P02"
            | "57P03"
            | "53300"
            | "3D000"
            | "28P01"
            | "28000" -> Some(DbError.Unavailable(firstLine p.MessageText))
            | "57014" -> Some(DbError.Timeout(firstLine p.MessageText))
            | _ -> Some(DbError.Failed $"{p.SqlState} {firstLine p.MessageText}")
        | :? NpgsqlException as n ->
            let rec socket (x: exn) =
                match x with
                | null -> None
                | :? SocketException as s -> Some s.SocketErrorCode
                | x -> socket x.InnerException

            let rec timedOut (x: exn) =
                match x with
                | null -> false
                | :? TimeoutException -> true
                | x -> timedOut x.InnerException

            match socket n with
            | Some code -> Some(DbError.Unavailable $"cannot connect to PostgreSQL ({code})")
            | None when timedOut n.InnerException -> Some(DbError.Timeout(firstLine n.Message))
            | None when n.IsTransient -> Some(DbError.Unavailable(firstLine n.Message))
            | None -> Some(DbError.Failed(firstLine n.Message))
        | :? SqliteException as s ->
            match s.SqliteErrorCode, s.SqliteExtendedErrorCode with
            | 19, 2067
            | 19, 1555 -> Some(DbError.UniqueViolation(firstLine s.Message))
            | 19, _ -> Some(DbError.ConstraintViolation(firstLine s.Message))
            | 14, _ -> Some(DbError.Unavailable(firstLine s.Message))
            | 5, _
            | 6, _ -> Some(DbError.Timeout(firstLine s.Message))
            | _ -> Some(DbError.Failed(firstLine s.Message))
        | :? DbException as d -> Some(DbError.Failed(firstLine d.Message))
        | :? SocketException as s -> Some(DbError.Unavailable $"cannot connect ({s.SocketErrorCode})")
        | :? TimeoutException as t -> Some(DbError.Timeout(firstLine t.Message))
        | _ -> None
