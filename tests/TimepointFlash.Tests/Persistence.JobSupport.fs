/// Helpers shared by the job, worker and process suites.
module TimepointFlash.Tests.Persistence.JobSupport

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

let newJob maxAttempts = {
    Kind = JobKind.Generate
    Payload = """{"query":"test"}"""
    MaxAttempts = maxAttempts
}

/// Enqueues n generation jobs, each with its pending timepoint.
let enqueueMany (jobs: JobStore) (n: int) (maxAttempts: int) = task {
    let ids = ResizeArray()

    for i in 1..n do
        let! r = jobs.EnqueueGeneration (pending $"job {i}") (newJob maxAttempts)
        let _, job = ok "enqueue" r
        ids.Add job.Id

    return List.ofSeq ids
}

let claim (jobs: JobStore) worker (lease: TimeSpan) = task {
    let! r = jobs.Claim worker lease
    return ok "claim" r
}

let fastOptions concurrency = {
    Worker.defaults concurrency with
        Lease = TimeSpan.FromSeconds 5.0
        HeartbeatEvery = TimeSpan.FromMilliseconds 100.0
        IdlePollMin = TimeSpan.FromMilliseconds 10.0
        IdlePollMax = TimeSpan.FromMilliseconds 100.0
}

/// Waits until the condition holds (checked every 50 ms) or fails after the timeout.
let waitUntil (what: string) (timeout: TimeSpan) (condition: unit -> Task<bool>) = task {
    let deadline = DateTime.UtcNow + timeout
    let mutable met = false

    while not met do
        let! c = condition ()
        met <- c

        if not met then
            if DateTime.UtcNow > deadline then
                failtest $"timed out waiting for {what}"

            do! Task.Delay 50
}

let countStatus db status =
    scalar db "SELECT COUNT(*) FROM generation_jobs WHERE status = @s" [ "s", Sql.text status ]
