module TimepointFlash.Tests.Persistence.Jobs

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Persistence.JobSupport

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb "enqueueing stores the pending timepoint and its queued job together"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! r1 = jobs.EnqueueGeneration (pending "the moon landing") (newJob 3)
            let! r2 = jobs.EnqueueGeneration (pending "the moon landing") (newJob 3)
            let t1, j1 = ok "first" r1
            let t2, _ = ok "second" r2
            Expect.equal j1.Status JobStatus.Queued "queued"
            Expect.equal j1.TimepointId t1.Id "linked"
            Expect.notEqual t1.Slug t2.Slug "a repeated query gets another slug inside the transaction"
            let! stored = (Timepoints.store db).TryGet t2.Id
            Expect.isSome (ok "get" stored) "timepoint stored"
            let! forTp = jobs.ForTimepoint t1.Id
            Expect.equal (ok "jobs" forTp |> List.map (fun j -> j.Id)) [ j1.Id ] "job stored"
        }

        testDb "200 jobs claimed by 8 concurrent claimers are each handed out exactly once"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! ids = enqueueMany jobs 200 3
            let claimed = ConcurrentBag<Guid>()

            let claimer (i: int) = task {
                let mutable go = true

                while go do
                    match! claim jobs $"claimer-{i}" (TimeSpan.FromMinutes 1.0) with
                    | Some job ->
                        claimed.Add job.Id
                        let! done' = jobs.Complete job
                        Expect.isTrue (ok "complete" done') "owner completes"
                    | None -> go <- false
            }

            let! _ = Task.WhenAll [| for i in 1..8 -> claimer i |]
            Expect.equal claimed.Count 200 "200 claims"
            Expect.equal (Set.ofSeq claimed) (Set.ofList ids) "each job once"
            let! completed = countStatus db "completed"
            Expect.equal completed 200L "all completed"
        }

        testDb "a job whose lease is abandoned is finished by another worker"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! _ = enqueueMany jobs 1 3
            let! a = claim jobs "worker-a" (TimeSpan.FromSeconds 1.0)
            let a = Option.get a
            let! none = claim jobs "worker-b" (TimeSpan.FromSeconds 5.0)
            Expect.isNone none "a live lease is not taken"
            do! Task.Delay 1300
            let! b = claim jobs "worker-b" (TimeSpan.FromSeconds 5.0)
            let b = Option.get b
            Expect.equal b.Id a.Id "same job"
            Expect.equal b.Attempts 2 "second attempt"
            let! late = jobs.Complete a
            Expect.isFalse (ok "late" late) "the old owner cannot complete it"
            let! beat = jobs.Heartbeat a (TimeSpan.FromSeconds 5.0)
            Expect.isFalse (ok "beat" beat) "nor extend it"
            let! fin = jobs.Complete b
            Expect.isTrue (ok "complete" fin) "the new owner completes it"
            let! stored = jobs.TryGet a.Id
            let stored = ok "get" stored |> Option.get
            Expect.equal stored.Status JobStatus.Completed "completed"
            Expect.stringContains (Option.defaultValue "" stored.LastError) "worker-a" "the expiry is recorded"
        }

        testDb "a heartbeat keeps the lease alive"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! _ = enqueueMany jobs 1 3
            let! a = claim jobs "worker-a" (TimeSpan.FromMilliseconds 300.0)
            let! beat = jobs.Heartbeat (Option.get a) (TimeSpan.FromSeconds 10.0)
            Expect.isTrue (ok "beat" beat) "extended"
            do! Task.Delay 500
            let! b = claim jobs "worker-b" (TimeSpan.FromSeconds 5.0)
            Expect.isNone b "still owned"
        }

        testDb "after max attempts an abandoned job and its timepoint fail with the reason"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! _ = enqueueMany jobs 1 2

            for w in [ "w1"; "w2" ] do
                let! j = claim jobs w (TimeSpan.FromMilliseconds 100.0)
                Expect.isSome j $"{w} claims"
                do! Task.Delay 250

            let! none = claim jobs "w3" (TimeSpan.FromSeconds 5.0)
            Expect.isNone none "no attempts left"
            let! reaped = jobs.ReapExpired()
            Expect.equal (ok "reap" reaped) 1 "one job given up"
            let! again = jobs.ReapExpired()
            Expect.equal (ok "reap again" again) 0 "once"

            let! failed =
                Db.run db (fun s ->
                    Db.query s "SELECT timepoint_id, last_error FROM generation_jobs" [] (fun r ->
                        r.uuid "timepoint_id", r.text "last_error"))

            let tpId, reason = ok "job" failed |> List.head
            Expect.stringContains reason "gave up after 2" "job reason"
            let! tp = (Timepoints.store db).TryGet tpId
            let tp = ok "tp" tp |> Option.get
            Expect.equal tp.Status TimepointStatus.Failed "timepoint failed"

            Expect.stringContains
                (tp.Error |> Option.map (fun e -> e.Message) |> Option.defaultValue "")
                "gave up after 2"
                "timepoint reason"
        }

        testDb "a retryable failure re-queues while attempts remain, a permanent one fails at once"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! _ = enqueueMany jobs 1 3
            let! j1 = claim jobs "w" (TimeSpan.FromSeconds 5.0)
            let! s1 = jobs.Fail (Option.get j1) (JobFailure.Retryable "provider timeout")
            Expect.equal (ok "fail" s1) (Some JobStatus.Queued) "re-queued"
            let! j2 = claim jobs "w" (TimeSpan.FromSeconds 5.0)
            let j2 = Option.get j2
            Expect.equal j2.Attempts 2 "second attempt"
            Expect.equal j2.LastError (Some "provider timeout") "reason kept"
            let! s2 = jobs.Fail j2 (JobFailure.Permanent "bad payload")
            Expect.equal (ok "fail" s2) (Some JobStatus.Failed) "failed"
            let! tp = (Timepoints.store db).TryGet j2.TimepointId
            Expect.equal (ok "tp" tp |> Option.map (fun t -> t.Status)) (Some TimepointStatus.Failed) "timepoint failed"
        }

        testDb "a released job goes back to the queue without using an attempt"
        <| fun db -> task {
            let jobs = Jobs.store db (JobSignal())
            let! _ = enqueueMany jobs 1 1
            let! j = claim jobs "w" (TimeSpan.FromSeconds 5.0)
            let! released = jobs.Release(Option.get j)
            Expect.isTrue (ok "release" released) "released"
            let! again = claim jobs "w2" (TimeSpan.FromSeconds 5.0)
            Expect.equal (again |> Option.map (fun j -> j.Attempts)) (Some 1) "attempt not counted"
        }

    ]

let tests =
    testList "Persistence.Jobs" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
