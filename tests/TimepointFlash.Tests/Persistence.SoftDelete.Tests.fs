/// Soft delete (migration 0012): a soft-deleted row is hidden from every read and deleted for good by the purge.
module TimepointFlash.Tests.Persistence.SoftDelete

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Persistence

let private query q = {
    Page = 1
    PageSize = 50
    Status = None
    Search = Some q
    After = None
}

let private stamp (db: Database) (id: Guid) = task {
    let! r =
        Db.run db (fun s ->
            Db.queryOption s "SELECT wire_stamp FROM timepoints WHERE id = @id" [ "id", Sql.uuid id ] (fun r ->
                r.textOrNone "wire_stamp"))

    return ok "stamp" r
}

let private dialectTests (dialect: Dialect) =
    let testDb title (f: Database -> Task<unit>) = testTask title { do! withDb dialect f }

    testList (dialectName dialect) [
        testDb "a soft-deleted scene is hidden from get, slug, listings, wire and children, and its row stays"
        <| fun db -> task {
            let store = Timepoints.store db
            let! parent = store.Insert(Wire.fixtureScene ())
            let! child = store.Insert(Wire.fixtureScene ())
            let parent, child = ok "parent" parent, ok "child" child
            let! _ = store.LinkParent child.Id parent.Id
            let! _ = (Logs.store db).Append parent.Id (stepRecord Step.Judge StepStatus.Started)
            let! hidden = store.SoftDelete parent.Id
            Expect.isTrue (ok "soft delete" hidden) "found"

            let! byId = store.TryGet parent.Id
            Expect.isNone (ok "get" byId) "not by id"
            let! bySlug = store.TryGetBySlug parent.Slug
            Expect.isNone (ok "slug" bySlug) "not by slug"

            for full in [ true; false ] do
                for key in [ WireRows.Key.Id parent.Id; WireRows.Key.Slug parent.Slug ] do
                    let! wire = store.TryGetWire key full
                    Expect.isNone (ok "wire" wire) $"no wire for {key} full={full}"

            let! listed = store.List(query "declaration")
            Expect.equal ((ok "list" listed).Items |> List.map _.Id) [ child.Id ] "only the child is listed"
            Expect.equal (ok "list" listed).Total 1L "the total leaves it out"
            let! summaries = store.ListSummaries(query "declaration")
            Expect.equal (ok "summaries" summaries).Total 1L "summaries too"
            let! wires = store.ListWire(query "declaration")
            Expect.equal (ok "wires" wires).Items.Length 1 "listed bytes too"
            let! kids = store.Children parent.Id
            Expect.equal (ok "children" kids |> List.map _.Id) [ child.Id ] "its child is still its child"
            let! hiddenKids = store.Children child.Id
            Expect.isEmpty (ok "no children" hiddenKids) "nothing below the child"

            let! rows = scalar db "SELECT COUNT(*) FROM timepoints WHERE id = @id" [ "id", Sql.uuid parent.Id ]
            Expect.equal rows 1L "the row is kept until the purge"

            let! logs =
                scalar db "SELECT COUNT(*) FROM generation_logs WHERE timepoint_id = @id" [ "id", Sql.uuid parent.Id ]

            Expect.equal logs 1L "and its logs"
        }

        testDb "a soft-deleted child drops out of its parent's children"
        <| fun db -> task {
            let store = Timepoints.store db
            let parent, child = pending "parent", pending "child"
            let! _ = store.Insert parent
            let! _ = store.Insert child
            let! _ = store.LinkParent child.Id parent.Id
            let! _ = store.SoftDelete child.Id
            let! kids = store.Children parent.Id
            Expect.isEmpty (ok "children" kids) "hidden"
        }

        testDb "a repeated soft delete still finds the row and keeps the first stamp; an unknown id is not found"
        <| fun db -> task {
            let store = Timepoints.store db
            let t = pending "twice"
            let! _ = store.Insert t
            let! first = store.SoftDelete t.Id

            let! at =
                Db.run db (fun s ->
                    Db.queryOption
                        s
                        "SELECT deleted_at FROM timepoints WHERE id = @id"
                        [ "id", Sql.uuid t.Id ]
                        (fun r -> r.timestamp "deleted_at"))

            let! second = store.SoftDelete t.Id

            let! again =
                Db.run db (fun s ->
                    Db.queryOption
                        s
                        "SELECT deleted_at FROM timepoints WHERE id = @id"
                        [ "id", Sql.uuid t.Id ]
                        (fun r -> r.timestamp "deleted_at"))

            Expect.isTrue (ok "first" first) "first"
            Expect.isTrue (ok "second" second) "second"
            Expect.equal (ok "again" again) (ok "at" at) "the first stamp is kept"
            let! unknown = store.SoftDelete(Guid.NewGuid())
            Expect.isFalse (ok "unknown" unknown) "no such row"
            let! gone = store.Delete t.Id
            Expect.isTrue (ok "permanent" gone) "a permanent delete of a soft-deleted row deletes it"
            let! rows = scalar db "SELECT COUNT(*) FROM timepoints WHERE id = @id" [ "id", Sql.uuid t.Id ]
            Expect.equal rows 0L "gone"
        }

        testDb "a soft delete leaves the stored wire bytes current: the hidden row is not rendered again"
        <| fun db -> task {
            let store = Timepoints.store db
            let! t = store.Insert(Wire.fixtureScene ())
            let t = ok "insert" t
            let! before = stamp db t.Id
            Expect.equal before (Some(Some StoredWire.stamp)) "rendered at insert"
            let! _ = store.SoftDelete t.Id
            let! after = stamp db t.Id
            Expect.equal after before "the trigger did not mark the bytes stale"
            let! rendered = WireRows.refreshStale db 10
            Expect.equal (ok "refresh" rendered) 0 "nothing to render"
        }

        testDb "the purge deletes rows soft-deleted before the cutoff, with their cascade, and nothing else"
        <| fun db -> task {
            let store = Timepoints.store db
            let old, recent, live = pending "old", pending "recent", pending "live"

            for t in [ old; recent; live ] do
                let! _ = store.Insert t
                ()

            let! _ = (Images.store db).Put old.Id [| 1uy |] "image/png"
            let! _ = (Logs.store db).Append old.Id (stepRecord Step.Judge StepStatus.Started)
            let! _ = store.SoftDelete old.Id
            let! _ = store.SoftDelete recent.Id
            let now = Timestamp.normalise DateTimeOffset.UtcNow

            let! _ =
                Db.run db (fun s ->
                    Db.execute s "UPDATE timepoints SET deleted_at = @at WHERE id = @id" [
                        "at", Sql.timestamp (now.AddDays -2.0)
                        "id", Sql.uuid old.Id
                    ])

            let cutoff = now.AddDays -1.0
            let! purged = store.PurgeDeleted cutoff
            Expect.equal (ok "purge" purged) 1 "one row was old enough"

            for table, column in
                [
                    "timepoints", "id"
                    "timepoint_images", "timepoint_id"
                    "generation_logs", "timepoint_id"
                ] do
                let! n = scalar db $"SELECT COUNT(*) FROM {table} WHERE {column} = @id" [ "id", Sql.uuid old.Id ]
                Expect.equal n 0L $"{table} purged"

            let! rest = scalar db "SELECT COUNT(*) FROM timepoints" []
            Expect.equal rest 2L "the recent soft delete and the live row remain"
            let! again = store.PurgeDeleted cutoff
            Expect.equal (ok "again" again) 0 "nothing left to purge"
        }
    ]

