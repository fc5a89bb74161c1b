module TimepointFlash.Tests.Persistence.Worker

open System
open System.Collections.Concurrent
open System.Threading
open System.Threading.Tasks
open Expecto
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Persistence.JobSupport

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb "the worker pool completes every job exactly once with the completion in the same transaction"
        <| fun db -> task {
            let! _ = Db.run db (fun s -> Db.execute s WorkerProcess.completionsTable [])
            let signal = JobSignal()
            let jobs = Jobs.store db signal
            let! ids = enqueueMany jobs 40 3
            use cts = new CancellationTokenSource()
            let runner = WorkerProcess.runner "pool" (TimeSpan.FromMilliseconds 5.0)
            let pool = Worker.run jobs signal (fastOptions 4) runner ignore cts.Token

            do!
                waitUntil "40 completions" (TimeSpan.FromSeconds 60.0) (fun () -> task {
                    let! n = countStatus db "completed"
                    return n = 40L
                })

            cts.Cancel()
            do! pool

            let! rows =
                Db.run db (fun s ->
                    Db.query s "SELECT job_id FROM test_completions" [] (fun r -> Guid.Parse(r.text "job_id")))

            let rows = ok "rows" rows
            Expect.equal (List.sort rows) (List.sort ids) "each job recorded exactly once"
        }

        testDb "an enqueue wakes an idle worker without waiting for the poll"
        <| fun db -> task {
            let signal = JobSignal()
            let jobs = Jobs.store db signal
            use cts = new CancellationTokenSource()

            let options = {
                fastOptions 1 with
                    IdlePollMin = TimeSpan.FromSeconds 30.0
                    IdlePollMax = TimeSpan.FromSeconds 30.0
            }

            let pool =
                Worker.run jobs signal options (fun _ _ -> Task.FromResult(Ok JobOutcome.Done)) ignore cts.Token

            do! Task.Delay 200 // the loop found nothing and now sleeps for 30 s unless woken
            let! _ = enqueueMany jobs 1 3

            do!
                waitUntil "the woken worker" (TimeSpan.FromSeconds 10.0) (fun () -> task {
                    let! n = countStatus db "completed"
                    return n = 1L
                })

            cts.Cancel()
            do! pool
        }

        testDb "a failing run is retried by the pool and then completes"
        <| fun db -> task {
            let signal = JobSignal()
            let jobs = Jobs.store db signal
            let! _ = enqueueMany jobs 1 3
            use cts = new CancellationTokenSource()

            let runner: JobRunner =
                fun job _ -> task {
                    if job.Attempts = 1 then
                        return Error(JobFailure.Retryable "flaky provider")
                    else
                        return Ok JobOutcome.Done
                }

            let pool = Worker.run jobs signal (fastOptions 2) runner ignore cts.Token

            do!
                waitUntil "completion" (TimeSpan.FromSeconds 30.0) (fun () -> task {
                    let! n = countStatus db "completed"
                    return n = 1L
                })

            cts.Cancel()
            do! pool
            let! attempts = scalar db "SELECT attempts FROM generation_jobs" []
            Expect.equal attempts 2L "two attempts"
        }

        testDb "a run interrupted by a storage outage goes back to the queue without counting the attempt"
        <| fun db -> task {
            let signal = JobSignal()
            let jobs = Jobs.store db signal
            let! _ = enqueueMany jobs 1 1
            use cts = new CancellationTokenSource()
            let runs = ref 0

            let runner: JobRunner =
                fun _ _ -> task {
                    if Interlocked.Increment runs = 1 then
                        return Error(JobFailure.Interrupted "database unavailable: connection refused")
                    else
                        return Ok JobOutcome.Done
                }

            let pool = Worker.run jobs signal (fastOptions 1) runner ignore cts.Token

            do!
                waitUntil "completion" (TimeSpan.FromSeconds 30.0) (fun () -> task {
                    let! n = countStatus db "completed"
                    return n = 1L
                })

            cts.Cancel()
            do! pool
            Expect.equal runs.Value 2 "run again after the interruption"
            let! attempts = scalar db "SELECT attempts FROM generation_jobs" []
            Expect.equal attempts 1L "with max_attempts 1 the interruption did not use up the only attempt"
        }

        testDb "a run longer than its lease keeps the job through heartbeats"
        <| fun db -> task {
            let signal = JobSignal()
            let jobs = Jobs.store db signal
            let! _ = enqueueMany jobs 3 3
            use cts = new CancellationTokenSource()
            let events = ConcurrentQueue<WorkerEvent>()

            let options = {
                fastOptions 3 with
                    Lease = TimeSpan.FromMilliseconds 600.0
                    HeartbeatEvery = TimeSpan.FromMilliseconds 100.0
            }

            let slow: JobRunner =
                fun _ ct -> task {
                    do! Task.Delay(TimeSpan.FromMilliseconds 1500.0, ct)
                    return Ok JobOutcome.Done
                }

            // A second pool competes for the same queue: it must never steal a job that is heartbeating.
            let pool = Worker.run jobs signal options slow events.Enqueue cts.Token
            let rival = Worker.run jobs signal options slow events.Enqueue cts.Token

            do!
                waitUntil "three completions" (TimeSpan.FromSeconds 30.0) (fun () -> task {
                    let! n = countStatus db "completed"
                    return n = 3L
                })

            cts.Cancel()
            do! Task.WhenAll [| pool; rival |]
            let! attempts = scalar db "SELECT MAX(attempts) FROM generation_jobs" []
            Expect.equal attempts 1L "no job was claimed twice"

            let lost =
                events
                |> Seq.exists (function
                    | WorkerEvent.LeaseLost _ -> true
                    | _ -> false)

            Expect.isFalse lost "no lease was lost"
        }

        testDb "shutdown releases the running job back to the queue"
        <| fun db -> task {
            let signal = JobSignal()
            let jobs = Jobs.store db signal
            let! _ = enqueueMany jobs 1 3
            use cts = new CancellationTokenSource()
            let started = TaskCompletionSource()

            let runner: JobRunner =
                fun _ ct -> task {
                    started.TrySetResult() |> ignore
                    do! Task.Delay(Timeout.Infinite, ct)
                    return Ok JobOutcome.Done
                }

            let pool = Worker.run jobs signal (fastOptions 1) runner ignore cts.Token
            do! started.Task
            cts.Cancel()
            do! pool
            let! queued = countStatus db "queued"
            Expect.equal queued 1L "back in the queue"
            let! attempts = scalar db "SELECT attempts FROM generation_jobs" []
            Expect.equal attempts 0L "the interrupted attempt is not counted"
        }
    ]

