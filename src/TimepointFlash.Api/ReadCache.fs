namespace TimepointFlash.Api

open System
open System.Collections.Concurrent
open TimepointFlash

/// Rendered timepoints kept in memory a while within a byte budget, keyed by id and `full`; only finished timepoints.
type ReadCache = {
    /// The rendered body of a timepoint, if cached and not expired.
    TryGet: Guid -> bool -> RenderedBody option
    /// A counter that moves on every invalidation; read it before loading what you will Put.
    Epoch: unit -> int64
    /// Keeps a rendered body loaded at the given epoch (a no-op when the cache is off or was invalidated since).
    Put: Guid -> bool -> int64 -> RenderedBody -> unit
    /// Forgets one timepoint.
    Forget: Guid -> unit
    /// Forgets everything.
    Clear: unit -> unit
}

[<RequireQualifiedAccess>]
module ReadCache =
    /// Whether a timepoint in this status may be cached: only final ones (a running one changes each step).
    let cacheable = TimepointStatus.isFinal

    /// A strong entity tag of a body: the first 16 bytes of its SHA-256, in hex, quoted.
    let etagOf = StoredWire.etagOf

    /// The share of the budget a full cache frees at once: an eighth, so eviction runs once per many puts.
    let private evictionShare = 8L

    /// A cache keeping entries for `ttl` by the given clock (Stopwatch ticks) within `budget` bytes of bodies;
    /// a ttl or budget of zero turns it off. When a put would pass the budget, expired entries go first, then
    /// arbitrary ones (the dictionary's order) until an eighth of the budget is free: a uniformly random reader
    /// keeps a steady share of hits instead of losing everything at once.
    let create (ttl: TimeSpan) (budget: int64) (now: unit -> int64) : ReadCache =
        let entries =
            ConcurrentDictionary<struct (Guid * bool), struct (RenderedBody * int64)>()

        let lifetime = int64 (ttl.TotalSeconds * float Diagnostics.Stopwatch.Frequency)
        let epoch = ref 0L
        let held = ref 0L

        let remove (key: struct (Guid * bool)) =
            let mutable removed = Unchecked.defaultof<struct (RenderedBody * int64)>

            if entries.TryRemove(key, &removed) then
                let struct (body, _) = removed
                Threading.Interlocked.Add(&held.contents, -int64 body.Bytes.Length) |> ignore

        let evict (needed: int64) =
            let target = budget - budget / evictionShare - needed
            let at = now ()

            for KeyValue(key, struct (_, expires)) in entries do
                if expires <= at then
                    remove key

            use each = entries.Keys.GetEnumerator()

            while Threading.Interlocked.Read &held.contents > target && each.MoveNext() do
                remove each.Current

        let clear () =
            Threading.Interlocked.Increment &epoch.contents |> ignore

            for key in entries.Keys do
                remove key

        {
            TryGet =
                fun id full ->
                    match entries.TryGetValue(struct (id, full)) with
                    | true, struct (body, expires) when now () < expires -> Some body
                    | true, _ ->
                        remove (struct (id, full))
                        None
                    | _ -> None
            Epoch = fun () -> Threading.Interlocked.Read &epoch.contents
            Put =
                fun id full loadedAt body ->
                    let size = int64 body.Bytes.Length

                    if
                        lifetime > 0L
                        && size <= budget
                        && loadedAt = Threading.Interlocked.Read &epoch.contents
                    then
                        if Threading.Interlocked.Read &held.contents + size > budget then
                            evict size

                        let key = struct (id, full)
                        remove key

                        if entries.TryAdd(key, struct (body, now () + lifetime)) then
                            Threading.Interlocked.Add(&held.contents, size) |> ignore
            Forget =
                fun id ->
                    Threading.Interlocked.Increment &epoch.contents |> ignore
                    remove (struct (id, true))
                    remove (struct (id, false))
            Clear = clear
        }

    /// What a change heard from the database does to the cache: a finished timepoint changed or was deleted →
    /// forget it (a delete forgets everything: children lose their parent); a reconnection → forget everything.
    let onChange (cache: ReadCache) (change: TimepointFlash.Persistence.Change) =
        match change with
        | TimepointFlash.Persistence.Change.Finished id -> cache.Forget id
        | TimepointFlash.Persistence.Change.Deleted _
        | TimepointFlash.Persistence.Change.Reset -> cache.Clear()
        | TimepointFlash.Persistence.Change.Progressed _
        | TimepointFlash.Persistence.Change.Logged _
        | TimepointFlash.Persistence.Change.Queued -> ()

    /// The store seen through the cache: updates forget the timepoint, deletes forget everything (children's
    /// parent_id changes with their parent's delete).
    let invalidating (cache: ReadCache) (store: Store) : Store = {
        store with
            Update =
                fun t -> task {
                    do! store.Update t
                    cache.Forget t.Id
                }
            Delete =
                fun removal id -> task {
                    let! deleted = store.Delete removal id
                    cache.Clear()
                    return deleted
                }
    }
