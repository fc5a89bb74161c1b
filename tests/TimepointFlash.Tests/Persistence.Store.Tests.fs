module TimepointFlash.Tests.Persistence.Store

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

let private roundTripConfig = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<Generators.PersistenceArbitraries> ]
        maxTest = 50
}

/// Inserts a timepoint (with a parent and an image when asked) and reads it back by id and by slug.
let private roundTrip (db: Database) (t: Timepoint) (withParent: bool) (withImage: bool) = task {
    let store = Timepoints.store db
    let images = Images.store db

    let! parentId = task {
        if withParent then
            let! p = store.Insert(pending "a parent")
            return Some (ok "parent" p).Id
        else
            return None
    }

    let t = { t with ParentId = parentId }
    let! inserted = store.Insert t
    let inserted = ok "insert" inserted

    if withImage then
        let! put = images.Put t.Id [| 1uy; 2uy; 3uy |] "image/png"
        ok "image" put |> ignore

    let expected = { t with HasImage = withImage }
    let! byId = store.TryGet t.Id
    let! bySlug = store.TryGetBySlug t.Slug
    Expect.equal inserted { t with HasImage = false } "insert returns the stored row"
    Expect.equal (ok "by id" byId) (Some expected) "read by id equals what was written"
    Expect.equal (ok "by slug" bySlug) (Some expected) "read by slug equals what was written"
}

