/// Two replicas on one PostgreSQL stay in step through LISTEN/NOTIFY: deletes and job progress travel as notices.
module TimepointFlash.Tests.ApiReplicas

open System
open System.Net
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Support.ApiHost

/// Waits until the condition holds, checking every 50 ms, failing after `limit` (a hang guard, not a timing claim).
let private eventually (limit: TimeSpan) (what: string) (condition: unit -> Task<bool>) = task {
    let clock = Diagnostics.Stopwatch.StartNew()
    let mutable met = false

    while not met do
        let! now = condition ()
        met <- now

        if not met then
            if clock.Elapsed > limit then
                failtest $"not within {limit.TotalSeconds} s: {what}"

            do! Task.Delay 50
}

/// Replica A (running jobs) and replica B (no workers, a read cache of ten minutes) on one fresh database.
let private withReplicas (test: TestApi -> TestApi -> Task<unit>) = task {
    let! name, config = Persistence.Support.createPostgresDatabase ()

    try
        let cs =
            match config with
            | DbConfig.Postgres cs -> cs
            | other -> failtest $"not PostgreSQL: {DbConfig.describe other}"

        let vars = [ "DATABASE_URL", cs; "READ_CACHE_SECONDS", "600" ]
        let! a = startServing vars None true
        let! b = startServing vars None false

        try
            for replica in [ a; b ] do
                do!
                    eventually (TimeSpan.FromSeconds 20.0) "the listener connects" (fun () ->
                        Task.FromResult(replica.Services.Changes.IsLive()))

            do! test a b
        finally
            (b :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            (a :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
    finally
        (Persistence.Support.dropPostgresDatabase name).Wait()
}

let private payloads =
    testList "notice payloads" [
        testProperty "a kind letter, a colon and an id name that timepoint"
        <| fun (id: Guid) ->
            for kind, expected in
                [
                    'f', Change.Finished id
                    'p', Change.Progressed id
                    'd', Change.Deleted id
                    'l', Change.Logged id
                ] do
                Expect.equal (Changes.parse $"{kind}:{id}") (Some expected) $"{kind}"
                Expect.equal (Changes.subject expected) (Some id) "its subject"

        test "a queued job, and payloads that are not notices" {
            Expect.equal (Changes.parse $"j:{Guid.NewGuid()}") (Some Change.Queued) "queued"
            Expect.equal (Changes.parse "f:not-a-guid") None "bad id"
            Expect.equal (Changes.parse "x:00000000-0000-0000-0000-000000000000") None "unknown kind"
            Expect.equal (Changes.parse "f") None "too short"
            Expect.equal (Changes.parse "") None "empty"
        }
    ]

let tests =
    testSequenced
    <| testList "ApiReplicas" [
        payloads
        testTask "a delete on one replica is a 404 on the other at once, though its cache would keep the scene" {
            do!
                withReplicas (fun a b -> task {
                    let! resp =
                        postJson a.Client "/api/v1/timepoints/generate/sync" """{"query": "fall of the berlin wall"}"""

                    let! created = body resp
                    let id = str created "id"
                    let! first = b.Client.GetAsync $"/api/v1/timepoints/{id}"
                    Expect.equal first.StatusCode HttpStatusCode.OK "B reads it (and caches it for ten minutes)"
                    let! cached = b.Client.GetAsync $"/api/v1/timepoints/{id}"
                    Expect.equal cached.StatusCode HttpStatusCode.OK "still there"
                    let! deleted = a.Client.DeleteAsync $"/api/v1/timepoints/{id}?permanent=true"
                    Expect.equal deleted.StatusCode HttpStatusCode.OK "A deletes it"

                    do!
                        eventually (TimeSpan.FromSeconds 10.0) "B answers 404 after the notice" (fun () -> task {
                            let! r = b.Client.GetAsync $"/api/v1/timepoints/{id}"
                            return r.StatusCode = HttpStatusCode.NotFound
                        })
                })
        }

        testTask "a soft delete on one replica is heard as a delete and is a 404 on the other at once" {
            do!
                withReplicas (fun a b -> task {
                    let! resp =
                        postJson a.Client "/api/v1/timepoints/generate/sync" """{"query": "fall of the berlin wall"}"""

                    let! created = body resp
                    let id = str created "id"
                    let! first = b.Client.GetAsync $"/api/v1/timepoints/{id}"
                    Expect.equal first.StatusCode HttpStatusCode.OK "B reads it (and caches it for ten minutes)"
                    let heard = TaskCompletionSource()

                    use _ =
                        b.Services.Changes.Subscribe(fun c ->
                            if c = Change.Deleted(Guid.Parse id) then
                                heard.TrySetResult() |> ignore)

                    let! deleted = a.Client.DeleteAsync $"/api/v1/timepoints/{id}"
                    Expect.equal deleted.StatusCode HttpStatusCode.OK "A soft-deletes it"
                    let! _ = Task.WhenAny(heard.Task, Task.Delay(TimeSpan.FromSeconds 10.0))
                    Expect.isTrue heard.Task.IsCompleted "B heard a delete notice for it (migration 0012's trigger)"

                    do!
                        eventually (TimeSpan.FromSeconds 10.0) "B answers 404 after the notice" (fun () -> task {
                            let! r = b.Client.GetAsync $"/api/v1/timepoints/{id}"
                            return r.StatusCode = HttpStatusCode.NotFound
                        })

                    let! listed = b.Client.GetStringAsync "/api/v1/timepoints"
                    Expect.isFalse (listed.Contains id) "nor listed there"
                })
        }

        testTask "an SSE client on one replica follows a job run by the other to done" {
            do!
                withReplicas (fun a b -> task {
                    let! resp = postJson b.Client "/api/v1/timepoints/generate" """{"query": "moon landing 1969"}"""
                    Expect.equal resp.StatusCode HttpStatusCode.OK "B queues the job (B runs no workers)"
                    let! queued = body resp
                    let id = str queued "id"
                    let! events = b.Client.GetStringAsync $"/api/v1/timepoints/{id}/events"
                    Expect.stringContains events "\"event\":\"step_complete\",\"step\":\"judge\"" "the steps"
                    Expect.stringContains events "\"event\":\"done\"" "done"

                    let! claimedBy =
                        Db.run a.Services.Database (fun s ->
                            Db.queryOption
                                s
                                "SELECT worker FROM generation_jobs WHERE timepoint_id = @id"
                                [ "id", Sql.uuid (Guid.Parse id) ]
                                (fun r -> r.textOrNone "worker"))

                    Expect.isSome
                        (match claimedBy with
                         | Ok(Some(Some w)) -> Some w
                         | _ -> None)
                        "a worker of A ran it"

                    let! t = b.Client.GetStringAsync $"/api/v1/timepoints/{id}"
                    Expect.stringContains t "\"status\":\"completed\"" "B serves the finished scene"
                })
        }
    ]
