namespace TimepointFlash.Persistence

open System
open System.Data.Common
open System.Net.Sockets
open Microsoft.Data.Sqlite
open Npgsql

/// What went wrong talking to the database; every adapter failure becomes one of these in Db.attempt.
[<RequireQualifiedAccess>]
type DbError =
    /// The server cannot be reached or refused the connection.
    | Unavailable of detail: string
    /// A UNIQUE constraint rejected the write.
    | UniqueViolation of detail: string
    /// A foreign key, CHECK or NOT NULL constraint rejected the write.
    | ConstraintViolation of detail: string
    /// The row the operation needs does not exist.
    | NotFound of what: string
    /// A stored row could not be read back into the domain.
    | Corrupt of detail: string
    /// A migration script failed.
    | Migration of version: int * detail: string
    /// Any other database failure.
    | Failed of detail: string

[<RequireQualifiedAccess>]
module DbError =
    /// One line for logs and problem details (no connection secrets).
    let describe =
        function
        | DbError.Unavailable d -> $"database unavailable: {d}"
        | DbError.UniqueViolation d -> $"duplicate value: {d}"
        | DbError.ConstraintViolation d -> $"constraint violated: {d}"
        | DbError.NotFound what -> $"not found: {what}"
        | DbError.Corrupt d -> $"stored data cannot be read: {d}"
        | DbError.Migration(v, d) -> $"migration {v:D4} failed: {d}"
        | DbError.Failed d -> $"database error: {d}"

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
            | _ -> Some(DbError.Failed $"{p.SqlState} {firstLine p.MessageText}")
        | :? NpgsqlException as n ->
            let rec socket (x: exn) =
                match x with
                | null -> None
                | :? SocketException as s -> Some s.SocketErrorCode
                | x -> socket x.InnerException

            match socket n with
            | Some code -> Some(DbError.Unavailable $"cannot connect to PostgreSQL ({code})")
            | None when n.IsTransient -> Some(DbError.Unavailable(firstLine n.Message))
            | None -> Some(DbError.Failed(firstLine n.Message))
        | :? SqliteException as s ->
            match s.SqliteErrorCode, s.SqliteExtendedErrorCode with
            | 19, 2067
            | 19, 1555 -> Some(DbError.UniqueViolation(firstLine s.Message))
            | 19, _ -> Some(DbError.ConstraintViolation(firstLine s.Message))
            | 14, _ -> Some(DbError.Unavailable(firstLine s.Message))
            | _ -> Some(DbError.Failed(firstLine s.Message))
        | :? DbException as d -> Some(DbError.Failed(firstLine d.Message))
        | :? SocketException as s -> Some(DbError.Unavailable $"cannot connect ({s.SocketErrorCode})")
        | :? TimeoutException as t -> Some(DbError.Unavailable(firstLine t.Message))
        | _ -> None

    /// True for a unique violation.
    let isUnique =
        function
        | DbError.UniqueViolation _ -> true
        | _ -> false
