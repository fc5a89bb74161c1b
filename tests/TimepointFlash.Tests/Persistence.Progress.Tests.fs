module TimepointFlash.Tests.Persistence.Progress

open System
open System.Collections.Concurrent
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

/// The n-th record of a run, told apart by its latency.
let private record (n: int) = {
    stepRecord (List.item (n % Steps.all.Length) Steps.all) StepStatus.Completed with
        LatencyMs = Some(int64 n)
}

let private numbers (records: StepRecord seq) =
    records |> Seq.map (fun r -> int r.LatencyMs.Value) |> List.ofSeq

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 30
}

/// The group-commit writer alone, over in-memory writes.
let private writerTests =
    testList "ProgressWriter" [
        testTask "records queued while a write is in flight share the next write, in order" {
            let batches = ConcurrentQueue<int list>()
            let entered = TaskCompletionSource()
            let release = TaskCompletionSource()

            let write (batch: StepRecord list) = task {
                if batches.IsEmpty && not entered.Task.IsCompleted then
                    entered.SetResult()
                    do! release.Task

                batches.Enqueue(numbers batch)
            }

            let writer = ProgressWriter((fun b -> write b), (fun _ -> Task.CompletedTask))
            writer.Add(record 1)
            do! entered.Task
            // the first write is in flight; these three queue behind it
            writer.Add(record 2)
            writer.Add(record 3)
            writer.Add(record 4)
            release.SetResult()
            do! writer.Flush()
            Expect.equal (List.ofSeq batches) [ [ 1 ]; [ 2; 3; 4 ] ] "one write, then one for the rest"
        }

        testTask "a flush writes a lingering burst at once, in one write (a finished run does not wait the linger)" {
            let batches = ConcurrentQueue<int list>()

            let write (batch: StepRecord list) = task { batches.Enqueue(numbers batch) }

            // A linger far longer than the test may take: only the flush can end it.
            let writer =
                ProgressWriter((fun b -> write b), (fun _ -> Task.CompletedTask), TimeSpan.FromMinutes 10.0)

            writer.Add(record 1)
            writer.Add(record 2)
            let flushed = writer.Flush()
            let! first = Task.WhenAny(flushed, Task.Delay(TimeSpan.FromSeconds 30.0))
            Expect.isTrue (obj.ReferenceEquals(first, flushed)) "the flush did not wait for the linger"
            Expect.equal (List.ofSeq batches) [ [ 1; 2 ] ] "the burst is one write"
            // a later burst lingers again and is still written by the next flush
            writer.Add(record 3)
            do! writer.Flush()
            Expect.equal (List.ofSeq batches) [ [ 1; 2 ]; [ 3 ] ] "the next burst"
        }

        testTask "the observer sees each record after the write that stored it, in order" {
            let stored = ConcurrentQueue<int>()
            let seen = ConcurrentQueue<int * bool>()

            let write (batch: StepRecord list) = task {
                do! Task.Delay 2

                for n in numbers batch do
                    stored.Enqueue n
            }

            let observe (r: StepRecord) =
                let n = int r.LatencyMs.Value
                seen.Enqueue(n, Seq.contains n stored)
                Task.CompletedTask

            let writer =
                ProgressWriter((fun b -> write b), observe, TimeSpan.FromMilliseconds 5.0)

            for n in 1..12 do
                writer.Add(record n)

                if n % 5 = 0 then
                    do! Task.Delay 3

            do! writer.Flush()
            Expect.equal (seen |> Seq.map fst |> List.ofSeq) [ 1..12 ] "observed in order"
            Expect.isTrue (seen |> Seq.forall snd) "each one already stored"
            Expect.equal (List.ofSeq stored) [ 1..12 ] "stored in order"
        }

        testTask "a failed write is thrown by the next Add and by Flush, and its records are not observed" {
            let seen = ConcurrentQueue<int>()

            let write (_: StepRecord list) : Task =
                Task.FromException(InvalidOperationException "disk full")

            let observe (r: StepRecord) =
                seen.Enqueue(int r.LatencyMs.Value)
                Task.CompletedTask

            let writer = ProgressWriter((fun b -> write b), observe)
            writer.Add(record 1)

            let! flushed =
                Task.Run<exn option>(fun () -> task {
                    try
                        do! writer.Flush()
                        return None
                    with e ->
                        return Some e
                })

            Expect.equal (flushed |> Option.map (fun (e: exn) -> e.Message)) (Some "disk full") "Flush rethrows"
            Expect.throwsT<InvalidOperationException> (fun () -> writer.Add(record 2)) "Add rethrows"
            Expect.isEmpty seen "nothing observed"
        }

        testPropertyWithConfig config "every record is written once and observed once, in the order added"
        <| fun (pauses: bool list) ->
            let written = ConcurrentQueue<int>()
            let seen = ConcurrentQueue<int>()

            let write (batch: StepRecord list) = task {
                do! Task.Yield()

                for n in numbers batch do
                    written.Enqueue n
            }

            let observe (r: StepRecord) =
                seen.Enqueue(int r.LatencyMs.Value)
                Task.CompletedTask

            let writer = ProgressWriter((fun b -> write b), observe)

            (task {
                for n, pause in List.indexed pauses do
                    writer.Add(record n)

                    if pause then
                        do! Task.Delay 1

                do! writer.Flush()
            })
                .Wait()

            let added = [ 0 .. pauses.Length - 1 ]
            List.ofSeq written = added && List.ofSeq seen = added
    ]

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb
            "a batch of step records is one write, numbered after the stored ones and read at once by another replica"
        <| fun db -> task {
            let logs = Logs.store db
            let t = pending "batch"
            let! _ = (Timepoints.store db).Insert t
            let! _ = logs.Append t.Id (record 0)
            let! stored = logs.AppendMany t.Id [ record 1; record 2; record 3 ]
            Expect.equal (ok "batch" stored |> List.map (fun r -> r.Seq)) [ 2L; 3L; 4L ] "numbered after the first"
            // Another process's connection pool over the same database.
            use other = openDb db.Config
            let! read = (Logs.store other).ListAfter t.Id 0L
            let read = ok "read" read
            Expect.equal (read |> List.map (fun r -> r.Seq)) [ 1L .. 4L ] "every record, in order"
            Expect.equal (numbers read) [ 0..3 ] "their fields"
        }

        testDb "a run's progress is readable by another replica whenever its observer sees it"
        <| fun db -> task {
            let logs = Logs.store db
            let t = pending "visible"
            let! _ = (Timepoints.store db).Insert t
            use other = openDb db.Config
            let readable = ConcurrentQueue<int * bool>()

            let write (batch: StepRecord list) = task {
                let! appended = logs.AppendMany t.Id batch
                ok "append" appended |> ignore
            }

            let observe (r: StepRecord) = task {
                let! there = (Logs.store other).ListAfter t.Id 0L

                readable.Enqueue(
                    int r.LatencyMs.Value,
                    numbers (ok "read" there) |> List.contains (int r.LatencyMs.Value)
                )
            }

            let writer =
                ProgressWriter((fun b -> write b), (fun r -> observe r), TimeSpan.FromMilliseconds 10.0)

            for n in 1..9 do
                writer.Add(record n)

                if n % 3 = 0 then
                    do! Task.Delay 20

            do! writer.Flush()
            Expect.equal (readable |> Seq.map fst |> List.ofSeq) [ 1..9 ] "every record observed, in order"
            Expect.isTrue (readable |> Seq.forall snd) "each readable elsewhere when observed"
            let! all = logs.ListAfter t.Id 0L
            Expect.equal (ok "all" all |> List.map (fun r -> r.Seq)) [ 1L .. 9L ] "gapless"
        }

        testDb "one write renews the named leases this owner holds, and no other"
        <| fun db -> task {
            let runs = Runs.store db
            let ts = [ for i in 1..3 -> pending $"lease {i}" ]

            for t in ts do
                let! _ = (Timepoints.store db).Insert t
                ()

            let soon = db.Now().AddSeconds 5.0
            let later = db.Now().AddMinutes 5.0
            let! _ = runs.ClaimRun "a" ts[0].Id soon
            let! _ = runs.ClaimRun "a" ts[1].Id soon
            let! _ = runs.ClaimRun "b" ts[2].Id soon
            let! renewed = runs.RenewRuns "a" [ for t in ts -> t.Id ] later
            Expect.equal (ok "renew" renewed) 2 "the two held by a"

            let! leases =
                Db.run db (fun s ->
                    Db.query s "SELECT timepoint_id, lease_until FROM generation_runs" [] (fun r ->
                        r.uuid "timepoint_id", r.timestamp "lease_until"))

            let leases = ok "leases" leases |> Map.ofList
            Expect.equal leases[ts[0].Id] later "renewed"
            Expect.equal leases[ts[1].Id] later "renewed"
            Expect.equal leases[ts[2].Id] soon "another owner's lease untouched"
            let! none = runs.RenewRuns "a" [] later
            Expect.equal (ok "none" none) 0 "nothing to renew"
        }
    ]

let tests =
    testList "Persistence.Progress" [ writerTests; dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
