namespace TimepointFlash

open System
open System.Collections.Generic
open System.Runtime.ExceptionServices
open System.Threading.Tasks

/// A run's step records on their way to the store (group commit): `Add` queues a record and returns at once; one
/// write at a time takes every record queued so far, so records that arrive while a write is in flight (or within
/// the linger before the first write of a burst) share one write. Each record reaches `after` (the run's observer)
/// only once its write has committed, in order, so anything that sees it (a live SSE client, another replica
/// reading the log) finds it stored. A failed write or observer is rethrown by the next `Add` and by `Flush`.
[<Sealed>]
type ProgressWriter(write: StepRecord list -> Task, after: StepRecord -> Task, linger: TimeSpan) =
    let gate = obj ()
    let pending = List<StepRecord>()
    let mutable running = Task.CompletedTask
    let mutable active = false
    let mutable failure: ExceptionDispatchInfo option = None
    // Completed by `Flush`: a burst still lingering is written at once (a run that ends does not wait the linger).
    let mutable hurry =
        TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)

    /// Takes the queued records; an empty batch ends the loop (under the lock, so `Add` starts a new one).
    let take () =
        lock gate (fun () ->
            let batch = List.ofSeq pending
            pending.Clear()

            if batch.IsEmpty then
                active <- false

            batch)

    let loop () : Task = task {
        if linger > TimeSpan.Zero then
            let cut = lock gate (fun () -> hurry.Task)
            let! _ = Task.WhenAny(Task.Delay linger, cut)
            ()

        let mutable go = true

        while go do
            match take () with
            | [] -> go <- false
            | batch ->
                try
                    do! write batch

                    for r in batch do
                        do! after r
                with e ->
                    lock gate (fun () ->
                        failure <- Some(ExceptionDispatchInfo.Capture e)
                        pending.Clear()
                        active <- false)

                    go <- false
    }

    let throwIfFailed () =
        match failure with
        | Some f -> f.Throw()
        | None -> ()

    /// A writer with no linger: a burst's first record is written at once, the rest share the following write.
    new(write, after) = ProgressWriter(write, after, TimeSpan.Zero)

    /// Queues a record for the next write; throws the failure of an earlier write or observer.
    member _.Add(record: StepRecord) =
        lock gate (fun () ->
            throwIfFailed ()
            pending.Add record

            if not active then
                active <- true
                running <- Task.Run<unit>(fun () -> task { do! loop () }))

    /// Waits until every queued record is written and observed; throws the failure of a write or observer.
    member _.Flush() : Task = task {
        let mutable waiting = true

        while waiting do
            let current, busy =
                lock gate (fun () ->
                    throwIfFailed ()
                    hurry.TrySetResult() |> ignore
                    running, active)

            if busy then do! current else waiting <- false

        lock gate (fun () ->
            throwIfFailed ()
            // Later bursts linger again.
            if hurry.Task.IsCompleted then
                hurry <- TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
    }
