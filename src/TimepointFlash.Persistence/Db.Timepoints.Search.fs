namespace TimepointFlash.Persistence

open System.Threading.Tasks
open TimepointFlash

/// The folded search text of rows written before migration 0008 (SQL cannot fold like SearchText does).
[<RequireQualifiedAccess>]
module SearchRows =
    /// Fills `search_text` where it is missing, `batch` rows at a time; returns how many rows were filled.
    let backfill (db: Database) (batch: int) : Task<Result<int, DbError>> = task {
        let mutable filled = 0
        let mutable outcome = None

        while outcome.IsNone do
            let! rows =
                Db.run db (fun s -> task {
                    let! rows =
                        Db.query
                            s
                            "SELECT t.id, t.query, t.location FROM timepoints t WHERE t.search_text IS NULL LIMIT @limit"
                            [ "limit", Sql.int batch ]
                            (fun r -> r.uuid "id", r.text "query", r.textOrNone "location")

                    for id, query, location in rows do
                        let! _ =
                            Db.execute s "UPDATE timepoints SET search_text = @text WHERE id = @id" [
                                "text", Sql.text (SearchText.ofTimepoint query location)
                                "id", Sql.uuid id
                            ]

                        ()

                    return List.length rows
                })

            match rows with
            | Error e -> outcome <- Some(Error e)
            | Ok 0 -> outcome <- Some(Ok filled)
            | Ok n -> filled <- filled + n

        return outcome.Value
    }

    /// On SQLite, whether the FTS5 index of migration 0013 has a row for exactly the timepoints' rowids (run after
    /// `backfill`, when every row has its search text); rebuilds it when not (a file copied by VACUUM may renumber
    /// rowids). Reads the rowid index and the index's own narrow table, never the wide rows. True when rebuilt.
    let checkIndex (db: Database) : Task<Result<bool, DbError>> =
        match db.Dialect with
        | Dialect.Postgres -> Task.FromResult(Ok false)
        | Dialect.Sqlite ->
            Db.transact db (fun s -> task {
                let! stale =
                    Db.scalarInt64 s """
                        SELECT CASE WHEN
                            (SELECT COUNT(*) FROM timepoints) = (SELECT COUNT(*) FROM timepoints_search)
                            AND NOT EXISTS (
                                SELECT 1 FROM timepoints_search f
                                WHERE f.rowid NOT IN (SELECT t.rowid FROM timepoints t))
                        THEN 0 ELSE 1 END
                        """ []

                if stale = 0L then
                    return Ok false
                else
                    let! _ = Db.execute s "DELETE FROM timepoints_search" []

                    let! _ =
                        Db.execute
                            s
                            "INSERT INTO timepoints_search (rowid, search_text) SELECT rowid, search_text FROM timepoints WHERE search_text IS NOT NULL"
                            []

                    return Ok true
            })
