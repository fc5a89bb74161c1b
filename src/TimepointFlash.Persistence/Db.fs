namespace TimepointFlash.Persistence

open System
open System.Data.Common
open System.Globalization
open System.Runtime.ExceptionServices
open System.Threading
open System.Threading.Tasks
open Microsoft.Data.Sqlite
open Npgsql
open NpgsqlTypes
open TimepointFlash

/// One pooled data source for the process (an NpgsqlDataSource, or SQLite connections with WAL and foreign keys).
type Database = {
    Dialect: Dialect
    Config: DbConfig
    /// An open connection; the caller disposes it.
    Open: CancellationToken -> Task<DbConnection>
    /// The clock used for created_at, updated_at and leases.
    Now: unit -> DateTimeOffset
    Release: unit -> unit
} with

    interface IDisposable with
        member this.Dispose() = this.Release()

/// An open connection, with the transaction the statements run in, if any.
type Session = {
    Connection: DbConnection
    Transaction: DbTransaction option
    Dialect: Dialect
}

/// A typed SQL parameter value, rendered per dialect (uuid/jsonb/timestamptz on PostgreSQL, TEXT on SQLite).
[<RequireQualifiedAccess>]
type SqlValue =
    | Null
    | Text of string
    | Int of int
    | Int64 of int64
    | Bool of bool
    | Uuid of Guid
    | Timestamp of DateTimeOffset
    | Json of string
    | Bytes of byte[]

/// Typed parameter constructors in the style of Npgsql.FSharp's Sql module.
[<RequireQualifiedAccess>]
module Sql =
    /// A text value.
    let text (s: string) = SqlValue.Text s
    /// An optional text value.
    let textOrNone = Option.map SqlValue.Text >> Option.defaultValue SqlValue.Null
    /// An integer.
    let int (i: int) = SqlValue.Int i
    /// An optional integer.
    let intOrNone = Option.map SqlValue.Int >> Option.defaultValue SqlValue.Null
    /// A 64-bit integer.
    let int64 (i: int64) = SqlValue.Int64 i
    /// A boolean.
    let bool (b: bool) = SqlValue.Bool b
    /// A uuid.
    let uuid (g: Guid) = SqlValue.Uuid g
    /// An optional uuid.
    let uuidOrNone = Option.map SqlValue.Uuid >> Option.defaultValue SqlValue.Null
    /// A timestamptz.
    let timestamp (d: DateTimeOffset) = SqlValue.Timestamp d

    /// An optional timestamptz.
    let timestampOrNone =
        Option.map SqlValue.Timestamp >> Option.defaultValue SqlValue.Null

    /// JSON text (jsonb on PostgreSQL).
    let json (s: string) = SqlValue.Json s
    /// Optional JSON text.
    let jsonOrNone = Option.map SqlValue.Json >> Option.defaultValue SqlValue.Null
    /// Bytes (bytea/BLOB).
    let bytes (b: byte[]) = SqlValue.Bytes b

/// Timestamps as both dialects store them: UTC, microsecond precision.
[<RequireQualifiedAccess>]
module Timestamp =
    /// SQLite's fixed-width text form; sorts like time.
    let sqliteFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"

    /// Truncates to microseconds in UTC, as PostgreSQL keeps it.
    let normalise (d: DateTimeOffset) =
        let u = d.ToUniversalTime()
        DateTimeOffset(u.Ticks - u.Ticks % 10L, TimeSpan.Zero)

    /// The SQLite text of a timestamp.
    let toSqlite (d: DateTimeOffset) =
        (normalise d).ToString(sqliteFormat, CultureInfo.InvariantCulture)

    /// Reads SQLite's text form.
    let ofSqlite (s: string) =
        DateTimeOffset.ParseExact(s, sqliteFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)

