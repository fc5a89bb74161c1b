namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.Logging
open TimepointFlash

/// The route table: one list of (method, path, name, tag, summary, handler).
[<RequireQualifiedAccess>]
module Routes =
    /// One endpoint.
    type Route = {
        Method: string
        Path: string
        Name: string
        Tag: string
        Summary: string
        Handler: HttpContext -> Task<IResult>
    }

    let private route m path name tag summary handler = {
        Method = m
        Path = path
        Name = name
        Tag = tag
        Summary = summary
        Handler = handler
    }

    /// Every API endpoint; storage failures before a response starts become problems (503 for an outage).
    let table (deps: ApiDeps) (logger: ILogger) =
        let tp = "/api/v1/timepoints"

        [
            route "GET" "/health" "Health" "System" "Liveness: no I/O" (SystemHandlers.health deps)
            route
                "GET"
                "/api/v1/health"
                "Readiness"
                "System"
                "Readiness: 503 when the database is down"
                (SystemHandlers.ready deps)
            route
                "POST"
                $"{tp}/generate"
                "GenerateBackground"
                "Timepoints"
                "Start a durable background generation"
                (GenerateHandlers.background deps)
            route
                "POST"
                $"{tp}/generate/sync"
                "GenerateSync"
                "Timepoints"
                "Generate now and return the timepoint"
                (GenerateHandlers.sync deps)
            route
                "POST"
                $"{tp}/generate/stream"
                "GenerateStream"
                "Timepoints"
                "Generate with live server-sent events"
                (GenerateHandlers.stream deps logger)
            route "GET" tp "ListTimepoints" "Timepoints" "List timepoints, newest first" (TimepointHandlers.list deps)
            route
                "GET"
                $"{tp}/slug/{{slug}}"
                "GetTimepointBySlug"
                "Timepoints"
                "Get a timepoint by slug"
                (TimepointHandlers.getBySlug deps)
            route "GET" $"{tp}/{{id}}" "GetTimepoint" "Timepoints" "Get a timepoint by id" (TimepointHandlers.get deps)
            route
                "GET"
                $"{tp}/{{id}}/image"
                "GetTimepointImage"
                "Timepoints"
                "The timepoint's image bytes"
                (TimepointHandlers.image deps)
            route
                "GET"
                $"{tp}/{{id}}/events"
                "FollowTimepoint"
                "Timepoints"
                "Follow a background generation (SSE)"
                (GenerateHandlers.follow deps)
            route
                "DELETE"
                $"{tp}/{{id}}"
                "DeleteTimepoint"
                "Timepoints"
                "Delete a timepoint, its logs and image"
                (TimepointHandlers.delete deps)
            route
                "POST"
                "/api/v1/temporal/{id}/next"
                "NavigateNext"
                "Temporal"
                "Generate a later moment"
                (TemporalHandlers.navigate Direction.Next deps)
            route
                "POST"
                "/api/v1/temporal/{id}/prior"
                "NavigatePrior"
                "Temporal"
                "Generate an earlier moment"
                (TemporalHandlers.navigate Direction.Prior deps)
            route
                "GET"
                "/api/v1/temporal/{id}/sequence"
                "Sequence"
                "Temporal"
                "Linked scenes ordered in time"
                (TemporalHandlers.sequence deps)
            route
                "GET"
                "/api/v1/models"
                "ListModels"
                "Models"
                "Models known to the service"
                (SystemHandlers.models deps)
            route
                "GET"
                "/api/v1/models/providers"
                "ListProviders"
                "Models"
                "Configured providers"
                (SystemHandlers.providers deps)
            route
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

    /// Maps the table with typed delegates so every endpoint appears in the OpenAPI document.
    let map (app: IEndpointRouteBuilder) (routes: Route list) =
        for r in routes do
            let handler = Func<HttpContext, Task<IResult>>(r.Handler)

            app.MapMethods(r.Path, [ r.Method ], handler).WithName(r.Name).WithTags(r.Tag).WithSummary(r.Summary)
            |> ignore
