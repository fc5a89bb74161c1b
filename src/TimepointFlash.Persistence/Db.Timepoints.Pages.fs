namespace TimepointFlash.Persistence

open FsToolkit.ErrorHandling
open TimepointFlash

/// One page of timepoints, newest first, with the total of matching rows; full rows or summaries.
[<RequireQualifiedAccess>]
module TimepointPages =
    let private escapeLike (s: string) =
        s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")

    /// Unicode characters (not UTF-16 units) in a text: the trigram index answers searches of three or more.
    let private characters (text: string) =
        text |> Seq.filter (fun c -> not (System.Char.IsLowSurrogate c)) |> Seq.length

    /// An FTS5 phrase query for the text: double-quoted, inner quotes doubled, so every character is literal.
    let private phrase (text: string) =
        "\"" + text.Replace("\"", "\"\"") + "\""

    /// The condition that the folded search lies inside `search_text`: the trigram index of migration 0013 on
    /// SQLite (a phrase query of three or more characters), otherwise LIKE, which the pg_trgm index answers on
    /// PostgreSQL and which scans the narrow column for one- and two-character searches on SQLite.
    let private searchCondition (dialect: Dialect) (text: string) =
        let folded = SearchText.fold text

        match dialect with
        | Dialect.Sqlite when characters folded >= 3 ->
            "t.rowid IN (SELECT rowid FROM timepoints_search WHERE timepoints_search MATCH @search)",
            [ "search", Sql.text (phrase folded) ]
        | _ -> "t.search_text LIKE @search ESCAPE '\\'", [ "search", Sql.text $"%%{escapeLike folded}%%" ]

    /// WHERE conditions and their parameters for a listing's visibility (never soft-deleted rows), status and
    /// search: the folded search inside the folded query or location (`search_text`, SearchText), answered by an
    /// index on both dialects.
    let private filters (dialect: Dialect) (q: ListQuery) = [
        TimepointRow.visible, []
        match q.Status with
        | Some st -> "t.status = @status", [ "status", Sql.text (TimepointStatus.name st) ]
        | None -> ()
        match q.Search |> Option.bind String.nonBlank with
        | Some text -> searchCondition dialect text
        | None -> ()
    ]

    /// Whether a listing has a search (a blank one is ignored).
    let private searching (q: ListQuery) =
        q.Search |> Option.bind String.nonBlank |> Option.isSome

    /// Whether the page query counts the matches itself (`COUNT(*) OVER ()` before the limit): a search without a
    /// cursor, so the one pass over the index's matches that orders them also counts them.
    let private countsInPage (q: ListQuery) = searching q && q.After.IsNone

    /// The number of rows a listing matches: without a search, the visible rows of its status (or all statuses)
    /// from the counts kept by migration 0014's triggers; with a search, a count of the matches.
    let private total (s: Session) (q: ListQuery) (where: string) ps =
        match searching q, q.Status with
        | true, _ -> Db.scalarInt64 s $"SELECT COUNT(*) FROM timepoints t {where}" ps
        | false, None -> Db.scalarInt64 s "SELECT COALESCE(SUM(n), 0) FROM timepoint_counts" []
        | false, Some st ->
            Db.scalarInt64 s "SELECT COALESCE(SUM(n), 0) FROM timepoint_counts WHERE status = @status" [
                "status", Sql.text (TimepointStatus.name st)
            ]

    /// Selects a page of rows with the given columns and maps each with `read`.
    let load (columns: string) (read: Row -> Result<'T, DbError>) (s: Session) (q: ListQuery) = task {
        let page = max 1 q.Page
        let size = q.PageSize |> max 1 |> min 1000
        let conditions = filters s.Dialect q

        let where =
            match conditions with
            | [] -> ""
            | cs -> "WHERE " + (cs |> List.map fst |> String.concat " AND ")

        let ps = conditions |> List.collect snd
        let counted = countsInPage q

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
                // The page's ids first (the order's index, no wide column read), then their columns: a search
                // matching thousands of rows sorts ids, not stored summaries.
                $"""
                SELECT {columns}{if counted then ", p.total" else ""} FROM timepoints t JOIN (
                    SELECT t.id{if counted then ", COUNT(*) OVER () AS total" else ""} FROM timepoints t {pageWhere}
                    ORDER BY t.created_at DESC, t.id DESC LIMIT @limit OFFSET @offset) p ON p.id = t.id
                ORDER BY t.created_at DESC, t.id DESC
                """
                (ps @ keysetParams @ [ "limit", Sql.int size; "offset", Sql.int64 offset ])
                (fun r ->
                    read r
                    |> Result.map (fun item ->
                        item,
                        {
                            CreatedAt = r.timestamp "created_at"
                            Id = r.uuid "id"
                        },
                        (if counted then r.int64 "total" else 0L)))

        // A page past the last match has no row to carry the count.
        let! total =
            match rows with
            | Ok(_, _, n) :: _ when counted -> System.Threading.Tasks.Task.FromResult n
            | _ -> total s q where ps

        return
            rows
            |> List.sequenceResultM
            |> Result.map (fun items -> {
                Items = items |> List.map (fun (item, _, _) -> item)
                Total = total
                Page = page
                PageSize = size
                Next =
                    if List.length items = size then
                        items |> List.tryLast |> Option.map (fun (_, cursor, _) -> cursor)
                    else
                        None
            })
    }
