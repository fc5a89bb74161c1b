/// Listing totals without a search come from the per-status counts of migration 0014, kept by triggers: they must
/// equal COUNT(*) after any sequence of writes, on both dialects, and concurrent writers must not deadlock on them.
module TimepointFlash.Tests.Persistence.Counts

open System
open System.Threading.Tasks
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

/// One write to the library; indexes pick a stored row modulo how many there are.
type Write =
    | Insert of TimepointStatus
    | SetStatus of int * TimepointStatus
    | SoftDelete of int
    | Delete of int
    | Purge

let private statuses = TimepointStatus.all

let private writes =
    let status = Gen.elements statuses
    let index = Gen.choose (0, 50)

    Gen.frequency [
        4, status |> Gen.map Insert
        4, Gen.map2 (fun i s -> SetStatus(i, s)) index status
        2, index |> Gen.map SoftDelete
        1, index |> Gen.map Delete
        1, Gen.constant Purge
    ]
    |> Gen.listOf

/// Applies the writes through the store.
let private apply (store: TimepointStore) (writes: Write list) = task {
    let stored = ResizeArray<Timepoint>()

    let pick i =
        if stored.Count = 0 then
            None
        else
            Some stored[i % stored.Count]

    for w in writes do
        match w with
        | Insert status ->
            let! t =
                store.Insert {
                    pending "counted" with
                        Status = status
                }

            stored.Add(ok "insert" t)
        | SetStatus(i, status) ->
            match pick i with
            | Some t ->
                let! updated = store.Save { t with Status = status }

                match updated with
                | Ok() -> ()
                | Error(DbError.NotFound _) -> ()
                | Error e -> failtest (DbError.describe e)
            | None -> ()
        | SoftDelete i ->
            match pick i with
            | Some t -> ok "soft delete" (store.SoftDelete t.Id).Result |> ignore
            | None -> ()
        | Delete i ->
            match pick i with
            | Some t ->
                ok "delete" (store.Delete t.Id).Result |> ignore
                stored.Remove t |> ignore
            | None -> ()
        | Purge ->
            ok "purge" (store.PurgeDeleted(DateTimeOffset.UtcNow.AddMinutes 1.0)).Result
            |> ignore
}

/// The listing's total and COUNT(*) for every status filter.
let private totals (db: Database) = task {
    let store = Timepoints.store db
    let result = ResizeArray()

    for status in None :: (statuses |> List.map Some) do
        let! page =
            store.ListWire {
                Page = 1
                PageSize = 1
                Status = status
                Search = None
                After = None
            }

        let condition, ps =
            match status with
            | Some st -> " AND status = @status", [ "status", Sql.text (TimepointStatus.name st) ]
            | None -> "", []

        let! counted = scalar db $"SELECT COUNT(*) FROM timepoints WHERE deleted_at IS NULL{condition}" ps
        result.Add(status, (ok "list" page).Total, counted)

    return List.ofSeq result
}

