namespace TimepointFlash.Persistence

open System
open System.Data.Common
open System.IO
open System.Threading
open System.Threading.Tasks
open Microsoft.Data.Sqlite
open Npgsql
open TimepointFlash

/// Creating the process-wide Database from a DbConfig.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Database =
    // Run on every checkout of a pooled connection: synchronous = FULL (every commit waits for the disk) is reset
    // here because Db.runBuffered lowers it for one checkout.
    let private sqlitePragmas (conn: SqliteConnection) = task {
        use cmd = conn.CreateCommand()
        cmd.CommandText <- "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;"
        let! _ = cmd.ExecuteNonQueryAsync()
        return ()
    }

    /// SQLite's lower() folds ASCII only; searches fold both sides with .NET's invariant lower case instead.
    let private sqliteFunctions (conn: SqliteConnection) =
        conn.CreateFunction(
            "tp_lower",
            Func<string, string>(fun s -> if isNull s then null else s.ToLowerInvariant()),
            isDeterministic = true
        )

    let private sqlite (config: DbConfig) (path: string) =
        let memory = path = ":memory:"

        let builder =
            if memory then
                SqliteConnectionStringBuilder(
                    DataSource = $"tpflash-{Guid.NewGuid():N}",
                    Mode = SqliteOpenMode.Memory,
                    Cache = SqliteCacheMode.Shared
                )
            else
                let full = Path.GetFullPath path
                Path.GetDirectoryName full |> Directory.CreateDirectory |> ignore
                SqliteConnectionStringBuilder(DataSource = full, Pooling = true, DefaultTimeout = 30)

        let cs = builder.ConnectionString

        let openConnection (ct: CancellationToken) : Task<DbConnection> = task {
            let conn = new SqliteConnection(cs)

            try
                do! conn.OpenAsync ct
                sqliteFunctions conn
                do! sqlitePragmas conn
            with e ->
                conn.Dispose()
                raise e

            return conn :> DbConnection
        }

        // An in-memory database lives as long as one connection to it stays open.
        let keeper =
            if memory then
                let c = new SqliteConnection(cs)
                c.Open()
                Some c
            else
                None

        if not memory then
            use c = new SqliteConnection(cs)
            c.Open()
            use cmd = c.CreateCommand()
            cmd.CommandText <- "PRAGMA journal_mode = WAL;"
            cmd.ExecuteNonQuery() |> ignore

        {
            Dialect = Dialect.Sqlite
            Config = config
            Open = openConnection
            Now = fun () -> Timestamp.normalise DateTimeOffset.UtcNow
            Release =
                fun () ->
                    keeper |> Option.iter (fun k -> k.Dispose())
                    SqliteConnection.ClearAllPools()
        }

    let private postgres (config: DbConfig) (cs: string) =
        let dataSource = NpgsqlDataSource.Create cs

        {
            Dialect = Dialect.Postgres
            Config = config
            Open =
                fun ct -> task {
                    let! conn = dataSource.OpenConnectionAsync ct
                    return conn :> DbConnection
                }
            Now = fun () -> Timestamp.normalise DateTimeOffset.UtcNow
            Release = fun () -> dataSource.Dispose()
        }

    /// Builds the pooled data source for a configuration (no connection is made yet for PostgreSQL).
    let create (config: DbConfig) : Result<Database, DbError> =
        try
            match config with
            | DbConfig.Sqlite path -> Ok(sqlite config path)
            | DbConfig.Postgres cs -> Ok(postgres config cs)
        with
        | :? IOException
        | :? UnauthorizedAccessException as e -> Error(DbError.Unavailable e.Message)
        | e ->
            match DbError.ofException e with
            | Some err -> Error err
            | None -> raise e

    /// Builds the data source and checks the server answers; a one-line error when it does not.
    let connect (config: DbConfig) : Task<Result<Database, DbError>> = task {
        match create config with
        | Error e -> return Error e
        | Ok db ->
            match! Db.ping db with
            | Ok _ -> return Ok db
            | Error e ->
                (db :> IDisposable).Dispose()

                let where = DbConfig.describe config

                return
                    Error(
                        match e with
                        | DbError.Unavailable d -> DbError.Unavailable $"{where}: {d}"
                        | DbError.Timeout d -> DbError.Timeout $"{where}: {d}"
                        | other -> other
                    )
    }
