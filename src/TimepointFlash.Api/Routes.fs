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
        Handler = handler
    }

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
            api
                Access.Public
                "GET"
                "/api/v1/health"
                "Readiness"
                "System"
                "Readiness: 503 when the database is down"
                (SystemHandlers.ready deps)
            modelWrite
                "POST"
                $"{tp}/generate"
                "GenerateBackground"
                "Timepoints"
                "Start a durable background generation"
                (GenerateHandlers.background deps)
            modelWrite
                "POST"
                $"{tp}/generate/sync"
                "GenerateSync"
                "Timepoints"
                "Generate now and return the timepoint"
                (GenerateHandlers.sync deps)
            modelWrite
                "POST"
                $"{tp}/generate/stream"
                "GenerateStream"
                "Timepoints"
                "Generate with live server-sent events"
                (GenerateHandlers.stream deps logger)
            read "GET" tp "ListTimepoints" "Timepoints" "List timepoints, newest first" (TimepointHandlers.list deps)
            read
                "GET"
                $"{tp}/slug/{{slug}}"
                "GetTimepointBySlug"
                "Timepoints"
                "Get a timepoint by slug"
                (TimepointHandlers.getBySlug deps)
            read "GET" $"{tp}/{{id}}" "GetTimepoint" "Timepoints" "Get a timepoint by id" (TimepointHandlers.get deps)
            read
                "GET"
                $"{tp}/{{id}}/image"
                "GetTimepointImage"
                "Timepoints"
                "The timepoint's image bytes"
                (TimepointHandlers.image deps)
            read
                "GET"
                $"{tp}/{{id}}/characters"
                "GetTimepointCharacters"
                "Interactions"
                "The cast with voices and a role-play system prompt each"
                (InteractionHandlers.characters deps)
            read
                "GET"
                $"{tp}/{{id}}/events"
                "FollowTimepoint"
                "Timepoints"
                "Follow a background generation (SSE)"
                (GenerateHandlers.follow deps)
            write
                "DELETE"
                $"{tp}/{{id}}"
                "DeleteTimepoint"
                "Timepoints"
                "Delete a timepoint, its logs and image"
                (TimepointHandlers.delete deps)
            modelWrite
                "POST"
                "/api/v1/temporal/{id}/next"
                "NavigateNext"
                "Temporal"
                "Generate a later moment"
                (TemporalHandlers.navigate Direction.Next deps)
            modelWrite
                "POST"
                "/api/v1/temporal/{id}/prior"
                "NavigatePrior"
                "Temporal"
                "Generate an earlier moment"
                (TemporalHandlers.navigate Direction.Prior deps)
            read
                "GET"
                "/api/v1/temporal/{id}/sequence"
                "Sequence"
                "Temporal"
                "Linked scenes ordered in time"
                (TemporalHandlers.sequence deps)
            read
                "GET"
                "/api/v1/presets"
                "ListPresets"
                "Models"
                "Generation presets: models per provider, limits, thinking, the default"
                (SystemHandlers.presets deps)
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/chat"
                "Chat"
                "Interactions"
                "Talk to one character of a scene"
                (InteractionHandlers.chat deps)
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/chat/stream"
                "ChatStream"
                "Interactions"
                "Talk to one character, streamed (SSE)"
                (InteractionHandlers.chatStream deps)
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/dialog"
                "ExtendDialog"
                "Interactions"
                "More lines of the scene's dialog"
                (InteractionHandlers.dialog deps)
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/dialog/stream"
                "ExtendDialogStream"
                "Interactions"
                "More lines of the scene's dialog, streamed (SSE)"
                (InteractionHandlers.dialogStream deps)
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/survey"
                "Survey"
                "Interactions"
                "The same questions to several characters"
                (InteractionHandlers.survey deps)
            modelWrite
                "POST"
                $"{ix}/{{timepoint_id}}/survey/stream"
                "SurveyStream"
                "Interactions"
                "The same questions to several characters, streamed (SSE)"
                (InteractionHandlers.surveyStream deps)
            read
                "GET"
                $"{ix}/sessions/{{timepoint_id}}"
                "ListChatSessions"
                "Interactions"
                "Chat sessions of a timepoint"
                (InteractionHandlers.sessions deps)
            read
                "GET"
                $"{ix}/session/{{session_id}}"
                "GetChatSession"
                "Interactions"
                "A chat session with its messages in order"
                (InteractionHandlers.session deps)
            write
                "DELETE"
                $"{ix}/session/{{session_id}}"
                "DeleteChatSession"
                "Interactions"
                "Delete a chat session"
                (InteractionHandlers.deleteSession deps)
            read "GET" "/api/v1/models" "ListModels" "Models" "Models known to the service" (SystemHandlers.models deps)
            read
                "GET"
                "/api/v1/models/providers"
                "ListProviders"
                "Models"
                "Configured providers"
                (SystemHandlers.providers deps)
            read
                "GET"
                "/api/v1/models/free"
                "ListFreeModels"
                "Models"
                "Free models of the catalogue: the best, a fast pick and all"
                (SystemHandlers.free deps)
            read
                "GET"
                "/api/v1/models/{**model_id}"
                "GetModel"
                "Models"
                "One model by id (may contain slashes)"
                (SystemHandlers.model deps)
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
