namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.Logging
open TimepointFlash

/// The route table: one list of endpoints, API and UI, each declaring its access class (which decides who may
/// call it and which rate policy counts it). A route cannot be added without a class: `Access` is a required field.
[<RequireQualifiedAccess>]
module Routes =
    /// One endpoint.
    type Route = {
        Method: string
        Path: string
        Name: string
        Tag: string
        Summary: string
        /// Who may call it and which rate policy counts it.
        Access: Access
        /// API routes are in the OpenAPI document; UI routes answer HTML and carry form tokens.
        Surface: Surface
        /// What the OpenAPI document says beyond the above; API routes must set it (`|> documented`), the contract
        /// tests fail for one left pending.
        Doc: OperationDoc
        Handler: HttpContext -> Task<IResult>
    }

    let private api access m path name tag summary handler = {
        Method = m
        Path = path
        Name = name
        Tag = tag
        Summary = summary
        Access = access
        Surface = Surface.Api
        Doc = OperationDoc.pending
        Handler = handler
    }

    /// Attaches a route's OpenAPI description (Operations).
    let documented (doc: OperationDoc) (r: Route) = { r with Doc = doc }

    let private read = api Access.Read
    let private write = api Access.Write
    let private modelWrite = api Access.ModelWrite

    let private ui access m path name summary handler = {
        Method = m
        Path = path
        Name = name
        Tag = "UI"
        Summary = summary
        Access = access
        Surface = Surface.Ui
        Doc = OperationDoc.pending
        Handler = handler
    }

    /// The web UI's pages and forms (excluded from the OpenAPI document).
    let private pages (deps: ApiDeps) (logger: ILogger) =
        [
            ui Access.Read "GET" "/" "UiHome" "Home: generate and browse" (UiHandlers.home deps)
            ui Access.ModelWrite "POST" "/ui/generate" "UiGenerate" "Generate from the form" (UiHandlers.generate deps)
            ui Access.Read "GET" "/t/{slug}" "UiScene" "A scene" (UiHandlers.scene deps)
            ui Access.Read "GET" "/t/{slug}/card.svg" "UiSceneCard" "A scene's card" (UiHandlers.card deps)
            ui Access.ModelWrite "POST" "/t/{slug}/travel" "UiTravel" "Travel from a scene" (UiHandlers.travel deps)
            ui Access.Write "POST" "/t/{slug}/delete" "UiDelete" "Delete a scene" (UiHandlers.delete deps)
            ui Access.ModelWrite "POST" "/t/{slug}/chat" "UiChat" "Talk to a character" (UiInteractHandlers.chat deps)
            ui
                Access.ModelWrite
                "POST"
                "/t/{slug}/dialog"
                "UiDialog"
                "Extend the dialog"
                (UiInteractHandlers.dialog deps)
            ui Access.ModelWrite "POST" "/t/{slug}/survey" "UiSurvey" "Survey the cast" (UiInteractHandlers.survey deps)
            ui Access.Public "GET" "/signin" "UiSignInPage" "The sign-in page" (SessionHandlers.show deps)
            ui
                Access.SignIn
                "POST"
                "/signin"
                "UiSignIn"
                "Exchange a key for a session"
                (SessionHandlers.signIn deps logger)
            ui Access.Write "POST" "/signout" "UiSignOut" "End the session" SessionHandlers.signOut
            ui Access.Public "GET" "/static/{name}" "UiStatic" "Page script and stylesheet" StaticHandlers.asset
        ]
        |> List.map (fun r -> {
            r with
                Handler = Errors.guardWith (UiHandlers.storagePage deps) r.Handler
        })

    /// Every endpoint, API then UI; storage failures before a response starts are answered by case (503 for an outage).
    let table (deps: ApiDeps) (logger: ILogger) =
        let tp = "/api/v1/timepoints"
        let ix = "/api/v1/interactions"

        [
            api Access.Public "GET" "/health" "Health" "System" "Liveness: no I/O" (SystemHandlers.health deps)
            |> documented Operations.health
            api
                Access.Public
                "GET"
                "/api/v1/health"
                "Readiness"
                "System"
                "Readiness: 503 when the database is down"
                (SystemHandlers.ready deps)
            |> documented Operations.readiness
            api
                Access.Public
                "GET"
                "/health/deep"
                "DeepHealth"
                "System"
                "Health with a real database check"
                (SystemHandlers.deep deps)
            |> documented Operations.deepHealth
            read
                "GET"
                "/api/v1/status"
                "Status"
                "System"
                "Versions, environment and models"
                (SystemHandlers.status deps)
            |> documented Operations.status
            modelWrite
                "POST"
                $"{tp}/generate"
                "GenerateBackground"
                "Timepoints"
                "Start a durable background generation"
                (GenerateHandlers.background deps)
            |> documented Operations.generateBackground
            modelWrite
                "POST"
                $"{tp}/generate/sync"
                "GenerateSync"
                "Timepoints"
                "Generate now and return the timepoint"
                (GenerateHandlers.sync deps)
            |> documented Operations.generateSync
            modelWrite
                "POST"
                $"{tp}/generate/stream"
                "GenerateStream"
                "Timepoints"
                "Generate with live server-sent events"
                (GenerateHandlers.stream deps logger)
            |> documented Operations.generateStream
            read
                "GET"
                tp
                "ListTimepoints"
                "Timepoints"
                "List timepoints, newest first, by page or by cursor"
                (TimepointHandlers.list deps)
            |> documented Operations.listTimepoints
            read
                "GET"
                $"{tp}/slug/{{slug}}"
                "GetTimepointBySlug"
                "Timepoints"
                "Get a timepoint by slug"
                (TimepointHandlers.getBySlug deps)
            |> documented Operations.getTimepointBySlug
            read "GET" $"{tp}/{{id}}" "GetTimepoint" "Timepoints" "Get a timepoint by id" (TimepointHandlers.get deps)
            |> documented Operations.getTimepoint
            read
                "GET"
                $"{tp}/{{id}}/image"
                "GetTimepointImage"
                "Timepoints"
                "The timepoint's image bytes"
                (TimepointHandlers.image deps)
            |> documented Operations.getTimepointImage
            read
                "GET"
                $"{tp}/{{id}}/tdf"
                "GetTimepointTdf"
                "Timepoints"
                "The canonical record (TDF) with its hash"
                (ExportHandlers.tdf deps)
            |> documented Operations.tdf
            read
                "GET"
                $"{tp}/{{id}}/export"
                "ExportTimepoint"
                "Timepoints"
                "Download as JSON, Markdown or HTML"
                (ExportHandlers.export deps)
            |> documented Operations.export
            read
                "GET"
                $"{tp}/{{id}}/characters"
                "GetTimepointCharacters"
                "Interactions"
                "The cast with voices and a role-play system prompt each"
                (InteractionHandlers.characters deps)
            |> documented InteractOperations.characters
            read
                "GET"
                $"{tp}/{{id}}/events"
                "FollowTimepoint"
                "Timepoints"
                "Follow a background generation (SSE)"
                (GenerateHandlers.follow deps)
            |> documented Operations.followTimepoint
            read
                "GET"
                $"{tp}/{{id}}/deliveries"
                "ListDeliveries"
                "Timepoints"
                "Webhook deliveries of a background run, with every attempt"
                (WebhookHandlers.deliveries deps)
            |> documented InteractOperations.deliveries
            write
                "DELETE"
                $"{tp}/{{id}}"
                "DeleteTimepoint"
                "Timepoints"
                "Delete a timepoint, its logs and image"
                (TimepointHandlers.delete deps)
            |> documented Operations.deleteTimepoint
            modelWrite
                "POST"
                "/api/v1/temporal/{id}/next"
                "NavigateNext"
                "Temporal"
                "Generate a later moment"
                (TemporalHandlers.navigate Direction.Next deps)
            |> documented Operations.navigateNext
            modelWrite
                "POST"
                "/api/v1/temporal/{id}/prior"
                "NavigatePrior"
                "Temporal"
                "Generate an earlier moment"
                (TemporalHandlers.navigate Direction.Prior deps)
            |> documented Operations.navigatePrior
            read
                "GET"
                "/api/v1/temporal/{id}/sequence"
                "Sequence"
                "Temporal"
                "Linked scenes ordered in time"
                (TemporalHandlers.sequence deps)
            |> documented Operations.sequence
            read
                "GET"
                "/api/v1/presets"
                "ListPresets"
                "Models"
                "Generation presets: models per provider, limits, thinking, the default"
                (SystemHandlers.presets deps)
            |> documented Operations.listPresets
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/chat"
                "Chat"
                "Interactions"
                "Talk to one character of a scene"
                (InteractionHandlers.chat deps)
            |> documented InteractOperations.chat
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/chat/stream"
                "ChatStream"
                "Interactions"
                "Talk to one character, streamed (SSE)"
                (InteractionHandlers.chatStream deps)
            |> documented InteractOperations.chatStream
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/dialog"
                "ExtendDialog"
                "Interactions"
                "More lines of the scene's dialog"
                (InteractionHandlers.dialog deps)
            |> documented InteractOperations.dialog
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/dialog/stream"
                "ExtendDialogStream"
                "Interactions"
                "More lines of the scene's dialog, streamed (SSE)"
                (InteractionHandlers.dialogStream deps)
            |> documented InteractOperations.dialogStream
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/survey"
                "Survey"
                "Interactions"
                "The same questions to several characters"
                (InteractionHandlers.survey deps)
            |> documented InteractOperations.survey
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/survey/stream"
                "SurveyStream"
                "Interactions"
                "The same questions to several characters, streamed (SSE)"
                (InteractionHandlers.surveyStream deps)
            |> documented InteractOperations.surveyStream
            read
                "GET"
                $"{ix}/sessions/{{timepoint_id}}"
                "ListChatSessions"
                "Interactions"
                "Chat sessions of a timepoint"
                (InteractionHandlers.sessions deps)
            |> documented InteractOperations.sessions
            read
                "GET"
                $"{ix}/session/{{session_id}}"
                "GetChatSession"
                "Interactions"
                "A chat session with its messages in order"
                (InteractionHandlers.session deps)
            |> documented InteractOperations.session
            write
                "DELETE"
                $"{ix}/session/{{session_id}}"
                "DeleteChatSession"
                "Interactions"
                "Delete a chat session"
                (InteractionHandlers.deleteSession deps)
            |> documented InteractOperations.deleteSession
            read
                "GET"
                "/api/v1/eval/models"
                "ListEvalModels"
                "Eval"
                "Models and model sets a comparison can run"
                (EvalHandlers.models deps)
            |> documented Operations.evalModels
            modelWrite
                "POST"
                "/api/v1/eval/compare"
                "CompareModels"
                "Eval"
                "One query generated by several models or presets, compared"
                (EvalHandlers.compare deps)
            |> documented Operations.evalCompare
            modelWrite
                "POST"
                "/api/v1/eval/compare/report"
                "CompareModelsReport"
                "Eval"
                "A comparison with its plain-text report"
                (EvalHandlers.report deps)
            |> documented Operations.evalReport
            read "GET" "/api/v1/models" "ListModels" "Models" "Models known to the service" (SystemHandlers.models deps)
            |> documented Operations.listModels
            read
                "GET"
                "/api/v1/models/providers"
                "ListProviders"
                "Models"
                "Configured providers"
                (SystemHandlers.providers deps)
            |> documented Operations.listProviders
            read
                "GET"
                "/api/v1/models/free"
                "ListFreeModels"
                "Models"
                "Free models of the catalogue: the best, a fast pick and all"
                (SystemHandlers.free deps)
            |> documented Operations.listFreeModels
            read
                "GET"
                "/api/v1/models/{**model_id}"
                "GetModel"
                "Models"
                "One model by id (may contain slashes)"
                (SystemHandlers.model deps)
            |> documented Operations.getModel
        ]
        |> List.map (fun r -> {
            r with
                Handler = Errors.guard r.Handler
        })
        |> fun apiRoutes -> apiRoutes @ pages deps logger

    /// The class a route's endpoint carries as metadata.
    let routeClass (r: Route) = {
        Access = r.Access
        Surface = r.Surface
    }

    /// Maps the table with typed delegates and each route's class; API routes appear in the OpenAPI document.
    let map (app: IEndpointRouteBuilder) (routes: Route list) =
        for r in routes do
            let handler = Func<HttpContext, Task<IResult>>(r.Handler)

            let endpoint =
                app
                    .MapMethods(r.Path, [ r.Method ], handler)
                    .WithName(r.Name)
                    .WithTags(r.Tag)
                    .WithSummary(r.Summary)
                    .WithMetadata(routeClass r)

            if r.Surface = Surface.Ui then
                endpoint.ExcludeFromDescription() |> ignore
