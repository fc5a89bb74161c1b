namespace TimepointFlash.Cli

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open ModelContextProtocol
open ModelContextProtocol.Client
open ModelContextProtocol.Protocol
open ModelContextProtocol.Server
open TimepointFlash
open TimepointFlash.Api
open TimepointFlash.Runtime

/// `tpflash mcp`: the MCP server over stdio, embedded (same DATABASE_URL and engine as the server) or relaying to a
/// running server's /mcp (`--server URL`, key from TPFLASH_API_KEY). Standard output carries only the protocol.
[<RequireQualifiedAccess>]
module McpCommand =
    let private log (line: string) = Console.Error.WriteLine line

    let private serve (options: McpServerOptions) (ct: CancellationToken) = task {
        let transport = new StdioServerTransport(options, null)
        let server = McpServer.Create(transport, options, null, null)
        do! server.RunAsync ct
        do! server.DisposeAsync()
    }

    /// Runs the embedded server until stdin closes; background generations run on this process's workers.
    let embedded () : Task<int> = task {
        match! Runtime.start log (fun _ -> Task.CompletedTask) with
        | Error e ->
            log ("tpflash: " + Runtime.describe e)
            return 1
        | Ok services ->
            use cts = new CancellationTokenSource()
            let workers = services.RunWorkers cts.Token

            try
                do!
                    serve
                        (McpHost.options {
                            App = services.App
                            Interact = InteractionServices.create services.Interact
                            Stopping = cts.Token
                        })
                        cts.Token
            finally
                cts.Cancel()
                workers.Wait(TimeSpan.FromSeconds 10.0) |> ignore
                services.Dispose()

            return 0
    }

    let private handler (f: RequestContext<'P> -> CancellationToken -> Task<'R>) =
        McpRequestHandler<'P, 'R>(fun ctx ct -> ValueTask<'R>(f ctx ct))

    /// Server options whose every handler asks the remote server.
    let private relay (client: McpClient) =
        let o = McpServerOptions()
        o.ServerInfo <- Implementation(Name = McpHost.serverName, Version = TimepointFlash.Engines.Version.current)
        o.ServerInstructions <- McpHost.instructions

        o.Capabilities <-
            ServerCapabilities(
                Tools = ToolsCapability(),
                Resources = ResourcesCapability(),
                Prompts = PromptsCapability()
            )

        let h = o.Handlers
        h.ListToolsHandler <- handler (fun ctx ct -> client.ListToolsAsync(ctx.Params, ct).AsTask())

        h.CallToolHandler <-
            handler (fun ctx ct ->
                let args = Dictionary<string, obj>()

                if not (isNull ctx.Params.Arguments) then
                    for KeyValue(k, v) in ctx.Params.Arguments do
                        args[k] <- box v

                let progress =
                    if ctx.Params.ProgressToken.HasValue then
                        let token = ctx.Params.ProgressToken.Value

                        { new IProgress<ProgressNotificationValue> with
                            member _.Report v =
                                ctx.Server.NotifyProgressAsync(token, v, null, ct) |> ignore
                        }
                    else
                        null

                client.CallToolAsync(ctx.Params.Name, args, progress, null, ct).AsTask())

        h.ListResourceTemplatesHandler <-
            handler (fun ctx ct -> client.ListResourceTemplatesAsync(ctx.Params, ct).AsTask())

        h.ListResourcesHandler <- handler (fun ctx ct -> client.ListResourcesAsync(ctx.Params, ct).AsTask())
        h.ReadResourceHandler <- handler (fun ctx ct -> client.ReadResourceAsync(ctx.Params, ct).AsTask())
        h.ListPromptsHandler <- handler (fun ctx ct -> client.ListPromptsAsync(ctx.Params, ct).AsTask())
        h.GetPromptHandler <- handler (fun ctx ct -> client.GetPromptAsync(ctx.Params, ct).AsTask())
        o

    /// Relays stdio to a running server's /mcp until stdin closes.
    let remote (baseUrl: Uri) (key: string option) : Task<int> = task {
        let endpoint = Uri(baseUrl.GetLeftPart(UriPartial.Authority) + McpHost.path)
        let headers = Dictionary<string, string>()
        key |> Option.iter (fun k -> headers["Authorization"] <- $"Bearer {k}")

        let transport =
            new HttpClientTransport(
                HttpClientTransportOptions(
                    Endpoint = endpoint,
                    TransportMode = HttpTransportMode.StreamableHttp,
                    AdditionalHeaders = headers
                ),
                null
            )

        try
            let! client = McpClient.CreateAsync(transport, null, null, CancellationToken.None)
            use cts = new CancellationTokenSource()
            do! serve (relay client) cts.Token
            do! client.DisposeAsync()
            return 0
        with e ->
            log $"tpflash: cannot reach {endpoint}: {e.Message}"
            return 1
    }
