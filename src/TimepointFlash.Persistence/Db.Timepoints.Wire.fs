namespace TimepointFlash.Persistence

open System
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash

/// The stored wire JSON of timepoints (migration 0008): rendered once from the row when a finished timepoint is
/// written, served as bytes, rendered again when the row changed since (the trigger nulls wire_stamp) or when the
/// stamp is another renderer's.
[<RequireQualifiedAccess>]
module WireRows =
    /// Where a timepoint is looked up: by id or by slug.
    [<RequireQualifiedAccess>]
    type Key =
        | Id of Guid
        | Slug of string

    let private condition =
        function
        | Key.Id id -> $"t.id = @key AND {TimepointRow.visible}", [ "key", Sql.uuid id ]
        | Key.Slug slug -> $"t.slug = @key AND {TimepointRow.visible}", [ "key", Sql.text slug ]

    /// The full row with its revision.
    let private loadIn (s: Session) (key: Key) = task {
        let where, ps = condition key

        let! rows =
            Db.query s $"SELECT {TimepointRow.columns}, t.wire_rev FROM timepoints t WHERE {where}" ps (fun r ->
                TimepointRow.read r |> Result.map (fun t -> t, r.int64 "wire_rev"))

        return rows |> List.sequenceResultM |> Result.map List.tryHead
    }

    let private writeSql =
        """
        UPDATE timepoints SET
            wire_full = @full, wire_summary = @summary, wire_hash = @hash, wire_summary_hash = @summary_hash,
            wire_stamp = @stamp
        WHERE id = @id AND wire_rev = @rev AND (wire_stamp IS NULL OR wire_stamp <> @stamp)
        """

    /// Renders the timepoint from its row and, when it is finished, stores the bytes unless the row changed since
    /// it was read. The one place stored bytes are written. None when the timepoint does not exist.
    let refreshIn (s: Session) (key: Key) : Task<Result<(Timepoint * StoredWire) option, DbError>> = task {
        match! loadIn s key with
        | Error e -> return Error e
        | Ok None -> return Ok None
        | Ok(Some(t, rev)) ->
            let wire = StoredWire.render t

            if TimepointStatus.isFinal t.Status then
                let! _ =
                    Db.execute s writeSql [
                        "full", Sql.bytes wire.Full
                        "summary", Sql.bytes wire.Summary
                        "hash", Sql.text wire.Hash
                        "summary_hash", Sql.text wire.SummaryHash
                        "stamp", Sql.text wire.Stamp
                        "id", Sql.uuid t.Id
                        "rev", Sql.int64 rev
                    ]

                ()

            return Ok(Some(t, wire))
    }

    /// Marks a timepoint's stored bytes stale (for changes outside its row, such as its image).
    let markStaleIn (s: Session) (id: Guid) =
        Db.execute s "UPDATE timepoints SET wire_stamp = NULL, wire_rev = wire_rev + 1 WHERE id = @id" [
            "id", Sql.uuid id
        ]

    /// The body of one form with the timepoint's status: the stored bytes when current, otherwise rendered from
    /// the row (and stored when the timepoint is finished). None when the timepoint does not exist.
    let readIn (s: Session) (key: Key) (full: bool) : Task<Result<(RenderedBody * TimepointStatus) option, DbError>> = task {
        let where, ps = condition key

        let bytesColumn, hashColumn =
            if full then
                "wire_full", "wire_hash"
            else
                "wire_summary", "wire_summary_hash"

        let! stored =
            Db.queryOption
                s
                $"SELECT t.status, t.{bytesColumn} AS bytes, t.{hashColumn} AS hash, t.wire_stamp FROM timepoints t WHERE {where}"
                ps
                (fun r ->
                    match
                        r.textOrNone "wire_stamp",
                        r.bytesOrNone "bytes",
                        r.textOrNone "hash",
                        TimepointStatus.tryParse (r.text "status")
                    with
                    | Some stamp, Some bytes, Some hash, Some status when stamp = StoredWire.stamp ->
                        Some(
                            {
                                Bytes = bytes
                                ETag = StoredWire.etagOfHash hash
                            },
                            status
                        )
                    | _ -> None)

        match stored with
        | None -> return Ok None
        | Some(Some found) -> return Ok(Some found)
        | Some None ->
            let! refreshed = refreshIn s key

            return
                refreshed
                |> Result.map (Option.map (fun (t, wire) -> StoredWire.served full wire, t.Status))
    }

    /// What a listing selects: the stored summary and its stamp only (the summary columns are read for the rare
    /// row whose bytes are stale, see `listPage`).
    let listColumns = "t.id, t.created_at, t.wire_summary, t.wire_stamp"

    /// A listed row's stored summary bytes when current; otherwise its id, for rendering.
    let private readListed (row: Row) : Result<Choice<byte[], Guid>, DbError> =
        match row.textOrNone "wire_stamp", row.bytesOrNone "wire_summary" with
        | Some stamp, Some bytes when stamp = StoredWire.stamp -> Ok(Choice1Of2 bytes)
        | _ -> Ok(Choice2Of2(row.uuid "id"))

    /// The summary JSON of one timepoint rendered from its summary columns.
    let private renderSummaryIn (s: Session) (id: Guid) = task {
        let! rows =
            Db.query
                s
                $"SELECT {TimepointRow.summaryColumns} FROM timepoints t WHERE t.id = @id"
                [ "id", Sql.uuid id ]
                TimepointRow.readSummary

        return
            match rows with
            | [ summary ] ->
                summary
                |> Result.map (fun summary ->
                    Text.Encoding.UTF8.GetBytes(Encode.toString (TimepointWire.encodeSummary summary)))
            | _ -> Error(DbError.NotFound $"timepoint {id}")
    }

    /// A page of listed summaries as wire JSON bytes: the stored bytes, rendered from the row where stale.
    let listPage (s: Session) (q: ListQuery) : Task<Result<Page<byte[]>, DbError>> = task {
        match! TimepointPages.load listColumns readListed s q with
        | Error e -> return Error e
        | Ok page ->
            let items = ResizeArray()
            let mutable failed = None

            for item in page.Items do
                match item with
                | Choice1Of2 bytes -> items.Add bytes
                | Choice2Of2 id when failed.IsNone ->
                    match! renderSummaryIn s id with
                    | Ok bytes -> items.Add bytes
                    | Error e -> failed <- Some e
                | Choice2Of2 _ -> ()

            return
                match failed with
                | Some e -> Error e
                | None ->
                    Ok {
                        Items = List.ofSeq items
                        Total = page.Total
                        Page = page.Page
                        PageSize = page.PageSize
                        Next = page.Next
                    }
    }

    /// Renders every finished timepoint whose bytes are missing or another renderer's, `batch` rows at a time
    /// in id order; a row that cannot be read is skipped. Returns how many were rendered.
    let refreshStale (db: Database) (batch: int) : Task<Result<int, DbError>> = task {
        let mutable after: Guid option = None
        let mutable rendered = 0
        let mutable outcome = None

        while outcome.IsNone do
            let! ids =
                Db.run db (fun s ->
                    Db.query
                        s
                        $"""
                        SELECT t.id FROM timepoints t
                        WHERE t.status IN (@completed, @failed) AND {TimepointRow.visible}
                          AND (t.wire_stamp IS NULL OR t.wire_stamp <> @stamp)
                          {if after.IsSome then "AND t.id > @after" else ""}
                        ORDER BY t.id LIMIT @limit
                        """
                        [
                            "stamp", Sql.text StoredWire.stamp
                            "completed", Sql.text (TimepointStatus.name TimepointStatus.Completed)
                            "failed", Sql.text (TimepointStatus.name TimepointStatus.Failed)
                            "limit", Sql.int batch
                            if after.IsSome then
                                "after", Sql.uuid after.Value
                        ]
                        (fun r -> r.uuid "id"))

            match ids with
            | Error e -> outcome <- Some(Error e)
            | Ok [] -> outcome <- Some(Ok rendered)
            | Ok ids ->
                for id in ids do
                    match! Db.run db (fun s -> refreshIn s (Key.Id id)) with
                    | Ok(Ok(Some _)) -> rendered <- rendered + 1
                    | _ -> ()

                after <- Some(List.last ids)

        return outcome.Value
    }
