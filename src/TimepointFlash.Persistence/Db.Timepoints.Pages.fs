namespace TimepointFlash.Persistence

open FsToolkit.ErrorHandling
open TimepointFlash

/// One page of timepoints, newest first, with the total of matching rows; full rows or summaries.
[<RequireQualifiedAccess>]
module TimepointPages =
    let private escapeLike (s: string) =
        s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")

    /// WHERE conditions and their parameters for a listing's visibility (never soft-deleted rows), status and search: the folded search inside the
    /// folded query or location (`search_text`, SearchText), which a trigram index answers on PostgreSQL.
    let private filters (q: ListQuery) = [
        TimepointRow.visible, []
        match q.Status with
        | Some st -> "t.status = @status", [ "status", Sql.text (TimepointStatus.name st) ]
        | None -> ()
        match q.Search |> Option.bind String.nonBlank with
        | Some text ->
            "t.search_text LIKE @search ESCAPE '\\'", [ "search", Sql.text $"%%{escapeLike (SearchText.fold text)}%%" ]
        | None -> ()
    ]

    /// Selects a page of rows with the given columns and maps each with `read`.
    let load (columns: string) (read: Row -> Result<'T, DbError>) (s: Session) (q: ListQuery) = task {
        let page = max 1 q.Page
        let size = q.PageSize |> max 1 |> min 1000
        let conditions = filters q

        let where =
            match conditions with
            | [] -> ""
            | cs -> "WHERE " + (cs |> List.map fst |> String.concat " AND ")

        let ps = conditions |> List.collect snd
        let! total = Db.scalarInt64 s $"SELECT COUNT(*) FROM timepoints t {where}" ps

        // After a cursor: the rows past it in the same order, so inserts of newer rows do not shift the page.
        let keyset, keysetParams, offset =
            match q.After with
            | Some c ->
                [
                    "(t.created_at < @after_at OR (t.created_at = @after_at AND t.id < @after_id))"
                ],
                [ "after_at", Sql.timestamp c.CreatedAt; "after_id", Sql.uuid c.Id ],
                0L
            | None -> [], [], int64 (page - 1) * int64 size

        let pageWhere =
            match (conditions |> List.map fst) @ keyset with
            | [] -> ""
            | cs -> "WHERE " + String.concat " AND " cs

        let! rows =
            Db.query
                s
                $"SELECT {columns} FROM timepoints t {pageWhere} ORDER BY t.created_at DESC, t.id DESC LIMIT @limit OFFSET @offset"
                (ps @ keysetParams @ [ "limit", Sql.int size; "offset", Sql.int64 offset ])
                (fun r ->
                    read r
                    |> Result.map (fun item ->
                        item,
                        {
                            CreatedAt = r.timestamp "created_at"
                            Id = r.uuid "id"
                        }))

        return
            rows
            |> List.sequenceResultM
            |> Result.map (fun items -> {
                Items = items |> List.map fst
                Total = total
                Page = page
                PageSize = size
                Next =
                    if List.length items = size then
                        items |> List.tryLast |> Option.map snd
                    else
                        None
            })
    }