let private concurrencyTests =
    testList "GENERATION_CONCURRENCY" [
        test "default options give each pool its own worker id" {
            let a, b = Worker.defaults 4, Worker.defaults 4
            Expect.notEqual a.WorkerId b.WorkerId "distinct"
            Expect.equal a.Concurrency 4 "concurrency"
            Expect.isLessThan a.HeartbeatEvery a.Lease "the heartbeat renews before the lease ends"
        }

        test "unset means 4 loops and a number in 1–256 is taken" {
            Expect.equal (Worker.concurrencyOf None) (Ok 4) "default"
            Expect.equal (Worker.concurrencyOf (Some " 8 ")) (Ok 8) "eight"
        }

        test "zero, too many and words are refused with a line naming the variable" {
            for v, expected in
                [
                    "0", ConcurrencyError.OutOfRange 0
                    "1000", ConcurrencyError.OutOfRange 1000
                    "many", ConcurrencyError.NotANumber "many"
                ] do
                let r = Worker.concurrencyOf (Some v)
                Expect.equal r (Error expected) v

                match r with
                | Error e ->
                    Expect.stringStarts (Worker.describeConcurrencyError e) "GENERATION_CONCURRENCY:" "names it"
                | Ok _ -> ()
        }
    ]

let tests =
    testList "Persistence.Worker" [ concurrencyTests; dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