let private purgeSettings =
    testList "purge settings" [
        test "the purge defaults to 30 days every hour; an interval of 0 turns it off; a bad value names its variable" {
            let read (pairs: (string * string) list) =
                TimepointFlash.Runtime.Config.read (fun k -> pairs |> List.tryFind (fst >> (=) k) |> Option.map snd)

            match read [] with
            | Ok c ->
                Expect.equal c.Purge.After (TimeSpan.FromHours 720.0) "30 days"
                Expect.equal c.Purge.Every (Some(TimeSpan.FromHours 1.0)) "hourly"
            | Error e -> failtest (TimepointFlash.Runtime.ConfigError.describe e)

            match read [ "PURGE_INTERVAL_SECONDS", "0"; "PURGE_DELETED_AFTER_HOURS", "0" ] with
            | Ok c ->
                Expect.equal c.Purge.Every None "off"
                Expect.equal c.Purge.After TimeSpan.Zero "at the next pass"
            | Error e -> failtest (TimepointFlash.Runtime.ConfigError.describe e)

            match read [ "PURGE_DELETED_AFTER_HOURS", "-1" ] with
            | Error e -> Expect.equal e.Variable "PURGE_DELETED_AFTER_HOURS" "named"
            | Ok _ -> failtest "a negative age was accepted"
        }

        testTask "a purge pass deletes what is old enough and says how many" {
            do!
                withDb Dialect.Sqlite (fun db -> task {
                    let store = Timepoints.store db
                    let t = pending "purge pass"
                    let! _ = store.Insert t
                    let! _ = store.SoftDelete t.Id
                    let lines = ResizeArray<string>()

                    let settings: TimepointFlash.Runtime.PurgeSettings = {
                        After = TimeSpan.Zero
                        Every = Some(TimeSpan.FromHours 1.0)
                    }

                    let! n =
                        TimepointFlash.Runtime.Purge.once
                            store.PurgeDeleted
                            settings
                            (fun () -> DateTimeOffset.UtcNow.AddSeconds 1.0)
                            lines.Add

                    Expect.equal n 1 "purged"
                    Expect.equal (List.ofSeq lines) [ "purged 1 soft-deleted timepoint(s)" ] "logged"
                    let! rows = scalar db "SELECT COUNT(*) FROM timepoints" []
                    Expect.equal rows 0L "gone for good"
                })
        }
    ]

let tests =
    testList "Persistence.SoftDelete" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres; purgeSettings ]
