/// The MCP server through the SDK's own client: over Streamable HTTP (the in-process API) and over stdio (the
/// built `tpflash mcp`, embedded and relaying to a running server). Tools, progress, resources, prompt, tool errors.
module TimepointFlash.Tests.McpTests

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.IO
open System.Net.Http
open System.Text.Json
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open Expecto
open ModelContextProtocol
open ModelContextProtocol.Client
open ModelContextProtocol.Protocol
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost

/// Collects progress notifications in arrival order.
type private Collect() =
    let seen = ConcurrentQueue<ProgressNotificationValue>()
    member _.Seen = List.ofSeq seen

    interface IProgress<ProgressNotificationValue> with
        member _.Report v = seen.Enqueue v

let private tpflash =
    Path.Combine(ServerProcess.repoRoot.Value, "src/TimepointFlash.Cli/bin/Release/net10.0/tpflash.dll")

let private args (pairs: (string * obj) list) =
    dict pairs
    |> fun d -> Dictionary<string, obj>(d) :> IReadOnlyDictionary<string, obj>

let private call
    (client: McpClient)
    (name: string)
    (pairs: (string * obj) list)
    (progress: IProgress<ProgressNotificationValue>)
    =
    client.CallToolAsync(name, args pairs, progress, null, CancellationToken.None).AsTask()

let private textOf (r: CallToolResult) =
    r.Content
    |> Seq.choose (function
        | :? TextContentBlock as t -> Some t.Text
        | _ -> None)
    |> String.concat "\n"

let private structured (r: CallToolResult) =
    JsonNode.Parse(r.StructuredContent.Value.GetRawText())

