module TimepointFlash.Tests.Main

open Expecto

let all =
    testList "TimepointFlash" [
        Temporal.tests
        Domain.tests
        Pipeline.tests
        Postgres.tests
        Providers.Settings.tests
        Providers.Schema.tests
        Providers.Gemini.tests
        Providers.OpenAi.tests
        Providers.OpenAiMedia.tests
        Providers.Resilience.tests
        Providers.Router.tests
        Providers.ChatClient.tests
    ]

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv all
