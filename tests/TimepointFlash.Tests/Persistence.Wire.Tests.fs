/// Stored wire JSON (migration 0008): rendered once from the row, served as bytes, rendered again after any change.
module TimepointFlash.Tests.Persistence.Wire

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Persistence.Support

let private config = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<Generators.PersistenceArbitraries> ]
        maxTest = 40
}

/// The Declaration fixture as a finished scene with every agent output.
let fixtureScene () =
    let t =
        Timepoint.pending (Guid.NewGuid()) "signing of the declaration of independence" "" true Fixtures.createdAt

    {
        t with
            Status = TimepointStatus.Completed
            Location = Some Fixtures.timeline.Location
            Outputs =
                Outputs.empty
                |> Outputs.add JudgeResult.key Fixtures.judge
                |> Outputs.add TimelineData.key Fixtures.timeline
                |> Outputs.add SceneData.key Fixtures.scene
                |> Outputs.add CharacterData.key Fixtures.cast
                |> Outputs.add MomentData.key Fixtures.moment
                |> Outputs.add DialogData.key Fixtures.dialog
                |> Outputs.add CameraData.key Fixtures.camera
                |> Outputs.add GraphData.key Fixtures.graph
                |> Outputs.add CritiqueData.key Fixtures.critique
    }

let private served (store: TimepointStore) (key: WireRows.Key) (full: bool) = task {
    let! r = store.TryGetWire key full
    return ok "wire" r
}

/// Both forms served by id and by slug equal a fresh render of the row as it reads back now.
let private expectFresh (store: TimepointStore) (id: Guid) = task {
    let! row = store.TryGet id
    let t = (ok "row" row).Value

    for full in [ true; false ] do
        let expected = StoredWire.renderOne full t

        for key in [ WireRows.Key.Id id; WireRows.Key.Slug t.Slug ] do
            let! body = served store key full
            let body, status = body.Value

            Expect.equal
                (Text.Encoding.UTF8.GetString body.Bytes)
                (Text.Encoding.UTF8.GetString expected.Bytes)
                $"{key} full={full}"

            Expect.equal body.ETag expected.ETag "the entity tag is the hash of the bytes"
            Expect.equal status t.Status "with the status"

    return t
}

