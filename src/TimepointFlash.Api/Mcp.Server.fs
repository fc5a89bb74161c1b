namespace TimepointFlash.Api

open System
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Http
open Microsoft.AspNetCore.Routing
open Microsoft.Extensions.DependencyInjection
open ModelContextProtocol
open ModelContextProtocol.Protocol
open ModelContextProtocol.Server
open TimepointFlash

/// The MCP server: tools, resources (timepoint://{id}, /markdown, /image) and the "stage a moment" prompt, the
/// same over Streamable HTTP at /mcp and over stdio (`tpflash mcp`).
[<RequireQualifiedAccess>]
module McpHost =
    /// Where the HTTP transport is mapped.
    let path = "/mcp"

    /// Name announced to clients.
    let serverName = "TimepointFlash"

    /// Instructions announced to clients.
    let instructions =
        "TimepointFlash turns a moment in history into a grounded scene (setting, characters, dialog, optional image). "
        + "Call generate_timepoint (wait=true to receive progress and the finished scene), get_timepoint or the "
        + "timepoint://{id} resources to read one, search_timepoints to find stored scenes, and navigate_time to move "
        + "earlier or later from a completed scene."

    /// Every tool: the scene tools, then the interaction tools.
    let allTools = McpTools.all @ McpInteractTools.all

    /// Runs a tool by name.
    let runTool (deps: McpDeps) (name: string) args report ct =
        match allTools |> List.tryFind (fun t -> t.Name = name) with
        | None -> Task.FromResult(Error(ToolError.UnknownTool name))
        | Some t -> t.Run deps args report ct

    /// The prompt's name.
    let promptName = "stage_a_moment"

    let private element (node: Nodes.JsonNode) = JsonSerializer.SerializeToElement(node)

    let private handler (f: RequestContext<'P> -> CancellationToken -> Task<'R>) =
        McpRequestHandler<'P, 'R>(fun ctx ct -> ValueTask<'R>(f ctx ct))

    let private textBlock (text: string) =
        TextContentBlock(Text = text) :> ContentBlock

    /// A tool's answer as a result; a refusal as a result with isError (never a protocol error).
    let toolResult (outcome: Result<ToolAnswer, ToolError>) =
        match outcome with
        | Ok a ->
            CallToolResult(
                Content = ResizeArray [ textBlock a.Text ],
                StructuredContent = Nullable(element a.Structured),
                IsError = Nullable false
            )
        | Error e -> CallToolResult(Content = ResizeArray [ textBlock (McpTools.describe e) ], IsError = Nullable true)

    let private tools () =
        allTools
        |> List.map (fun t ->
            Tool(
                Name = t.Name,
                Description = t.Description,
                InputSchema = JsonDocument.Parse(t.Schema).RootElement.Clone()
            ))
        |> ResizeArray

    let private templates () =
        ResizeArray [
            ResourceTemplate(
                Name = "timepoint",
                UriTemplate = "timepoint://{id}",
                Description = "A scene as JSON (the API's full timepoint), by id or slug",
                MimeType = "application/json"
            )
            ResourceTemplate(
                Name = "timepoint-markdown",
                UriTemplate = "timepoint://{id}/markdown",
                Description = "A scene as a short Markdown account",
                MimeType = "text/markdown"
            )
            ResourceTemplate(
                Name = "timepoint-image",
                UriTemplate = "timepoint://{id}/image",
                Description = "A scene's image (a blob), when one was drawn",
                MimeType = "image/png"
            )
        ]

    /// Splits `timepoint://<id or slug>[/markdown|/image]`.
    let parseUri (uri: string) =
        let prefix = "timepoint://"

        if isNull uri || not (uri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) then
            None
        else
            match uri.Substring(prefix.Length).TrimEnd('/').Split('/') with
            | [| id |] when id <> "" -> Some(id, "json")
            | [| id; "markdown" |] when id <> "" -> Some(id, "markdown")
            | [| id; "image" |] when id <> "" -> Some(id, "image")
            | _ -> None

    let private notFound (uri: string) =
        McpProtocolException($"Resource not found: {String.truncate 120 uri}", McpErrorCode.ResourceNotFound)

    /// Reads a resource.
    let read (deps: McpDeps) (uri: string) : Task<ReadResourceResult> = task {
        match parseUri uri with
        | None -> return raise (notFound uri)
        | Some(id, kind) ->
            match! McpTools.find deps.App id with
            | None -> return raise (notFound uri)
            | Some t ->
                let contents: ResourceContents =
                    match kind with
                    | "markdown" ->
                        TextResourceContents(Uri = uri, MimeType = "text/markdown", Text = McpSummary.markdown t)
                    | "json" ->
                        TextResourceContents(
                            Uri = uri,
                            MimeType = "application/json",
                            Text = Encode.toString (TimepointWire.encode true t)
                        )
                    | _ -> null

                if isNull contents then
                    match! deps.App.Store.GetImage t.Id with
                    | None -> return raise (notFound uri)
                    | Some img ->
                        return
                            ReadResourceResult(
                                Contents =
                                    ResizeArray [
                                        BlobResourceContents.FromBytes(ReadOnlyMemory img.Bytes, uri, img.MimeType)
                                        :> ResourceContents
                                    ]
                            )
                else
                    return ReadResourceResult(Contents = ResizeArray [ contents ])
    }

    /// The newest scenes as concrete resources.
    let private recent (deps: McpDeps) = task {
        let! page =
            deps.App.Store.ListSummaries {
                Page = 1
                PageSize = 20
                Status = Some TimepointStatus.Completed
                Search = None
                After = None
            }

        return
            page.Items
            |> List.map (fun s ->
                Resource(
                    Uri = $"timepoint://{s.Id}",
                    Name = s.Slug,
                    Description = s.Query,
                    MimeType = "application/json"
                ))
            |> ResizeArray
    }

    let private prompt () =
        Prompt(
            Name = promptName,
            Title = "Stage a moment",
            Description = "Guides an assistant to stage a historical moment with TimepointFlash's tools",
            Arguments =
                ResizeArray [
                    PromptArgument(
                        Name = "moment",
                        Description = "The moment, e.g. 'Apollo 11 landing, July 1969'",
                        Required = Nullable true
                    )
                    PromptArgument(
                        Name = "focus",
                        Description = "Optional: what to dwell on (people, place, dialog)",
                        Required = Nullable false
                    )
                ]
        )

    /// The prompt text for a moment.
    let promptText (moment: string) (focus: string option) =
        let focusLine =
            focus |> Option.map (fun f -> $" Dwell on {f}.") |> Option.defaultValue ""

        $"Stage this moment in history: {moment}.{focusLine}\n\n"
        + "1. Call generate_timepoint with this moment as the query and wait=true.\n"
        + "2. Read timepoint://<id>/markdown (or call get_timepoint) and describe the scene: setting, people, what is said.\n"
        + "3. Offer to step earlier or later with navigate_time (direction next or prior, e.g. 1 hour), or to find related scenes with search_timepoints.\n"
        + "If a tool answers with an error, explain it and suggest a clearer query (an event, a place and a date)."

    let private getPrompt (ctx: RequestContext<GetPromptRequestParams>) =
        let p = ctx.Params

        if p.Name <> promptName then
            raise (McpProtocolException($"Unknown prompt '{String.truncate 60 p.Name}'", McpErrorCode.InvalidParams))

        let arg name =
            match p.Arguments with
            | null -> None
            | a ->
                match a.TryGetValue name with
                | true, v when v.ValueKind = JsonValueKind.String -> String.nonBlank (v.GetString())
                | _ -> None

        match arg "moment" with
        | None -> raise (McpProtocolException("The 'moment' argument is required", McpErrorCode.InvalidParams))
        | Some moment ->
            GetPromptResult(
                Description = "Stage a moment with TimepointFlash",
                Messages =
                    ResizeArray [
                        PromptMessage(Role = Role.User, Content = textBlock (promptText moment (arg "focus")))
                    ]
            )

    /// Sends a tool's progress to the client when it asked for progress (a progress token).
    let private progressTo (ctx: RequestContext<CallToolRequestParams>) (ct: CancellationToken) (p: ToolProgress) =
        if ctx.Params.ProgressToken.HasValue then
            ctx.Server.NotifyProgressAsync(
                ctx.Params.ProgressToken.Value,
                ProgressNotificationValue(
                    Progress = float32 p.Done,
                    Total = Nullable(float32 p.Total),
                    Message = p.Message
                ),
                null,
                ct
            )
        else
            Task.CompletedTask

    /// Fills server options: identity, capabilities and every handler, with dependencies resolved per request.
    let configure (resolve: IServiceProvider -> McpDeps) (options: McpServerOptions) =
        options.ServerInfo <- Implementation(Name = serverName, Version = TimepointFlash.Engines.Version.current)
        options.ServerInstructions <- instructions

        options.Capabilities <-
            ServerCapabilities(
                Tools = ToolsCapability(),
                Resources = ResourcesCapability(),
                Prompts = PromptsCapability()
            )

        let h = options.Handlers
        h.ListToolsHandler <- handler (fun _ _ -> Task.FromResult(ListToolsResult(Tools = tools ())))

        h.CallToolHandler <-
            handler (fun ctx ct -> task {
                let deps = resolve ctx.Services
                let! outcome = runTool deps ctx.Params.Name ctx.Params.Arguments (progressTo ctx ct) ct
                return toolResult outcome
            })

        h.ListResourceTemplatesHandler <-
            handler (fun _ _ -> Task.FromResult(ListResourceTemplatesResult(ResourceTemplates = templates ())))

        h.ListResourcesHandler <-
            handler (fun ctx _ -> task {
                let! items = recent (resolve ctx.Services)
                return ListResourcesResult(Resources = items)
            })

        h.ReadResourceHandler <- handler (fun ctx _ -> read (resolve ctx.Services) ctx.Params.Uri)

        h.ListPromptsHandler <-
            handler (fun _ _ -> Task.FromResult(ListPromptsResult(Prompts = ResizeArray [ prompt () ])))

        h.GetPromptHandler <- handler (fun ctx _ -> Task.FromResult(getPrompt ctx))

    /// Options for a server outside a host (stdio).
    let options (deps: McpDeps) =
        let o = McpServerOptions()
        configure (fun _ -> deps) o
        o

    /// Registers the Streamable HTTP transport (stateless); `resolve` gives the dependencies once the app is built.
    let addServices (resolve: unit -> McpDeps) (services: IServiceCollection) =
        services
            .AddMcpServer(fun o -> configure (fun _ -> resolve ()) o)
            .WithHttpTransport(fun o -> o.Stateless <- true)
        |> ignore

    /// Maps /mcp with its access class (model-starting writes: a key when API_KEYS is set; RATE_LIMIT), outside the
    /// OpenAPI document (it speaks JSON-RPC; docs/MCP.md describes it).
    let map (app: IEndpointRouteBuilder) =
        app
            .MapMcp(path)
            .WithMetadata(
                {
                    Access = Access.ModelWrite
                    Surface = Surface.Api
                }
            )
            .ExcludeFromDescription()
        |> ignore
