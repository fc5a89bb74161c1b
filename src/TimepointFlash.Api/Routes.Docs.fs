namespace TimepointFlash.Api

open System
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Scalar.AspNetCore

/// The OpenAPI document's text, carried as metadata by the documentation endpoints (for in-process readers).
type OpenApiText = OpenApiText of string

/// The documentation routes: the OpenAPI document and the three reference pages, served by libraries but declared
/// here, each with its access class, like every route in the table.
[<RequireQualifiedAccess>]
module DocRoutes =
    /// One documentation endpoint.
    type DocRoute = {
        Path: string
        Summary: string
        /// Who may call it and which rate policy counts it.
        Access: Access
        /// Whether its pages load a browser bundle that needs the looser docs Content-Security-Policy.
        Page: bool
        /// Maps the route, given the OpenAPI document's text.
        Map: string -> IEndpointRouteBuilder -> IEndpointConventionBuilder
    }

    /// The OpenAPI document every page reads.
    let documentPath = "/openapi/v1.json"

    /// Serves a library's middleware under a prefix as one GET endpoint (prefix and everything below it); what the
    /// middleware does not serve is a 404.
    let private middleware
        (prefix: string)
        (configure: IApplicationBuilder -> IApplicationBuilder)
        (app: IEndpointRouteBuilder)
        : IEndpointConventionBuilder =
        let pipeline = configure (app.CreateApplicationBuilder())

        pipeline.Run(fun ctx ->
            ctx.Response.StatusCode <- StatusCodes.Status404NotFound
            Task.CompletedTask)

        app.MapMethods(prefix + "/{**rest}", [ HttpMethods.Get; HttpMethods.Head ], pipeline.Build())

    /// Serves the document's text as JSON at a path.
    let private document (path: string) (text: string) (app: IEndpointRouteBuilder) : IEndpointConventionBuilder =
        app.MapGet(path, Func<IResult>(fun () -> Results.Text(text, "application/json; charset=utf-8")))

    /// The documentation routes.
    let table: DocRoute list = [
        {
            Path = documentPath
            Summary = "The OpenAPI document"
            Access = Access.Read
            Page = false
            Map = document documentPath
        }
        {
            Path = "/openapi.json"
            Summary = "The OpenAPI document, where the reference's clients look"
            Access = Access.Read
            Page = false
            Map = document "/openapi.json"
        }
        {
            Path = "/docs"
            Summary = "Swagger UI"
            Access = Access.Read
            Page = true
            Map =
                fun _ ->
                    middleware "/docs" (fun b ->
                        b.UseSwaggerUI(fun o ->
                            o.RoutePrefix <- "docs"
                            o.DocumentTitle <- "TimepointFlash API"
                            o.SwaggerEndpoint(documentPath, "TimepointFlash v1")))
        }
        {
            Path = "/redoc"
            Summary = "ReDoc"
            Access = Access.Read
            Page = true
            Map =
                fun _ ->
                    middleware "/redoc" (fun b ->
                        b.UseReDoc(fun o ->
                            o.RoutePrefix <- "redoc"
                            o.DocumentTitle <- "TimepointFlash API"
                            o.SpecUrl <- documentPath))
        }
        {
            Path = "/scalar"
            Summary = "Scalar"
            Access = Access.Read
            Page = true
            Map = fun _ app -> app.MapScalarApiReference "/scalar"
        }
    ]

    /// Whether a request path is under one of the documentation pages.
    let isPage (path: PathString) =
        table
        |> List.exists (fun d -> d.Page && path.StartsWithSegments(PathString d.Path))

    /// Maps every documentation route with its class, outside the OpenAPI document.
    let map (app: IEndpointRouteBuilder) (document: string) =
        for d in table do
            (d.Map document app)
                .WithMetadata(
                    {
                        Access = d.Access
                        Surface = Surface.Api
                    }
                )
                .WithMetadata(OpenApiText document)
                .ExcludeFromDescription()
            |> ignore
