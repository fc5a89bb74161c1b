namespace TimepointFlash.Api

open System
open System.Collections.Concurrent
open TimepointFlash

/// Rendered timepoints kept in memory for a few seconds, keyed by id and `full`; only finished timepoints.
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
    /// Entries kept at most; the cache starts over when full.
    let capacity = 1000

    /// Whether a timepoint in this status may be cached: only final ones (a running one changes each step).
    let cacheable = TimepointStatus.isFinal

    /// A strong entity tag of a body: the first 16 bytes of its SHA-256, in hex, quoted.
    let etagOf = StoredWire.etagOf

    /// A cache keeping entries for `ttl` by the given clock (Stopwatch ticks); ttl of zero turns it off.
    let create (ttl: TimeSpan) (now: unit -> int64) : ReadCache =
        let entries =
            ConcurrentDictionary<struct (Guid * bool), struct (RenderedBody * int64)>()

        let lifetime = int64 (ttl.TotalSeconds * float Diagnostics.Stopwatch.Frequency)
        let epoch = ref 0L

        let forget id =
            Threading.Interlocked.Increment &epoch.contents |> ignore
            entries.TryRemove(struct (id, true)) |> ignore
            entries.TryRemove(struct (id, false)) |> ignore

        {
            TryGet =
                fun id full ->
                    match entries.TryGetValue(struct (id, full)) with
                    | true, struct (body, expires) when now () < expires -> Some body
                    | true, _ ->
                        entries.TryRemove(struct (id, full)) |> ignore
                        None
                    | _ -> None
            Epoch = fun () -> Threading.Interlocked.Read &epoch.contents
            Put =
                fun id full loadedAt body ->
                    if lifetime > 0L && loadedAt = Threading.Interlocked.Read &epoch.contents then
                        if entries.Count >= capacity then
                            entries.Clear()

                        entries[struct (id, full)] <- struct (body, now () + lifetime)
            Forget = forget
            Clear =
                fun () ->
                    Threading.Interlocked.Increment &epoch.contents |> ignore
                    entries.Clear()
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
