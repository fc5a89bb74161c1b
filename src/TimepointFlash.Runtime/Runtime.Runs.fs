namespace TimepointFlash.Runtime

open System
open System.Collections.Concurrent
open System.Runtime.ExceptionServices
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Persistence

/// This process's synchronous generations and their leases: the store records a lease before a processing row
/// is inserted and drops it when the row is finished; a heartbeat renews the leases of runs still going and,
/// now and then, fails rows that a dead process left processing.
type RunLeases = {
    /// The same store, taking and dropping the leases of synchronous runs.
    Track: Store -> Store
    /// Fails rows left processing by a dead process; returns how many.
    FailOrphans: unit -> Task<Result<int, DbError>>
    /// Renews this process's leases and sweeps for orphans until the token is cancelled.
    Heartbeat: CancellationToken -> Task
}

[<RequireQualifiedAccess>]
module RunLeases =
    /// How long a lease lasts without renewal: after a process dies its rows are failed within about this long.
    let lease = TimeSpan.FromSeconds 20.0

    /// How often leases are renewed.
    let renewEvery = TimeSpan.FromSeconds 5.0

    /// Renewals between two orphan sweeps.
    let sweepEveryTicks = 6

    /// The message an orphaned row is failed with.
    let orphanReason =
        "interrupted: the process running this generation stopped before it finished"

    let private unwrap (t: Task<Result<'T, DbError>>) : Task<'T> = task {
        match! t with
        | Ok v -> return v
        | Error e -> return raise (StoreFailure e)
    }

    /// Leases over a run store, owned by this process under a unique owner name.
    let create (runs: RunStore) (now: unit -> DateTimeOffset) (log: string -> unit) : RunLeases =
        let owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"

        let live = ConcurrentDictionary<Guid, byte>()

        let track (inner: Store) : Store = {
            inner with
                Insert =
                    fun t -> task {
                        if t.Status = TimepointStatus.Processing then
                            live[t.Id] <- 0uy
                            do! unwrap (runs.ClaimRun owner t.Id (now () + lease))

                        try
                            return! inner.Insert t
                        with e ->
                            live.TryRemove t.Id |> ignore
                            ExceptionDispatchInfo.Throw e
                            return Unchecked.defaultof<_>
                    }
                Update =
                    fun t -> task {
                        // Forget the run before writing: if the write fails the lease lapses and a sweep fails it.
                        let ended = TimepointStatus.isFinal t.Status && live.TryRemove(t.Id) |> fst
                        do! inner.Update t

                        if ended then
                            let! _ = runs.DropRun t.Id
                            ()
                    }
        }

        let failOrphans () = runs.FailOrphans orphanReason

        let heartbeat (ct: CancellationToken) : Task = task {
            let mutable tick = 0

            while not ct.IsCancellationRequested do
                try
                    do! Task.Delay(renewEvery, ct)
                    tick <- tick + 1

                    // One write renews every run of this process, however many are going.
                    match List.ofSeq live.Keys with
                    | [] -> ()
                    | ids ->
                        let! _ = runs.RenewRuns owner ids (now () + lease)
                        ()

                    if tick % sweepEveryTicks = 0 then
                        match! failOrphans () with
                        | Ok n when n > 0 -> log $"failed {n} generation(s) left processing by a stopped process"
                        | _ -> ()
                with _ ->
                    ()
        }

        {
            Track = track
            FailOrphans = failOrphans
            Heartbeat = heartbeat
        }
