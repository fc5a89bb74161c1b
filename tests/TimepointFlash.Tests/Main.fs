module TimepointFlash.Tests.Main

open Expecto

let all = testList "TimepointFlash" [ Temporal.tests; Postgres.tests ]

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv all
