namespace TimepointFlash.Persistence

open System
open System.Collections.Generic
open System.Threading.Tasks
open TimepointFlash

/// The navigation graph: timepoints joined by parent links (a "next" or "prior" scene is a child of its source),
/// possibly branching. Sequence views are built from it, ordered by time rather than by link direction.
[<RequireQualifiedAccess>]
module TimepointGraph =
    /// Sort key by time: year, month, day, hour, minute, second (absent parts first), then creation; no point last.
    let timeKey (t: Timepoint) =
        match t.Point with
        | None -> (1, 0, 0, 0, -1, -1, -1), t.CreatedAt
        | Some p ->
            let v = Option.defaultValue
            (0, p.Year, v 0 p.Month, v 0 p.Day, v -1 p.Hour, v -1 p.Minute, v -1 p.Second), t.CreatedAt

    /// Every timepoint linked to the center through parent/child links, in any direction and across branches,
    /// at most `limit` of them (nearest links first), ordered by time; the center itself is not included.
    let linked (store: TimepointStore) (center: Guid) (limit: int) : Task<Result<Timepoint list, DbError>> = task {
        let found = Dictionary<Guid, Timepoint>()
        let visited = HashSet<Guid>([ center ])
        let queue = Queue<Guid>([ center ])
        let mutable error = None

        let visit (t: Timepoint) =
            if found.Count < limit && visited.Add t.Id then
                found[t.Id] <- t
                queue.Enqueue t.Id

        while error.IsNone && queue.Count > 0 && found.Count < limit do
            let id = queue.Dequeue()

            match! store.TryGet id with
            | Error e -> error <- Some e
            | Ok None -> ()
            | Ok(Some node) ->
                match node.ParentId with
                | Some parentId when not (visited.Contains parentId) ->
                    match! store.TryGet parentId with
                    | Error e -> error <- Some e
                    | Ok parent -> parent |> Option.iter visit
                | _ -> ()

                match! store.Children id with
                | Error e -> error <- Some e
                | Ok children -> children |> List.iter visit

        match error with
        | Some e -> return Error e
        | None -> return Ok(found.Values |> List.ofSeq |> List.sortBy timeKey)
    }
