namespace TimepointFlash.Persistence

open FsToolkit.ErrorHandling
open TimepointFlash

/// One page of timepoints, newest first, with the total of matching rows; full rows or summaries.
[<RequireQualifiedAccess>]
module TimepointPages =
    let private escapeLike (s: string) =
        s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")

    /// WHERE conditions and their parameters for a listing's status and search: the folded search inside the
    /// folded query or location (`search_text`, SearchText), which a trigram index answers on PostgreSQL.
    let private filters (q: ListQuery) = [
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

        let! rows =
            Db.query
                s
                $"SELECT {columns} FROM timepoints t {where} ORDER BY t.created_at DESC, t.id DESC LIMIT @limit OFFSET @offset"
                (ps
                 @ [ "limit", Sql.int size; "offset", Sql.int64 (int64 (page - 1) * int64 size) ])
                read

        return
            rows
            |> List.sequenceResultM
            |> Result.map (fun items -> {
                Items = items
                Total = total
                Page = page
                PageSize = size
            })
    }