let private dialectTests (dialect: Dialect) =
    let config = {
        FsCheckConfig.defaultConfig with
            maxTest = 40
            arbitrary = []
    }

    testList (dialectName dialect) [
        testPropertyWithConfig
            config
            "after any inserts, status changes, soft deletes, deletes and purges the totals equal COUNT(*)"
        <| Prop.forAll (Arb.fromGen writes) (fun ws ->
            (withDb dialect (fun db -> task {
                do! apply (Timepoints.store db) ws

                for status, total, counted in (totals db).Result do
                    Expect.equal total counted $"total for {status} after {ws}"
            }))
                .Wait())

        testTask "a search's total counts every match on the first page, past the last page and after a cursor" {
            do!
                withDb dialect (fun db -> task {
                    let store = Timepoints.store db

                    for i in 1..7 do
                        let query =
                            if i % 2 = 0 then
                                $"Fête in Köln {i}"
                            else
                                $"market in Lyon {i}"

                        ok "insert" (store.Insert(pending query)).Result |> ignore

                    let! hidden = store.Insert(pending "Fête in Köln hidden")
                    ok "soft delete" (store.SoftDelete (ok "insert" hidden).Id).Result |> ignore

                    let listing page after = {
                        Page = page
                        PageSize = 2
                        Status = None
                        Search = Some "FETE IN KOLN"
                        After = after
                    }

                    let! first = store.ListWire(listing 1 None)
                    let first = ok "first page" first
                    Expect.equal (first.Total, first.Items.Length) (3L, 2) "three matches, two on the page"
                    let! past = store.ListWire(listing 9 None)
                    Expect.equal (ok "past the end" past).Total 3L "past the last page"
                    let! next = store.ListWire(listing 1 first.Next)
                    let next = ok "after the cursor" next
                    Expect.equal (next.Total, next.Items.Length) (3L, 1) "after a cursor: all matches, one left"
                })
        }

        testTask "rows present before the migration are counted by its backfill" {
            do!
                withConfig dialect (fun config -> task {
                    let db = openDb config

                    try
                        let before, after =
                            Migrations.scripts dialect |> List.partition (fun m -> m.Version < 14)

                        // In a transaction, as Migrations.apply runs each script.
                        let script (m: Migration) =
                            Db.transact db (fun s -> task {
                                let! n = Db.execute s m.Sql []
                                return Ok n
                            })

                        for m in before do
                            ok m.Name (script m).Result |> ignore

                        let store = Timepoints.store db

                        for status in statuses @ [ TimepointStatus.Completed ] do
                            ok
                                "insert"
                                (store.Insert {
                                    pending "before" with
                                        Status = status
                                })
                                    .Result
                            |> ignore

                        let! hidden = store.Insert(pending "hidden")
                        ok "soft delete" (store.SoftDelete (ok "insert" hidden).Id).Result |> ignore

                        for m in after do
                            ok m.Name (script m).Result |> ignore

                        for status, total, counted in (totals db).Result do
                            Expect.equal total counted $"total for {status}"

                        let! all = totals db
                        Expect.equal (all |> List.head |> (fun (_, t, _) -> t)) 5L "five visible rows"
                    finally
                        (db :> IDisposable).Dispose()
                })
        }
    ]

/// Writers moving rows between statuses in opposite directions at once, single rows and many in one statement.
let private concurrent = testTask "PostgreSQL: opposite status changes at once neither deadlock nor lose a count" {
    do!
        withDb Dialect.Postgres (fun db -> task {
            let store = Timepoints.store db

            let! rows =
                List.init 40 (fun i ->
                    store.Insert {
                        pending $"row {i}" with
                            Status =
                                if i % 2 = 0 then
                                    TimepointStatus.Completed
                                else
                                    TimepointStatus.Failed
                    })
                |> Task.WhenAll

            let rows = rows |> Array.map (ok "insert")

            let flip (t: Timepoint) (round: int) =
                let status =
                    if (round + (if t.Status = TimepointStatus.Completed then 0 else 1)) % 2 = 0 then
                        TimepointStatus.Failed
                    else
                        TimepointStatus.Completed

                store.Save { t with Status = status }

            let many (round: int) =
                Db.run db (fun s ->
                    Db.execute
                        s
                        "UPDATE timepoints SET status = CASE status WHEN 'completed' THEN 'failed' ELSE 'completed' END WHERE query LIKE @like"
                        [ "like", Sql.text ("row %" + string (round % 10)) ])

            let single (t: Timepoint) (round: int) : Task<Result<unit, DbError>> = task {
                let! r = flip t round
                return Result.map ignore r
            }

            let bulk (round: int) : Task<Result<unit, DbError>> = task {
                let! r = many round
                return Result.map ignore r
            }

            let writers =
                [ 0..5 ]
                |> List.collect (fun round ->
                    bulk round :: (rows |> Array.toList |> List.map (fun t -> single t round)))

            let! results = Task.WhenAll writers

            for r in results do
                ok "write" r

            for status, total, counted in (totals db).Result do
                Expect.equal total counted $"total for {status}"
        })
}

let tests =
    testSequenced (
        testList "Persistence.Counts" [ dialectTests Dialect.Sqlite; dialectTests Dialect.Postgres; concurrent ]
    )