/// An HTTP client of the in-process API's /mcp, with an optional bearer key.
let private httpClient (api: TestApi) (key: string option) = task {
    let headers = Dictionary<string, string>()
    key |> Option.iter (fun k -> headers["Authorization"] <- $"Bearer {k}")

    let options =
        HttpClientTransportOptions(
            Endpoint = Uri(api.Client.BaseAddress, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers
        )

    let transport = new HttpClientTransport(options, api.Client, null, false)
    return! McpClient.CreateAsync(transport, null, null, CancellationToken.None)
}

/// The checks every transport passes: tools listed, generation with progress, resources, prompt, tool errors.
let private exercise (client: McpClient) = task {
    let! tools = client.ListToolsAsync(cancellationToken = CancellationToken.None)
    let names = tools |> Seq.map (fun t -> t.Name) |> Set.ofSeq

    Expect.equal
        names
        (set [
            "generate_timepoint"
            "get_timepoint"
            "search_timepoints"
            "navigate_time"
            "chat_with_character"
            "extend_dialog"
            "survey_characters"
        ])
        "the tools are listed"

    for t in tools do
        Expect.isTrue (t.Description.Length > 20) $"{t.Name} has a description"
        Expect.equal (t.JsonSchema.GetProperty("type").GetString()) "object" $"{t.Name} has an object schema"

    let progress = Collect()

    let! (generated: CallToolResult) =
        call
            client
            "generate_timepoint"
            [
                "query", box "the signing of the magna carta at runnymede 1215"
                "preset", box "hyper"
                "wait", box true
            ]
            progress

    Expect.equal generated.IsError (Nullable false) (textOf generated)
    let scene = structured generated
    Expect.equal (string scene["status"]) "completed" "the scene is completed"
    Expect.equal (string scene["preset_used"]) "hyper" "the tool's preset runs and is stored"
    let steps = progress.Seen
    Expect.isGreaterThanOrEqual steps.Length 3 "progress notifications for the steps"

    // The server numbers finished steps 1, 2, 3 …; the client may hand notifications over out of order.
    Expect.equal
        (steps |> List.map (fun p -> p.Progress) |> List.sort)
        [ for n in 1 .. steps.Length -> float32 n ]
        "each finished step counted once"

    Expect.isTrue (steps |> List.forall (fun p -> p.Total.HasValue && p.Progress <= p.Total.Value)) "within the total"
    let id = string scene["id"]

    let! resource = client.ReadResourceAsync($"timepoint://{id}", null, CancellationToken.None)

    match Seq.head resource.Contents with
    | :? TextResourceContents as t ->
        Expect.equal t.MimeType "application/json" "JSON"
        Expect.equal (string (JsonNode.Parse t.Text).["id"]) id "the scene by id"
    | other -> failtest $"unexpected contents {other.GetType().Name}"

    let slug = string scene["slug"]
    let! markdown = client.ReadResourceAsync($"timepoint://{slug}/markdown", null, CancellationToken.None)

    match Seq.head markdown.Contents with
    | :? TextResourceContents as t -> Expect.stringStarts t.Text "# " "Markdown by slug"
    | other -> failtest $"unexpected contents {other.GetType().Name}"

    let! byId = call client "get_timepoint" [ "id", box id ] null
    Expect.equal byId.IsError (Nullable false) "get_timepoint"
    Expect.stringContains (textOf byId) "Status: **completed**" "a Markdown summary"

    let! found = call client "search_timepoints" [ "text", box "magna carta" ] null
    Expect.isGreaterThanOrEqual (int (structured found).["total"]) 1 "found by text"

    let! later =
        call client "navigate_time" [ "id", box id; "direction", box "next"; "units", box 2; "unit", box "hour" ] null

    Expect.equal later.IsError (Nullable false) (textOf later)
    Expect.equal (string (structured later).["source_id"]) id "navigated from the scene"

    let! bad = call client "get_timepoint" [ "id", box "00000000-0000-0000-0000-000000000000" ] null
    Expect.equal bad.IsError (Nullable true) "a bad id is a tool error"
    Expect.stringContains (textOf bad) "not found" "says not found"

    let! missing = call client "generate_timepoint" [ "wait", box true ] null
    Expect.equal missing.IsError (Nullable true) "a missing argument is a tool error"
    Expect.stringContains (textOf missing) "'query' is required" "names the argument"

    let! wrong = call client "navigate_time" [ "id", box id; "direction", box "sideways" ] null
    Expect.equal wrong.IsError (Nullable true) "a bad enum is a tool error"

    let! ungrounded =
        call
            client
            "generate_timepoint"
            [ "query", box "the fall of constantinople 1453"; "grounding", box "sometimes" ]
            null

    Expect.equal ungrounded.IsError (Nullable true) "a bad grounding is a tool error"
    Expect.stringContains (textOf ungrounded) "auto, on, off" "names the allowed values"

    let! offline =
        call
            client
            "generate_timepoint"
            [
                "query", box "the fall of constantinople 1453"
                "grounding", box "OFF"
                "wait", box true
            ]
            null

    Expect.equal offline.IsError (Nullable false) (textOf offline)

    Expect.equal
        (string (structured offline).["grounding_status"].["mode"])
        "off"
        "the tool's grounding reaches the generation as REST's does"

    let name =
        let cast = scene["characters"].["characters"].AsArray()
        string cast.[0].["name"]

    let! (chat: CallToolResult) =
        call
            client
            "chat_with_character"
            [
                "timepoint_id", box id
                "character", box name
                "message", box "What do you see?"
            ]
            null

    Expect.equal chat.IsError (Nullable false) (textOf chat)
    Expect.isNonEmpty (string (structured chat).["response"]) "the character answers"

    let! (stranger: CallToolResult) =
        call
            client
            "chat_with_character"
            [
                "timepoint_id", box id
                "character", box "Nobody Atall"
                "message", box "Hello?"
            ]
            null

    Expect.equal stranger.IsError (Nullable true) "an unknown character is a tool error"
    Expect.stringContains (textOf stranger) "not found" "names the refusal"

    let! (more: CallToolResult) = call client "extend_dialog" [ "timepoint_id", box id; "num_lines", box 2 ] null

    Expect.equal more.IsError (Nullable false) (textOf more)
    Expect.isGreaterThanOrEqual ((structured more).["dialog"].AsArray().Count) 1 "new lines"

    let! (survey: CallToolResult) =
        call
            client
            "survey_characters"
            [ "timepoint_id", box id; "questions", box [| "How do you feel right now?" |] ]
            null

    Expect.equal survey.IsError (Nullable false) (textOf survey)
    Expect.isGreaterThanOrEqual ((structured survey).["responses"].AsArray().Count) 1 "answers"

    let! prompts = client.ListPromptsAsync(cancellationToken = CancellationToken.None)
    Expect.contains (prompts |> Seq.map (fun p -> p.Name)) "stage_a_moment" "the prompt is listed"

    let! prompt =
        client.GetPromptAsync(
            "stage_a_moment",
            args [ "moment", box "apollo 11 landing 1969" ],
            null,
            CancellationToken.None
        )

    match (Seq.head prompt.Messages).Content with
    | :? TextContentBlock as t -> Expect.stringContains t.Text "generate_timepoint" "the prompt guides to the tools"
    | _ -> failtest "the prompt is text"

    let! templates = client.ListResourceTemplatesAsync(cancellationToken = CancellationToken.None)
    Expect.equal templates.Count 3 "JSON, Markdown and image templates"
}

/// A stdio client of the built CLI with the arguments and environment.
let private stdioClient (cliArgs: string list) (env: (string * string) list) = task {
    let vars = Dictionary<string, string>()

    for name in ServerProcess.scrubbed do
        vars[name] <- null

    for k, v in env do
        vars[k] <- v

    let options =
        StdioClientTransportOptions(
            Command = "dotnet",
            Arguments = ResizeArray(tpflash :: cliArgs),
            EnvironmentVariables = vars,
            WorkingDirectory = Path.GetTempPath(),
            ShutdownTimeout = TimeSpan.FromSeconds 10.0
        )

    let transport = new StdioClientTransport(options, null)
    return! McpClient.CreateAsync(transport, null, null, CancellationToken.None)
}

let tests =
    testList "Mcp" [
        testTask "over Streamable HTTP: tools, progress, resources, prompt and tool errors" {
            use! api = start ()
            let! (client: McpClient) = httpClient api None
            do! exercise client
            do! client.DisposeAsync()
        }

        testTask "over HTTP with API_KEYS: a bearer key connects, no key is refused with 401" {
            use! api = startWith [ "API_KEYS", "mcp-key-1" ] None
            let! (ok: McpClient) = httpClient api (Some "mcp-key-1")
            let! tools = ok.ListToolsAsync(cancellationToken = CancellationToken.None)
            Expect.equal tools.Count 7 "tools with the key"
            do! ok.DisposeAsync()

            let! refused = task {
                try
                    let! c = httpClient api None
                    do! c.DisposeAsync()
                    return false
                with _ ->
                    return true
            }

            Expect.isTrue refused "a client without the key cannot connect"

            let! (raw: HttpResponseMessage) =
                api.Client.PostAsync(
                    "/mcp",
                    new StringContent(
                        """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""",
                        Text.Encoding.UTF8,
                        "application/json"
                    )
                )

            Expect.equal (int raw.StatusCode) 401 "no key: 401"
        }

        testTask "over stdio (tpflash mcp, embedded): the same tools against the configured database" {
            let db = tempDb ()
            let! (client: McpClient) = stdioClient [ "mcp" ] [ "DATABASE_URL", $"sqlite:///{db}" ]

            try
                do! exercise client
            finally
                client.DisposeAsync().AsTask().Wait()

                for suffix in [ ""; "-wal"; "-shm" ] do
                    try
                        File.Delete(db + suffix)
                    with _ ->
                        ()
        }

        testTask "over stdio relaying to a running server (tpflash mcp --server URL with TPFLASH_API_KEY)" {
            let db = tempDb ()
            let port = ServerProcess.freePort ()

            let server =
                Reliability.ServerKill.startServer [
                    "PORT", string port
                    "HOST", "127.0.0.1"
                    "DATABASE_URL", $"sqlite:///{db}"
                    "API_KEYS", "relay-key"
                    "RATE_LIMIT", "0"
                    "READ_RATE_LIMIT", "0"
                ]

            try
                let! up = Reliability.ServerKill.waitStatus $"http://127.0.0.1:{port}/health" 200 60.0
                Expect.isTrue up "the server starts"

                let! client =
                    stdioClient [ "mcp"; "--server"; $"http://127.0.0.1:{port}" ] [ "TPFLASH_API_KEY", "relay-key" ]

                try
                    do! exercise client
                finally
                    client.DisposeAsync().AsTask().Wait()
            finally
                if not server.HasExited then
                    server.Kill true
                    server.WaitForExit()

                for suffix in [ ""; "-wal"; "-shm" ] do
                    try
                        File.Delete(db + suffix)
                    with _ ->
                        ()
        }
    ]
