module TimepointFlash.Tests.Main

open Expecto

let all =
    testList "TimepointFlash" [
        Temporal.tests
        Postgres.tests
        OfflineKnowledge.tests
        OfflineMatch.tests
        OfflineAnswers.tests
        OfflineSceneCard.tests
    ]

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv all
