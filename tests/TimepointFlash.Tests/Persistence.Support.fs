/// Fresh databases per test (a temp SQLite file, or a new PostgreSQL database on TEST_POSTGRES_URL) and
/// shared helpers for the persistence suites.
module TimepointFlash.Tests.Persistence.Support

open System
open System.IO
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash
open TimepointFlash.Persistence

/// The throwaway server's admin connection string.
/// A step record with nothing but its step and status.
let stepRecord (step: Step) (status: StepStatus) = {
    StepRecord.started DateTimeOffset.MinValue step with
        Status = status
}

let adminConnectionString () =
    match Environment.GetEnvironmentVariable "TEST_POSTGRES_URL" with
    | null
    | "" -> failtest "TEST_POSTGRES_URL is not set: run the suite through ./scripts/test.sh"
    | cs -> cs

/// Creates an empty PostgreSQL database and returns its configuration.
let createPostgresDatabase () = task {
    let name = $"t_{Guid.NewGuid():N}"
    use admin = new NpgsqlConnection(adminConnectionString ())
    do! admin.OpenAsync()
    use cmd = new NpgsqlCommand($"CREATE DATABASE {name}", admin)
    let! _ = cmd.ExecuteNonQueryAsync()
    let b = NpgsqlConnectionStringBuilder(adminConnectionString (), Database = name)
    return name, DbConfig.Postgres b.ConnectionString
}

/// Drops a test database, closing its remaining sessions.
let dropPostgresDatabase (name: string) = task {
    use admin = new NpgsqlConnection(adminConnectionString ())
    do! admin.OpenAsync()
    use cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin)
    let! _ = cmd.ExecuteNonQueryAsync()
    return ()
}

/// A fresh, empty (unmigrated) database of a dialect; the cleanup removes it.
let freshConfig (dialect: Dialect) : Task<DbConfig * (unit -> Task<unit>)> = task {
    match dialect with
    | Dialect.Sqlite ->
        let path = Path.Combine(Path.GetTempPath(), $"tpflash-test-{Guid.NewGuid():N}.db")

        let cleanup () = task {
            for suffix in [ ""; "-wal"; "-shm" ] do
                try
                    File.Delete(path + suffix)
                with _ ->
                    ()
        }

        return DbConfig.Sqlite path, cleanup
    | Dialect.Postgres ->
        let! name, config = createPostgresDatabase ()
        return config, (fun () -> dropPostgresDatabase name)
}

/// Runs a test against a fresh, empty (unmigrated) database configuration and removes it afterwards.
let withConfig (dialect: Dialect) (test: DbConfig -> Task<unit>) : Task<unit> = task {
    let! config, cleanup = freshConfig dialect

    try
        do! test config
    finally
        (cleanup ()).Wait()
}

/// Fails the test with the error's description.
let ok (what: string) (r: Result<'T, DbError>) =
    match r with
    | Ok v -> v
    | Error e -> failtest $"{what}: {DbError.describe e}"

/// Opens a database for a configuration (no migration).
let openDb (config: DbConfig) =
    match Database.create config with
    | Ok db -> db
    | Error e -> failtest (DbError.describe e)

/// Runs a test against a fresh, migrated database of the dialect and removes it afterwards.
let withDb (dialect: Dialect) (test: Database -> Task<unit>) : Task<unit> = task {
    let! config, cleanup = freshConfig dialect

    try
        let db = openDb config

        try
            let! applied = Migrations.apply db
            ok "migrations" applied |> ignore
            do! test db
        finally
            (db :> IDisposable).Dispose()
    finally
        (cleanup ()).Wait()
}

/// The dialect's display name in test names.
let dialectName =
    function
    | Dialect.Sqlite -> "SQLite"
    | Dialect.Postgres -> "PostgreSQL"

/// A minimal pending timepoint with a unique slug.
let pending (query: string) =
    let now = Timestamp.normalise DateTimeOffset.UtcNow
    Timepoint.pending (Guid.NewGuid()) query (Slug.ofText query None) false now

/// A timepoint at a year (for ordering tests).
let atYear (query: string) (year: int) =
    let t = pending query

    {
        t with
            Point =
                Some {
                    Year = year
                    Month = None
                    Day = None
                    Hour = None
                    Minute = None
                    Second = None
                    Season = None
                    TimeOfDay = None
                    Era = None
                    Hemisphere = None
                    Calendar = Calendar.Historical
                }
    }

/// Runs one SQL statement returning a 64-bit integer.
let scalar (db: Database) (sql: string) (ps: (string * SqlValue) list) = task {
    let! r = Db.run db (fun s -> Db.scalarInt64 s sql ps)
    return ok sql r
}