/// Named column access over a data reader; nullable columns read as option.
type Row(reader: DbDataReader, dialect: Dialect) =
    member private _.Ordinal(name: string) = reader.GetOrdinal name
    member private r.IsNull name = reader.IsDBNull(r.Ordinal name)
    /// A non-null text column.
    member r.text name = reader.GetString(r.Ordinal name)

    /// A nullable text column.
    member r.textOrNone name =
        if r.IsNull name then None else Some(r.text name)

    /// A non-null integer column.
    member r.int name =
        Convert.ToInt32(reader.GetValue(r.Ordinal name))

    /// A nullable integer column.
    member r.intOrNone name =
        if r.IsNull name then None else Some(r.int name)

    /// A non-null 64-bit integer column.
    member r.int64 name =
        Convert.ToInt64(reader.GetValue(r.Ordinal name))

    /// A nullable 64-bit integer column.
    member r.int64OrNone name =
        if r.IsNull name then None else Some(r.int64 name)

    /// A boolean column (INTEGER 0/1 on SQLite).
    member r.bool name =
        Convert.ToBoolean(reader.GetValue(r.Ordinal name))

    /// A uuid column (TEXT on SQLite).
    member r.uuid name =
        match dialect with
        | Dialect.Postgres -> reader.GetGuid(r.Ordinal name)
        | Dialect.Sqlite -> Guid.Parse(reader.GetString(r.Ordinal name))

    /// A nullable uuid column.
    member r.uuidOrNone name =
        if r.IsNull name then None else Some(r.uuid name)

    /// A timestamptz column (fixed-width TEXT on SQLite).
    member r.timestamp name =
        match dialect with
        | Dialect.Postgres -> reader.GetFieldValue<DateTimeOffset>(r.Ordinal name) |> Timestamp.normalise
        | Dialect.Sqlite -> Timestamp.ofSqlite (reader.GetString(r.Ordinal name))

    /// A nullable timestamptz column.
    member r.timestampOrNone name =
        if r.IsNull name then None else Some(r.timestamp name)

    /// A bytes column.
    member r.bytes name =
        reader.GetFieldValue<byte[]>(r.Ordinal name)

    /// A nullable bytes column.
    member r.bytesOrNone name =
        if r.IsNull name then None else Some(r.bytes name)

