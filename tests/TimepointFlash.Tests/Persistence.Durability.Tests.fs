module TimepointFlash.Tests.Persistence.Durability

open System
open System.Threading.Tasks
open Expecto
open TimepointFlash
open TimepointFlash.Persistence
open TimepointFlash.Tests.Persistence.Support

let private synchronous (s: Session) =
    Db.scalarInt64 s "PRAGMA synchronous" []

/// Every write of one generation: pending row, processing row, step logs, finished row.
let private generation (db: Database) (t: Timepoint) = task {
    let store = Timepoints.store db
    let logs = Logs.store db
    let! _ = store.Insert t

    let! _ =
        store.Save {
            t with
                Status = TimepointStatus.Processing
        }

    for step in Steps.all do
        let! _ = logs.Append t.Id (stepRecord step StepStatus.Started)
        let! _ = logs.Append t.Id (stepRecord step StepStatus.Completed)
        ()

    let! saved =
        store.Save {
            t with
                Status = TimepointStatus.Completed
        }

    ok "final save" saved
}

let private dialectTests (dialect: Dialect) =
    testList (dialectName dialect) [
        testTask "a generation's buffered and synced writes are all there after the database is reopened" {
            do!
                withConfig dialect (fun config -> task {
                    let t = pending "durable"
                    let first = openDb config

                    try
                        let! applied = Migrations.apply first
                        ok "migrations" applied |> ignore
                        do! generation first t
                    finally
                        (first :> IDisposable).Dispose()

                    let again = openDb config

                    try
                        let! got = (Timepoints.store again).TryGet t.Id
                        let got = ok "get" got |> Option.get
                        Expect.equal got.Status TimepointStatus.Completed "the finished row"
                        let! logs = (Logs.store again).ListAfter t.Id 0
                        Expect.equal (ok "logs" logs |> List.length) (2 * Steps.all.Length) "every step event"
                    finally
                        (again :> IDisposable).Dispose()
                })
        }
    ]

let tests =
    testList "Persistence.Durability" [
        testTask "on SQLite a buffered write skips the disk sync and the next checkout syncs again" {
            do!
                withDb Dialect.Sqlite (fun db -> task {
                    let! inside = Db.runBuffered db synchronous
                    Expect.equal (ok "buffered" inside) 1L "NORMAL while buffered"
                    let! after = Db.run db synchronous
                    Expect.equal (ok "next" after) 2L "FULL again on the next checkout"
                })
        }

        dialectTests Dialect.Sqlite
        dialectTests Dialect.Postgres
    ]
