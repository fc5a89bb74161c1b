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
