module TimepointFlash.Tests.Main

open Expecto

let all =
    testList "TimepointFlash" [
        Temporal.tests
        Domain.tests
        Pipeline.tests
        Postgres.tests
        Persistence.Url.tests
        Persistence.Slug.tests
        Persistence.Store.tests
        Persistence.Jobs.tests
        Persistence.Process.tests
    ]

[<EntryPoint>]
let main argv =
    match List.ofArray argv with
    // A child process of the persistence kill tests: run the real job worker until killed.
    | "--job-worker" :: rest -> Persistence.WorkerProcess.main rest
    | _ -> runTestsWithCLIArgs [] argv all
