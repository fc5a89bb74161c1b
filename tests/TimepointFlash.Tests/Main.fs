module TimepointFlash.Tests.Main

open Expecto

let all =
    testList "TimepointFlash" [
        Temporal.tests
        Domain.tests
        Codecs.tests
        Anachronisms.tests
        Pipeline.tests
        PipelineSteps.tests
        PipelineSteps.failures
        Postgres.tests
        Providers.Settings.tests
        Providers.Schema.tests
        Providers.Gemini.tests
        Providers.OpenAi.tests
        Providers.OpenAiMedia.tests
        Providers.Resilience.tests
        Providers.Router.tests
        Providers.Outcomes.tests
        Providers.Families.tests
        Providers.Shapes.tests
        Providers.Liveness.tests
        Providers.ChatClient.tests
        Providers.Streaming.tests
        Persistence.Url.tests
        Persistence.Slug.tests
        Persistence.Store.tests
        Persistence.Wire.tests
        Persistence.Search.tests
        Persistence.Counts.tests
        Persistence.Links.tests
        Persistence.SoftDelete.tests
        Persistence.Logs.tests
        Persistence.Progress.tests
        Persistence.Sessions.tests
        Persistence.Durability.tests
        Persistence.Jobs.tests
        Persistence.Worker.tests
        Persistence.Process.tests
        OfflineKnowledge.tests
        OfflineMatch.tests
        OfflineAnswers.tests
        OfflineSceneCard.tests
        OfflineHistory.tests
        HardQueries.tests
        Api.tests
        ApiContract.tests
        ApiRequests.tests
        ApiExport.tests
        ApiEval.tests
        Control.tests
        Grounding.tests
        GroundingWire.tests
        PipelineCritique.tests
        CalendarsEverywhere.tests
        InteractionsVoices.tests
        Interactions.tests
        Interactions.errorTexts
        InteractionsStreaming.tests
        ApiKestrel.tests
        ApiReadCache.tests
        ApiReplicas.tests
        ApiStorageErrors.tests
        Observability.tests
        Reliability.BadInput.tests
        ApiAccess.tests
        ApiSecurity.tests
        ApiStartup.tests
        UiBrowser.tests
        Reliability.Faults.tests
        Cli.tests
        Reliability.ServerKill.tests
        Reliability.Interrupt.tests
        CliProgress.tests
        Terminal.tests
        Reliability.DbRestart.tests
        Reliability.Outage.tests
        WebhookTests.tests
        WebhooksRestart.tests
        McpTests.tests
        Budget.tests
        BudgetReplicas.tests
    ]

[<EntryPoint>]
let main argv =
    match List.ofArray argv with
    // A child process of the persistence kill tests: run the real job worker until killed.
    | "--job-worker" :: rest -> Persistence.WorkerProcess.main rest
    | _ -> runTestsWithCLIArgs [] argv all