let private stampOf (db: Database) (id: Guid) = task {
    let! r =
        Db.run db (fun s ->
            Db.queryOption s "SELECT wire_stamp FROM timepoints WHERE id = @id" [ "id", Sql.uuid id ] (fun r ->
                r.textOrNone "wire_stamp"))

    return ok "stamp" r |> Option.flatten
}

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    let shared =
        lazy
            (task {
                let! config, cleanup = freshConfig dialect
                let db = openDb config

                AppDomain.CurrentDomain.ProcessExit.Add(fun _ ->
                    (db :> IDisposable).Dispose()
                    (cleanup ()).Wait())

                let! applied = Migrations.apply db
                ok "migrations" applied |> ignore
                return db
            })

    testList (dialectName dialect) [
        testPropertyWithConfig config "the stored bytes of any written timepoint equal a fresh render of its row"
        <| fun (t: Timepoint) (withImage: bool) ->
            (task {
                let db = shared.Value.Result
                let store = Timepoints.store db
                let! inserted = store.Insert t
                ok "insert" inserted |> ignore

                if withImage then
                    let! put = (Images.store db).Put t.Id [| 1uy |] "image/png"
                    ok "image" put |> ignore

                let! _ = expectFresh store t.Id
                let! stamp = stampOf db t.Id

                if TimepointStatus.isFinal t.Status then
                    Expect.equal stamp (Some StoredWire.stamp) "a finished timepoint keeps its rendered bytes"
                else
                    Expect.equal stamp None "a running one is rendered on each read"
            })
                .GetAwaiter()
                .GetResult()

        testDb "the fixture scene is rendered when it completes and its bytes are served as stored"
        <| fun db -> task {
            let store = Timepoints.store db
            let t = fixtureScene ()

            let! inserted =
                store.Insert {
                    t with
                        Status = TimepointStatus.Processing
                }

            let inserted = ok "insert" inserted
            let! before = stampOf db t.Id
            Expect.equal before None "nothing stored while it runs"
            let! saved = store.Save inserted
            ok "save" saved |> ignore
            let! after = stampOf db t.Id
            Expect.equal after None "still running"

            let! saved =
                store.Save {
                    inserted with
                        Status = TimepointStatus.Completed
                }

            ok "save" saved |> ignore
            let! stamp = stampOf db t.Id
            Expect.equal stamp (Some StoredWire.stamp) "rendered at completion"
            let! _ = expectFresh store t.Id
            ()
        }

        testDb "a change through the store, an image, or any other UPDATE of the row is served at once"
        <| fun db -> task {
            let store = Timepoints.store db
            let! inserted = store.Insert(fixtureScene ())
            let t = ok "insert" inserted

            let! saved =
                store.Save {
                    t with
                        Outputs = Outputs.set DialogData.key None t.Outputs
                        Location = Some "Carpenters' Hall"
                }

            ok "save" saved |> ignore
            let! now = expectFresh store t.Id
            Expect.equal now.Location (Some "Carpenters' Hall") "the saved change"
            let! put = (Images.store db).Put t.Id [| 1uy |] "image/png"
            ok "image" put |> ignore
            let! now = expectFresh store t.Id
            Expect.isTrue now.HasImage "the image is named"

            let! changed =
                Db.run db (fun s ->
                    Db.execute s "UPDATE timepoints SET location = 'Independence Hall' WHERE id = @id" [
                        "id", Sql.uuid t.Id
                    ])

            ok "direct update" changed |> ignore
            let! stamp = stampOf db t.Id
            Expect.equal stamp None "the trigger marked the bytes stale"
            let! now = expectFresh store t.Id
            Expect.equal now.Location (Some "Independence Hall") "served from the changed row"
            let! stamp = stampOf db t.Id
            Expect.equal stamp (Some StoredWire.stamp) "and stored again"
        }

        testDb "bytes of another renderer are rendered again on read and by the start-up pass"
        <| fun db -> task {
            let store = Timepoints.store db
            let! a = store.Insert(fixtureScene ())
            let! b = store.Insert(fixtureScene ())
            let a, b = ok "a" a, ok "b" b

            let! marked =
                Db.run db (fun s ->
                    Db.execute s "UPDATE timepoints SET wire_stamp = 'w0-old', wire_full = @junk, wire_summary = @junk" [
                        "junk", Sql.bytes "{}"B
                    ])

            ok "mark" marked |> ignore
            let! _ = expectFresh store a.Id
            let! stampA = stampOf db a.Id
            let! stampB = stampOf db b.Id
            Expect.equal stampA (Some StoredWire.stamp) "read: rendered and stored"
            Expect.equal stampB (Some "w0-old") "not read yet"
            let! n = WireRows.refreshStale db 1
            Expect.equal (ok "refresh" n) 1 "the pass renders the one left"
            let! stampB = stampOf db b.Id
            Expect.equal stampB (Some StoredWire.stamp) "stored"
            let! _ = expectFresh store b.Id
            ()
        }

        testDb "a deleted parent's children are served without it"
        <| fun db -> task {
            let store = Timepoints.store db
            let! parent = store.Insert(fixtureScene ())
            let! child = store.Insert(fixtureScene ())
            let parent, child = ok "parent" parent, ok "child" child
            let! linked = store.LinkParent child.Id parent.Id
            ok "link" linked |> ignore
            let! now = expectFresh store child.Id
            Expect.equal now.ParentId (Some parent.Id) "linked"
            let! deleted = store.Delete parent.Id
            Expect.isTrue (ok "delete" deleted) "deleted"
            let! now = expectFresh store child.Id
            Expect.equal now.ParentId None "unlinked"
        }

        testDb "a listed page's bytes equal the page encoded from its summaries"
        <| fun db -> task {
            let store = Timepoints.store db

            for i in 1..5 do
                let t = fixtureScene ()

                let t =
                    if i % 2 = 0 then
                        {
                            t with
                                Status = TimepointStatus.Processing
                        }
                    else
                        t

                let! inserted =
                    store.Insert {
                        t with
                            Query = $"scene {i} of the fixture"
                    }

                ok "insert" inserted |> ignore

            for q in [ None; Some "FIXTURE" ] do
                let query = {
                    Page = 1
                    PageSize = 4
                    Status = None
                    Search = q
                    After = None
                }

                let! summaries = store.ListSummaries query
                let! wire = store.ListWire query
                let expected = Encode.toString (AppWire.page (ok "summaries" summaries))
                let actual = Text.Encoding.UTF8.GetString(AppWire.pageBytes (ok "wire" wire))
                Expect.equal actual expected "the same text"
        }
    ]

let tests =
    testList "Persistence.Wire" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres ]
