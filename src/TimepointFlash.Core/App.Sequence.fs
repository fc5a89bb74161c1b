namespace TimepointFlash

open System
open System.Threading.Tasks

/// Scenes linked by navigation, ordered in time around a center.
[<RequireQualifiedAccess>]
module Sequence =
    /// Which side(s) of the center to return.
    [<RequireQualifiedAccess>]
    type Side =
        | Prior
        | Next
        | Both

    /// The center with the linked scenes before and after it, each side nearest-last/nearest-first in time order.
    type View = {
        Center: Timepoint
        Prior: Timepoint list
        Next: Timepoint list
    }

    /// Parses "prior", "next" or "both".
    let parseSide (s: string) =
        match (if isNull s then "" else s.Trim().ToLowerInvariant()) with
        | "prior" -> Some Side.Prior
        | "next" -> Some Side.Next
        | "both" -> Some Side.Both
        | _ -> None

    /// Most scenes visited while walking the navigation graph.
    let maxVisited = 500

    let private order (a: Timepoint) (b: Timepoint) =
        match a.Point, b.Point with
        | Some p, Some q ->
            match Temporal.compare p q with
            | 0 -> compare a.CreatedAt b.CreatedAt
            | c -> c
        | Some _, None -> -1
        | None, Some _ -> 1
        | None, None -> compare a.CreatedAt b.CreatedAt

    /// Splits the connected scenes into those before and after the center in time, keeping `limit` nearest on each side.
    let arrange (side: Side) (limit: int) (center: Timepoint) (linked: Timepoint list) =
        let others =
            linked |> List.filter (fun t -> t.Id <> center.Id) |> List.sortWith order

        let before = others |> List.filter (fun t -> order t center < 0)
        let after = others |> List.filter (fun t -> order t center >= 0)

        let prior =
            if side = Side.Next then
                []
            else
                before |> List.rev |> List.truncate limit |> List.rev

        let next =
            if side = Side.Prior then
                []
            else
                after |> List.truncate limit

        {
            Center = center
            Prior = prior
            Next = next
        }

    /// Walks parents and children from the center (breadth-first, bounded) and arranges the result.
    let load (store: Store) (side: Side) (limit: int) (center: Timepoint) : Task<View> = task {
        let seen = Collections.Generic.Dictionary<Guid, Timepoint>()
        seen[center.Id] <- center
        let queue = Collections.Generic.Queue<Timepoint>([ center ])

        while queue.Count > 0 && seen.Count < maxVisited do
            let t = queue.Dequeue()

            let! parent =
                match t.ParentId with
                | Some p when not (seen.ContainsKey p) -> store.Get p
                | _ -> Task.FromResult None

            let! children = store.Children t.Id

            for n in Option.toList parent @ children do
                if not (seen.ContainsKey n.Id) && seen.Count < maxVisited then
                    seen[n.Id] <- n
                    queue.Enqueue n

        return arrange side limit center (List.ofSeq seen.Values)
    }
