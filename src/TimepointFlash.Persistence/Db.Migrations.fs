namespace TimepointFlash.Persistence

open System
open System.IO
open System.Reflection
open System.Threading.Tasks
open TimepointFlash

/// One numbered SQL script of a dialect, embedded in this assembly as Migrations/<dialect>/NNNN_name.sql.
type Migration = {
    Version: int
    Name: string
    Sql: string
}

/// Numbered SQL scripts per dialect, applied at start-up and recorded in schema_migrations.
[<RequireQualifiedAccess>]
module Migrations =
    /// Key of the PostgreSQL advisory lock held while migrating ("tpflash" in ASCII).
    let advisoryLockKey = 0x7470666c617368L

    let private folder =
        function
        | Dialect.Sqlite -> "sqlite"
        | Dialect.Postgres -> "postgres"

    /// The embedded scripts of a dialect, in version order.
    let scripts (dialect: Dialect) : Migration list =
        let asm = Assembly.GetExecutingAssembly()
        let prefix = $"Migrations/{folder dialect}/"

        asm.GetManifestResourceNames()
        |> Array.filter (fun n -> n.StartsWith prefix && n.EndsWith ".sql")
        |> Array.map (fun n ->
            let file = n.Substring prefix.Length
            use stream = asm.GetManifestResourceStream n
            use reader = new StreamReader(stream)

            {
                Version = Int32.Parse(file.Substring(0, file.IndexOf '_'))
                Name = Path.GetFileNameWithoutExtension file
                Sql = reader.ReadToEnd()
            })
        |> Array.sortBy (fun m -> m.Version)
        |> List.ofArray

    let private createTable =
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     integer PRIMARY KEY,
            name        text    NOT NULL,
            applied_at  text    NOT NULL
        )
        """

    let private applied (s: Session) =
        Db.query s "SELECT version FROM schema_migrations ORDER BY version" [] (fun r -> r.int "version")

    let private record (s: Session) (db: Database) (m: Migration) =
        Db.execute s """
            INSERT INTO schema_migrations (version, name, applied_at)
            VALUES (@version, @name, @applied_at)
            """ [
            "version", Sql.int m.Version
            "name", Sql.text m.Name
            "applied_at", Sql.text (Timestamp.toSqlite (db.Now()))
        ]

    /// Applies one script and its record in one transaction, unless another migrator already did.
    let private applyOne (db: Database) (m: Migration) : Task<Result<bool, DbError>> =
        Db.transact db (fun s -> task {
            let! done' =
                Db.scalarInt64 s "SELECT COUNT(*) FROM schema_migrations WHERE version = @v" [ "v", Sql.int m.Version ]

            if done' > 0L then
                return Ok false
            else
                let! outcome = Db.attempt (fun () -> Db.execute s m.Sql [])

                match outcome with
                | Error e -> return Error(DbError.Migration(m.Version, DbError.describe e))
                | Ok _ ->
                    let! _ = record s db m
                    return Ok true
        })

    let private applyAll (db: Database) = task {
        let mutable result = Ok 0

        for m in scripts db.Dialect do
            match result with
            | Ok n ->
                match! applyOne db m with
                | Ok true -> result <- Ok(n + 1)
                | Ok false -> ()
                | Error e -> result <- Error e
            | Error _ -> ()

        return result
    }

    /// Applies every pending script; returns how many ran (0 when up to date). On PostgreSQL the whole run holds
    /// a session advisory lock, so replicas starting together migrate one after the other.
    let apply (db: Database) : Task<Result<int, DbError>> =
        match db.Dialect with
        | Dialect.Sqlite -> task {
            match! Db.run db (fun s -> Db.execute s createTable []) with
            | Error e -> return Error e
            | Ok _ -> return! applyAll db
          }
        | Dialect.Postgres -> task {
            // The lock belongs to this session; it is held until every script ran, then released explicitly
            // (a pooled connection keeps its session when disposed).
            let lockSession () = task {
                let! conn = db.Open Threading.CancellationToken.None

                let s = {
                    Connection = conn
                    Transaction = None
                    Dialect = db.Dialect
                }

                let! _ = Db.execute s "SELECT pg_advisory_lock(@key)" [ "key", Sql.int64 advisoryLockKey ]
                return s
            }

            match! Db.attempt lockSession with
            | Error e -> return Error e
            | Ok s ->
                let! result =
                    Db.attempt (fun () -> task {
                        let! _ = Db.execute s createTable []
                        return! applyAll db
                    })

                let! _ =
                    Db.attempt (fun () ->
                        Db.execute s "SELECT pg_advisory_unlock(@key)" [ "key", Sql.int64 advisoryLockKey ])

                s.Connection.Dispose()
                return Result.bind id result
          }

    /// Versions recorded in schema_migrations.
    let appliedVersions (db: Database) : Task<Result<int list, DbError>> = Db.run db applied
