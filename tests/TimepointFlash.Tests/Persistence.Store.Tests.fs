module TimepointFlash.Tests.Persistence.Store

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Support

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

    let! listed =
        store.ListSummaries {
            Page = 1
            PageSize = 1000
            Status = None
            Search = Some t.Query
            After = None
        }

    Expect.equal
        ((ok "summaries" listed).Items |> List.tryFind (fun s -> s.Id = t.Id))
        (Some(TimepointSummary.ofTimepoint expected))
        "its summary, read without decoding, equals the summary of what was written"
}

let private dialectTests (dialect: Dialect) =
    let name = dialectName dialect
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    // One migrated database shared by the round-trip property (rows never collide: ids and slugs are unique).
    let shared =
        lazy
            (task {
                let! config, cleanup = freshConfig dialect
                let db = openDb config

                // Removed when the test process exits (the property's cases run across the whole suite).
                AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
                    (db :> IDisposable).Dispose()
                    (cleanup ()).Wait())

                let! applied = Migrations.apply db
                ok "migrations" applied |> ignore
                return db
            })

    testList name [
        testTask
            "0004 moves the per-step JSON columns of an existing row into outputs_json, read back unchanged, after the later scripts" {
            do!
                withConfig dialect (fun config -> task {
                    let db = openDb config
                    use _dbLifetime = db :> IDisposable

                    let before, after =
                        Migrations.scripts dialect |> List.partition (fun m -> m.Version < 4)

                    let script (m: Migration) =
                        Db.run db (fun s -> Db.execute s m.Sql [])

                    for m in before do
                        let! applied = script m
                        ok m.Name applied |> ignore

                    let id = Guid.NewGuid()
                    let json (x: Text.Json.Nodes.JsonNode) = Sql.json (Encode.toString x)

                    let! inserted =
                        Db.run db (fun s ->
                            Db.execute s """
                                INSERT INTO timepoints (id, query, slug, status, generate_image, created_at, updated_at,
                                    judge_json, scene_json, critique_json)
                                VALUES (@id, 'q', 'old-row', 'completed', @no, @at, @at, @judge, @scene, @critique)
                                """ [
                                "id", Sql.uuid id
                                "no", Sql.bool false
                                "at", Sql.timestamp Fixtures.createdAt
                                "judge", json (JudgeResult.encode Fixtures.judge)
                                "scene", json (SceneData.encode Fixtures.scene)
                                "critique", json (CritiqueData.encode Fixtures.critique)
                            ])

                    Expect.equal (ok "old row" inserted) 1 "the old row is written"
                    // The other later scripts first: migrations of parallel branches run in either order.
                    for m in
                        (after |> List.filter (fun m -> m.Version <> 4))
                        @ (after |> List.filter (fun m -> m.Version = 4)) do
                        let! applied = script m
                        ok m.Name applied |> ignore

                    let! read = (Timepoints.store db).TryGet id
                    let t = (ok "read" read).Value
                    Expect.equal t.Judge (Some Fixtures.judge) "judge kept"
                    Expect.equal t.Scene (Some Fixtures.scene) "scene kept"
                    Expect.equal t.Critique (Some Fixtures.critique) "critique kept"

                    Expect.equal
                        (Outputs.names t.Outputs)
                        [ "critique"; "judge"; "scene" ]
                        "absent outputs stay absent"
                })
        }

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

                    Expect.equal
                        (ok "versions" versions)
                        [ for m in Migrations.scripts dialect -> m.Version ]
                        "every embedded script's version recorded, in order"
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
                    let all = List.length (Migrations.scripts dialect)
                    Expect.equal counts [| 0; all |] "one migrator ran the scripts, the other found them applied"
                })
        }

        testPropertyWithConfig roundTripConfig "write then read gives back every column, and the summary of it"
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

        testDb "a missing slug is derived from the query and year"
        <| fun db -> task {
            let t = {
                atYear "Rome 50 BCE" -50 with
                    Slug = ""
            }

            let! stored = (Timepoints.store db).Insert t
            Expect.equal (ok "insert" stored).Slug "rome-50-bce" "derived"
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

        // Shrunk from the round-trip property: SQLite's lower() folds ASCII only, so "QßØQ" missed its own row.
        testDb "search folds case beyond ASCII, in the query and the location"
        <| fun db -> task {
            let store = Timepoints.store db
            let! a = store.Insert(pending "Débarquement en ÉGYPTE")
            ok "insert" a |> ignore

            let! b =
                store.Insert {
                    pending "a harbour" with
                        Location = Some "Ørsund"
                }

            ok "insert" b |> ignore

            let search text = task {
                let! r =
                    store.ListSummaries {
                        Page = 1
                        PageSize = 10
                        Status = None
                        Search = Some text
                        After = None
                    }

                return (ok "list" r).Items |> List.map (fun s -> s.Query)
            }

            let! lower = search "égypte"
            Expect.equal lower [ "Débarquement en ÉGYPTE" ] "lower-case search finds upper-case text"
            let! upper = search "DÉBARQUEMENT"
            Expect.equal upper [ "Débarquement en ÉGYPTE" ] "upper-case search finds mixed-case text"
            let! place = search "øRSUND"
            Expect.equal place [ "a harbour" ] "the location folds too"
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
                After = None
            }

            let! p1 = list all
            Expect.equal p1.Total 25L "total of all rows"
            let! summaries = store.ListSummaries all

            Expect.equal
                (ok "summaries" summaries)
                {
                    Items = p1.Items |> List.map TimepointSummary.ofTimepoint
                    Total = p1.Total
                    Page = p1.Page
                    PageSize = p1.PageSize
                    Next = p1.Next
                }
                "the summary page is the full page's summaries"

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
                Expect.equal (ok "migrate" applied) (List.length (Migrations.scripts Dialect.Sqlite)) "migrated"
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

/// The one object of step outputs: what storage writes is what it reads.
let private outputsTests =
    testList "outputs" [
        testPropertyWithConfig
            roundTripConfig
            "outputs decode with the table's codecs to what they encode"
            (fun (t: Timepoint) ->
                Expect.equal (Outputs.decode Steps.outputs (Outputs.encode t.Outputs)) (Ok t.Outputs) "round trip")

        test "an output no step declares (a newer version's) is kept as it is and written back unchanged" {
            let text =
                """{"judge":"""
                + Encode.toString (JudgeResult.encode Fixtures.judge)
                + ""","later_step":{"x":[1,"two"]}}"""

            let decoded = Outputs.decode Steps.outputs (Text.Json.Nodes.JsonNode.Parse text)

            match decoded with
            | Ok o ->
                Expect.equal (Outputs.tryGet JudgeResult.key o) (Some Fixtures.judge) "the known one decodes"
                Expect.equal (Encode.toString (Outputs.encode o)) text "written back unchanged"
            | Error e -> failtest (DecodeError.describeAll e)
        }

        test "a stored output that does not decode names its output and field" {
            let decoded =
                Outputs.decode Steps.outputs (Text.Json.Nodes.JsonNode.Parse """{"scene":{"setting":5}}""")

            match decoded with
            | Ok _ -> failtest "accepted a bad scene"
            | Error e -> Expect.stringStarts (DecodeError.describeAll e) "scene" "names the output"
        }
    ]

let tests =
    testList "Persistence.Store" [
        outputsTests
        connectionTests
        dialectTests Dialect.Sqlite
        dialectTests Dialect.Postgres
    ]