/// Thin ADO.NET helpers: named parameters, named row mappers, transactions, one place where exceptions become DbError.
[<RequireQualifiedAccess>]
module Db =
    let private parameter (dialect: Dialect) (cmd: DbCommand) (name: string, value: SqlValue) =
        let p = cmd.CreateParameter()
        p.ParameterName <- name

        let v: obj =
            match value, dialect with
            | SqlValue.Null, _ -> DBNull.Value
            | SqlValue.Text s, _ -> s
            | SqlValue.Int i, _ -> i
            | SqlValue.Int64 i, _ -> i
            | SqlValue.Bool b, Dialect.Postgres -> b
            | SqlValue.Bool b, Dialect.Sqlite -> (if b then 1 else 0)
            | SqlValue.Uuid g, Dialect.Postgres -> g
            | SqlValue.Uuid g, Dialect.Sqlite -> g.ToString "D"
            | SqlValue.Timestamp d, Dialect.Postgres -> Timestamp.normalise d
            | SqlValue.Timestamp d, Dialect.Sqlite -> Timestamp.toSqlite d
            | SqlValue.Json s, _ -> s
            | SqlValue.Bytes b, _ -> b

        match value, p with
        | SqlValue.Json _, (:? NpgsqlParameter as np) -> np.NpgsqlDbType <- NpgsqlDbType.Jsonb
        | _ -> ()

        p.Value <- v
        cmd.Parameters.Add p |> ignore

    let private command (s: Session) (sql: string) (ps: (string * SqlValue) list) =
        let cmd = s.Connection.CreateCommand()
        cmd.CommandText <- sql
        s.Transaction |> Option.iter (fun t -> cmd.Transaction <- t)
        ps |> List.iter (parameter s.Dialect cmd)
        cmd

    /// Runs a statement; returns the number of affected rows.
    let execute (s: Session) (sql: string) (ps: (string * SqlValue) list) : Task<int> = task {
        use cmd = command s sql ps
        return! cmd.ExecuteNonQueryAsync()
    }

    /// Runs a query and maps every row.
    let query (s: Session) (sql: string) (ps: (string * SqlValue) list) (map: Row -> 'T) : Task<'T list> = task {
        use cmd = command s sql ps
        use! reader = cmd.ExecuteReaderAsync()
        let row = Row(reader, s.Dialect)
        let items = ResizeArray()

        let mutable more = true

        while more do
            let! next = reader.ReadAsync()

            if next then items.Add(map row) else more <- false

        return List.ofSeq items
    }

    /// Runs a query and maps the first row, if any.
    let queryOption (s: Session) sql ps (map: Row -> 'T) : Task<'T option> = task {
        let! rows = query s sql ps map
        return List.tryHead rows
    }

    /// Runs a query returning one 64-bit integer (COUNT, MAX …).
    let scalarInt64 (s: Session) (sql: string) ps : Task<int64> = task {
        use cmd = command s sql ps
        let! v = cmd.ExecuteScalarAsync()

        return
            match v with
            | null -> 0L
            | :? DBNull -> 0L
            | v -> Convert.ToInt64 v
    }

    /// Turns the failures adapters are expected to throw into DbError; bugs stay exceptions.
    let attempt (work: unit -> Task<'T>) : Task<Result<'T, DbError>> = task {
        try
            let! v = work ()
            return Ok v
        with e ->
            let inner =
                match e with
                | :? AggregateException as a when not (isNull a.InnerException) -> a.InnerException
                | e -> e

            match DbError.ofException inner with
            | Some err -> return Error err
            | None ->
                ExceptionDispatchInfo.Capture(inner).Throw()
                return Unchecked.defaultof<_>
    }

    /// Opens a connection, runs the work without a transaction, closes the connection.
    let run (db: Database) (work: Session -> Task<'T>) : Task<Result<'T, DbError>> =
        attempt (fun () -> task {
            use! conn = db.Open CancellationToken.None

            return!
                work {
                    Connection = conn
                    Transaction = None
                    Dialect = db.Dialect
                }
        })

    /// Like `run`, for in-flight progress that a synced write will follow (step logs, pending and processing rows).
    /// SQLite commits it without waiting for the disk (synchronous = NORMAL for this connection checkout): it
    /// survives a crash of the process, and becomes power-loss durable with the next synced commit (every other
    /// write, e.g. the one that finishes the timepoint). PostgreSQL: exactly `run`.
    let runBuffered (db: Database) (work: Session -> Task<'T>) : Task<Result<'T, DbError>> =
        run db (fun s -> task {
            if s.Dialect = Dialect.Sqlite then
                let! _ = execute s "PRAGMA synchronous = NORMAL" []
                ()

            return! work s
        })

    let private transactWith
        (buffered: bool)
        (db: Database)
        (work: Session -> Task<Result<'T, DbError>>)
        : Task<Result<'T, DbError>> =
        task {
            let! outcome =
                attempt (fun () -> task {
                    use! conn = db.Open CancellationToken.None

                    if buffered && db.Dialect = Dialect.Sqlite then
                        use cmd = conn.CreateCommand()
                        cmd.CommandText <- "PRAGMA synchronous = NORMAL"
                        let! _ = cmd.ExecuteNonQueryAsync()
                        ()

                    use! tx =
                        match conn with
                        | :? SqliteConnection as c ->
                            Task.FromResult(c.BeginTransaction(deferred = false) :> DbTransaction)
                        | c -> c.BeginTransactionAsync().AsTask()

                    let! result =
                        work {
                            Connection = conn
                            Transaction = Some tx
                            Dialect = db.Dialect
                        }

                    match result with
                    | Ok _ -> do! tx.CommitAsync()
                    | Error _ -> do! tx.RollbackAsync()

                    return result
                })

            return Result.bind id outcome
        }

    /// Runs the work in one transaction (BEGIN IMMEDIATE on SQLite); commits on Ok, rolls back on Error or exception.
    let transact (db: Database) (work: Session -> Task<Result<'T, DbError>>) : Task<Result<'T, DbError>> =
        transactWith false db work

    /// Like `transact`, for in-flight progress that a synced write will follow (as `runBuffered`): on SQLite the
    /// commit does not wait for the disk. PostgreSQL: exactly `transact`.
    let transactBuffered (db: Database) (work: Session -> Task<Result<'T, DbError>>) : Task<Result<'T, DbError>> =
        transactWith true db work

    /// Checks the database answers SELECT 1.
    let ping (db: Database) =
        run db (fun s -> scalarInt64 s "SELECT 1" [])