let private dialectTests (dialect: Dialect) =
    let name = dialectName dialect
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    // One migrated database shared by the round-trip property (rows never collide: ids and slugs are unique).
    let shared =
        lazy
            (task {
                let! config, _ = freshConfig dialect
                let db = openDb config
                let! applied = Migrations.apply db
                ok "migrations" applied |> ignore
                return db
            })

    testList name [
        testTask "migrations create the schema from empty and re-running them is a no-op" {
            do!
                withConfig dialect (fun config -> task {
                    let db = openDb config
                    use _dbLifetime = db :> IDisposable
                    let! first = Migrations.apply db
                    let! second = Migrations.apply db
                    Expect.equal (ok "first" first) (List.length (Migrations.scripts dialect)) "every script ran once"
                    Expect.equal (ok "second" second) 0 "nothing left to apply"
                    let! versions = Migrations.appliedVersions db
                    Expect.equal (ok "versions" versions) [ 1 ] "0001 recorded"
                })
        }

        testTask "two migrators started together apply each script exactly once" {
            do!
                withConfig dialect (fun config -> task {
                    let a = openDb config
                    use _aLifetime = a :> IDisposable
                    let b = openDb config
                    use _bLifetime = b :> IDisposable
                    let! results = Task.WhenAll [| Migrations.apply a; Migrations.apply b |]
                    let counts = results |> Array.map (ok "migrate") |> Array.sort
                    Expect.equal counts [| 0; 1 |] "one migrator ran the script, the other found it applied"
                })
        }

        testPropertyWithConfig roundTripConfig "write then read gives back every column"
        <| fun (t: Timepoint) (withParent: bool) (withImage: bool) ->
            let db = shared.Value.Result
            (roundTrip db t withParent withImage).GetAwaiter().GetResult()

        testDb "a status outside the four values is rejected by the schema (B18)"
        <| fun db -> task {
            let t = pending "status check"
            let! _ = Timepoints.store db |> fun s -> s.Insert t

            let! r =
                Db.run db (fun s ->
                    Db.execute s "UPDATE timepoints SET status = 'PENDING' WHERE id = @id" [ "id", Sql.uuid t.Id ])

            Expect.isError r "upper-case enum names are refused"

            let! stored = scalar db "SELECT COUNT(*) FROM timepoints WHERE status = 'pending'" []
            Expect.equal stored 1L "lower-case value stored"
        }

        testDb "update rewrites the row and stamps updated_at"
        <| fun db -> task {
            let store = Timepoints.store db

            let t = {
                pending "update me" with
                    CreatedAt = DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)
            }

            let! _ = store.Insert t

            let changed = {
                t with
                    Status = TimepointStatus.Completed
                    Location = Some "Rome"
                    Slug = "update-me-44-bce"
            }

            let! updated = store.Update changed
            let updated = ok "update" updated
            Expect.equal updated.Status TimepointStatus.Completed "status"
            Expect.equal updated.Slug "update-me-44-bce" "slug"
            Expect.isGreaterThan updated.UpdatedAt t.CreatedAt "updated_at moves"
            let! back = store.TryGet t.Id
            Expect.equal (ok "get" back) (Some updated) "stored as returned"
            let! missing = store.Update(pending "nobody")

            match missing with
            | Error(DbError.NotFound _) -> ()
            | other -> failtest $"expected NotFound, got %A{other}"
        }

        testDb "the same query stored many times never fails and gets distinct slugs (B20)"
        <| fun db -> task {
            let store = Timepoints.store db
            let slug = Slug.ofText "rome 50 BCE" (Some -50)

            let! results =
                [ 1..12 ]
                |> List.map (fun _ ->
                    store.Insert {
                        pending "rome 50 BCE" with
                            Slug = slug
                    })
                |> Task.WhenAll

            let slugs = results |> Array.map (ok "insert" >> fun t -> t.Slug)
            Expect.equal (Array.distinct slugs).Length 12 "all distinct"
            Expect.contains slugs "rome-50-bce" "the first keeps the plain slug"
            Expect.contains slugs "rome-50-bce-2" "then -2"
            Expect.isTrue (slugs |> Array.forall Slug.isValid) "all valid"
        }

        testDb "update to a taken slug moves to the next free one"
        <| fun db -> task {
            let store = Timepoints.store db
            let! a = store.Insert { pending "a" with Slug = "same" }
            let! b = store.Insert { pending "b" with Slug = "other" }
            let! moved = store.Update { ok "b" b with Slug = "same" }
            Expect.equal (ok "update" moved).Slug "same-2" "suffixed"
            Expect.equal (ok "a" a).Slug "same" "a keeps its slug"
        }

        testDb "list counts every matching row and pages newest first (B33)"
        <| fun db -> task {
            let store = Timepoints.store db
            let t0 = DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)

            for i in 1..25 do
                let status =
                    if i % 3 = 0 then
                        TimepointStatus.Completed
                    else
                        TimepointStatus.Pending

                let location = if i % 5 = 0 then Some "Ancient Rome" else None

                let! r =
                    store.Insert {
                        pending $"query number {i}" with
                            Status = status
                            Location = location
                            CreatedAt = t0.AddMinutes(float i)
                            UpdatedAt = t0.AddMinutes(float i)
                    }

                ok "insert" r |> ignore

            let list q = task {
                let! r = store.List q
                return ok "list" r
            }

            let all = {
                Page = 1
                PageSize = 10
                Status = None
                Search = None
            }

            let! p1 = list all
            Expect.equal p1.Total 25L "total of all rows"

            Expect.equal
                (p1.Items |> List.map (fun t -> t.Query))
                [ for i in 25..-1..16 -> $"query number {i}" ]
                "newest first"

            let! p3 = list { all with Page = 3 }
            Expect.equal p3.Items.Length 5 "last page"
            Expect.equal p3.Total 25L "total on every page"
            let! p4 = list { all with Page = 4 }
            Expect.isEmpty p4.Items "past the end"

            let! completed =
                list {
                    all with
                        Status = Some TimepointStatus.Completed
                }

            Expect.equal completed.Total 8L "status filter total"
            Expect.isTrue (completed.Items |> List.forall (fun t -> t.Status = TimepointStatus.Completed)) "filtered"
            let! rome = list { all with Search = Some "ROME" }
            Expect.equal rome.Total 5L "search in location, case-insensitive"
            let! q7 = list { all with Search = Some "number 7" }
            Expect.equal q7.Total 1L "search in query"

            let! both =
                list {
                    all with
                        Search = Some "rome"
                        Status = Some TimepointStatus.Completed
                }

            Expect.equal both.Total 1L "filters combine (i = 15)"
            let! literal = list { all with Search = Some "%" }
            Expect.equal literal.Total 0L "LIKE wildcards are literal"
        }

        testDb "delete removes logs, image and jobs and orphans the children"
        <| fun db -> task {
            let store = Timepoints.store db
            let parent = pending "parent"
            let child = pending "child"
            let! _ = store.Insert parent
            let! _ = store.Insert child
            let! linked = store.LinkParent child.Id parent.Id
            Expect.equal (ok "link" linked) LinkOutcome.Linked "linked"
            let! _ = (Images.store db).Put parent.Id [| 9uy |] "image/png"
            let! _ = (Logs.store db).Append(LogEntry.create parent.Id Step.Judge LogStatus.Started)
            let signal = JobSignal()

            let! _ =
                (Jobs.store db signal).Enqueue parent.Id {
                    Kind = JobKind.Generate
                    Payload = "{}"
                    MaxAttempts = 3
                }

            let! deleted = store.Delete parent.Id
            Expect.isTrue (ok "delete" deleted) "deleted"

            for table in [ "timepoint_images"; "generation_logs"; "generation_jobs" ] do
                let! n = scalar db $"SELECT COUNT(*) FROM {table} WHERE timepoint_id = @id" [ "id", Sql.uuid parent.Id ]
                Expect.equal n 0L $"{table} cascaded"

            let! orphan = store.TryGet child.Id

            Expect.equal
                (ok "child" orphan |> Option.map (fun t -> t.ParentId))
                (Some None)
                "child kept, parent_id null"

            let! again = store.Delete parent.Id
            Expect.isFalse (ok "again" again) "second delete finds nothing"
        }

        testDb "update never drops a parent link made after the row was read"
        <| fun db -> task {
            let store = Timepoints.store db
            let parent, child = pending "parent", pending "child"
            let! _ = store.Insert parent
            let! _ = store.Insert child
            let! _ = store.LinkParent child.Id parent.Id

            let! updated =
                store.Update {
                    child with
                        Status = TimepointStatus.Completed
                }

            Expect.equal (ok "update" updated).ParentId (Some parent.Id) "the link survives a stale snapshot"
        }

        testDb "linking never overwrites an existing different parent (B29)"
        <| fun db -> task {
            let store = Timepoints.store db
            let a, b, c = pending "a", pending "b", pending "c"

            for t in [ a; b; c ] do
                let! _ = store.Insert t
                ()

            let! first = store.LinkParent c.Id a.Id
            let! again = store.LinkParent c.Id a.Id
            let! other = store.LinkParent c.Id b.Id
            Expect.equal (ok "first" first) LinkOutcome.Linked "linked"
            Expect.equal (ok "again" again) LinkOutcome.Linked "idempotent"
            Expect.equal (ok "other" other) (LinkOutcome.AlreadyLinked a.Id) "kept"
            let! self = store.LinkParent a.Id a.Id
            Expect.isError self "no self link"
            let! missing = store.LinkParent (Guid.NewGuid()) a.Id
            Expect.isError missing "unknown child"
        }

        testDb "every child of a branching node is returned in time order (B30)"
        <| fun db -> task {
            let store = Timepoints.store db
            let source = atYear "source" 1776
            let! _ = store.Insert source
            let later = atYear "later" 1786
            let earlier = atYear "earlier" -44
            let middle = atYear "middle" 1777

            for t in [ later; earlier; middle ] do
                let! _ = store.Insert t
                let! l = store.LinkParent t.Id source.Id
                ok "link" l |> ignore

            let! children = store.Children source.Id

            Expect.equal
                (ok "children" children |> List.map (fun t -> t.Query))
                [ "earlier"; "middle"; "later" ]
                "by year"
        }

        testDb "an image is stored, replaced and read back with its type"
        <| fun db -> task {
            let images = Images.store db
            let t = pending "image"
            let! _ = (Timepoints.store db).Insert t
            let! _ = images.Put t.Id [| 1uy; 2uy |] "image/png"
            let! _ = images.Put t.Id [| 3uy; 4uy; 5uy |] "image/svg+xml"
            let! got = images.TryGet t.Id
            let got = ok "get" got |> Option.get
            Expect.equal got.Bytes [| 3uy; 4uy; 5uy |] "replaced bytes"
            Expect.equal got.MimeType "image/svg+xml" "mime"
            let! none = images.TryGet(Guid.NewGuid())
            Expect.equal (ok "none" none) None "absent"
            let! orphan = images.Put (Guid.NewGuid()) [| 1uy |] "image/png"
            Expect.isError orphan "an image needs its timepoint"
        }

        testDb "step logs get gapless sequence numbers even when appended concurrently"
        <| fun db -> task {
            let logs = Logs.store db
            let t = pending "logs"
            let! _ = (Timepoints.store db).Insert t

            let entry i = {
                LogEntry.create t.Id (List.item (i % Step.all.Length) Step.all) LogStatus.Completed with
                    Model = Some "offline"
                    Provider = Some "offline"
                    LatencyMs = Some i
                    InputTokens = Some(i * 10)
                    OutputTokens = Some(i * 20)
                    Error = if i % 4 = 0 then Some "retried" else None
                    Output = Some(Encode.obj [ "i", Encode.int i ])
            }

            let! appended = [ 1..30 ] |> List.map (entry >> logs.Append) |> Task.WhenAll
            let appended = appended |> Array.map (ok "append")
            Expect.equal (appended |> Array.map (fun e -> e.Seq) |> Array.sort) [| 1..30 |] "1..30"
            let! all = logs.ListAfter t.Id 0
            let all = ok "list" all
            Expect.equal (all |> List.map (fun e -> e.Seq)) [ 1..30 ] "ordered"
            let e7 = all |> List.find (fun e -> e.LatencyMs = Some 7)
            Expect.equal e7.InputTokens (Some 70) "tokens"
            Expect.equal (e7.Output |> Option.map Encode.toString) (Some """{"i":7}""") "output JSON"
            let! tail = logs.ListAfter t.Id 25
            Expect.equal (ok "tail" tail |> List.map (fun e -> e.Seq)) [ 26..30 ] "replay after a seq"
        }

        testDb "a follower replays history then receives live entries until the timepoint is finished"
        <| fun db -> task {
            let logs = Logs.store db
            let store = Timepoints.store db
            let t = pending "follow"
            let! _ = store.Insert t
            let! _ = logs.Append(LogEntry.create t.Id Step.Judge LogStatus.Started)
            let! _ = logs.Append(LogEntry.create t.Id Step.Judge LogStatus.Completed)
            let seen = Collections.Concurrent.ConcurrentQueue<int>()

            let isFinished () = task {
                let! r = store.TryGet t.Id
                return r |> Result.map (Option.exists (fun x -> TimepointStatus.isFinal x.Status))
            }

            let follower =
                Logs.follow
                    logs
                    t.Id
                    0
                    isFinished
                    (TimeSpan.FromMilliseconds 20.0)
                    (fun e -> task { seen.Enqueue e.Seq })
                    Threading.CancellationToken.None

            do! Task.Delay 100
            let! _ = logs.Append(LogEntry.create t.Id Step.Timeline LogStatus.Started)
            let! _ = logs.Append(LogEntry.create t.Id Step.Timeline LogStatus.Completed)

            let! _ =
                store.Update {
                    t with
                        Status = TimepointStatus.Completed
                }

            let! last = follower
            Expect.equal (ok "follow" last) 4 "last seq"
            Expect.equal (List.ofSeq seen) [ 1; 2; 3; 4 ] "history then live, in order"
        }
    ]

