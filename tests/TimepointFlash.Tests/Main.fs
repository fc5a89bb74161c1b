module TimepointFlash.Tests.Main

open Expecto

let all =
    testList "TimepointFlash" [ Temporal.tests; Domain.tests; Pipeline.tests; Postgres.tests ]

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv all