let private connectionTests =
    testList "Connection" [
        testTask "an unreachable PostgreSQL server is one clear error line without the password" {
            let cs = "Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Database=d;Timeout=5"

            match! Database.connect (DbConfig.Postgres cs) with
            | Error(DbError.Unavailable _ as e) ->
                let message = DbError.describe e
                Expect.stringContains message "127.0.0.1:1" "names the server"
                Expect.isFalse (message.Contains "hunter2") "no password"
                Expect.isFalse (message.Contains "\n") "one line"
            | other -> failtest $"expected Unavailable, got %A{other}"
        }

        testTask "an in-memory SQLite database is shared by every connection of its data source" {
            let db = openDb (DbConfig.Sqlite ":memory:")

            try
                let! applied = Migrations.apply db
                Expect.equal (ok "migrate" applied) 1 "migrated"
                let t = pending "in memory"
                let store: TimepointStore = Timepoints.store db
                let! _ = store.Insert t
                let! back = store.TryGet t.Id

                Expect.equal
                    (ok "get" back |> Option.map (fun (x: Timepoint) -> x.Id))
                    (Some t.Id)
                    "read on another connection"
            finally
                (db :> IDisposable).Dispose()
        }
    ]

let tests =
    testList "Persistence.Store" [ connectionTests; dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
