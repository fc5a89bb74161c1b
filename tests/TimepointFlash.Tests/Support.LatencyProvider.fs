/// A fake OpenAI-compatible provider on loopback whose latency is fixed + per output token, answering every
/// agent with valid JSON (recorded once from the offline engine), with optional injected faults.
/// Shared by the reliability tests and the benchmarks (bench/TimepointFlash.Bench links this file).
module TimepointFlash.Tests.Support.LatencyProvider

open System
open System.Collections.Concurrent
open System.IO
open System.Text
open System.Text.Json
open System.Threading
open System.Threading.Tasks
open Microsoft.AspNetCore.Builder
open Microsoft.AspNetCore.Hosting.Server
open Microsoft.AspNetCore.Hosting.Server.Features
open Microsoft.AspNetCore.Http
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Logging
open TimepointFlash
open TimepointFlash.Engines

/// What the fake does with one call instead of answering normally.
[<RequireQualifiedAccess>]
type Fault =
    /// Answer with this status and body right away.
    | Status of status: int * body: string
    /// Answer 200 with this message content (malformed model output).
    | Content of text: string
    /// Never answer within the caller's timeout.
    | Hang

/// Latency and fault settings.
type LatencyOptions = {
    /// Latency of every call.
    FixedMs: float
    /// Extra latency per output token (four characters a token).
    PerTokenMs: float
    /// A fault for the n-th call (1-based, across all agents) of the step named by the request's JSON schema.
    Fault: int -> string -> Fault option
    /// Why the real API would reject a request (method, path, body); a non-empty answer is a 400 in OpenAI's
    /// error shape and a recorded violation. The tests pass the spec check, the benchmarks none.
    Check: string -> string -> string -> string list
}

/// A running latency-injecting provider.
type LatencyServer
    (app: WebApplication, baseUrl: string, calls: ConcurrentQueue<string * float>, violations: ConcurrentQueue<string>)
    =
    /// `http://127.0.0.1:<port>` (point OPENAI_BASE_URL at `<BaseUrl>/v1`).
    member _.BaseUrl = baseUrl
    /// Requests the real API would have rejected, with why.
    member _.Violations = violations |> Seq.toList
    /// The step ("image" for images) and the injected latency (ms) of every call answered so far.
    member _.Calls = calls |> Seq.toList

    interface IAsyncDisposable with
        member _.DisposeAsync() =
            ValueTask(
                task {
                    do! app.StopAsync()
                    do! app.DisposeAsync()
                }
            )

[<RequireQualifiedAccess>]
module LatencyProvider =
    /// No faults, 0 ms.
    let defaults = {
        FixedMs = 0.0
        PerTokenMs = 0.0
        Fault = fun _ _ -> None
        Check = fun _ _ _ -> []
    }

    /// Valid answers keyed by step name, recorded from the offline engine once.
    let answers: Lazy<Map<string, string>> =
        lazy
            (let recorded = ConcurrentDictionary<string, string>()

             let recording: Llm =
                 fun call ct -> task {
                     let! r = OfflineEngine.llm call ct

                     match r with
                     | Ok resp -> recorded[SchemaWire.schemaName call.Chat.Step] <- resp.Text
                     | Error _ -> ()

                     return r
                 }

             let deps = {
                 Llm = recording
                 DrawImage = None
                 Emit = fun _ -> Task.CompletedTask
                 Mode = PipelineMode.Sequential
                 ImagePromptMode = ImagePromptMode.Refined
                 Off = Set.empty
                 Grounding = GroundingMode.Off
                 Search = SearchSupport.Searches("offline", "curated")
                 Elapsed = fun () -> 0L
                 Now = fun () -> System.DateTimeOffset.UnixEpoch
                 Today = fun () -> System.DateOnly(2026, 12, 1)
             }

             let request = {
                 Query = "signing of the declaration of independence"
                 GenerateImage = false
                 Continuity = None
             }

             (Pipeline.run deps request CancellationToken.None).Result |> ignore
             recorded |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq)

    /// A 1×1 PNG.
    let png =
        Convert.FromBase64String
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

    let private q (s: string) = JsonSerializer.Serialize s

    let private completion (messageFields: string) (outputTokens: int) =
        """{"id":"fake","object":"chat.completion","model":"fake/latency","choices":[{"index":0,"message":{"role":"assistant","""
        + messageFields
        + """},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":"""
        + string outputTokens
        + ""","total_tokens":"""
        + string (100 + outputTokens)
        + "}}"

    /// The step a request is for: the name of its response format's JSON schema.
    let private stepOf (root: JsonElement) =
        match root.TryGetProperty "response_format" with
        | true, f when f.ValueKind = JsonValueKind.Object ->
            match f.TryGetProperty "json_schema" with
            | true, s when s.ValueKind = JsonValueKind.Object ->
                match s.TryGetProperty "name" with
                | true, n when n.ValueKind = JsonValueKind.String -> n.GetString()
                | _ -> ""
            | _ -> ""
        | _ -> ""

    let private answer
        (options: LatencyOptions)
        (counter: int ref)
        (calls: ConcurrentQueue<string * float>)
        (ctx: HttpContext)
        (body: string)
        =
        task {
            use doc = JsonDocument.Parse(if body = "" then "{}" else body)
            let root = doc.RootElement
            let imagesApi = ctx.Request.Path.Value.EndsWith "/images/generations"
            let isImage = imagesApi || body.Contains "\"modalities\""
            let line = if isImage then "image" else stepOf root
            let n = Interlocked.Increment(&counter.contents)

            let text, fields =
                if isImage then
                    let url = "data:image/png;base64," + Convert.ToBase64String png

                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                    $"\"content\":\"\",\"images\":[{{\"type\":\"image_url\",\"image_url\":{{\"url\":{q url}}}}}]"
                else
                    let t =
                        answers.Value
                        |> Map.tryFind line
                        |> Option.defaultValue """{"error":"the latency provider has no answer for this prompt"}"""

                    t, $"\"content\":{q t}"

            let tokens = (text.Length + 3) / 4
            let latency = options.FixedMs + options.PerTokenMs * float tokens
            calls.Enqueue(line, latency)

            let wait (ms: float) = task {
                try
                    do! Task.Delay(TimeSpan.FromMilliseconds ms, ctx.RequestAborted)
                with :? OperationCanceledException ->
                    ()
            }

            match options.Fault n line with
            | Some Fault.Hang -> do! wait 600_000.0
            | Some(Fault.Status(status, b)) ->
                ctx.Response.StatusCode <- status
                ctx.Response.ContentType <- "application/json"
                do! ctx.Response.WriteAsync b
            | Some(Fault.Content t) ->
                do! wait latency
                ctx.Response.ContentType <- "application/json"
                do! ctx.Response.WriteAsync(completion $"\"content\":{q t}" 10)
            | None ->
                do! wait latency

                if not ctx.RequestAborted.IsCancellationRequested then
                    ctx.Response.ContentType <- "application/json"

                    if imagesApi then
                        // OpenAI's Images API answer (ImagesResponse: data[].b64_json)
                        let b64 = Convert.ToBase64String png

                        do! ctx.Response.WriteAsync $"{{\"created\":1767268800,\"data\":[{{\"b64_json\":{q b64}}}]}}"
                    else
                        do! ctx.Response.WriteAsync(completion fields tokens)
        }

    let private serve
        (options: LatencyOptions)
        (counter: int ref)
        (calls: ConcurrentQueue<string * float>)
        (violations: ConcurrentQueue<string>)
        =
        RequestDelegate(fun (ctx: HttpContext) ->
            task {
                use reader = new StreamReader(ctx.Request.Body)
                let! body = reader.ReadToEndAsync()

                match options.Check ctx.Request.Method ctx.Request.Path.Value body with
                | [] -> do! answer options counter calls ctx body
                | problems ->
                    for p in problems do
                        violations.Enqueue p

                    let message = JsonSerializer.Serialize(String.Join("; ", problems))
                    ctx.Response.StatusCode <- 400
                    ctx.Response.ContentType <- "application/json"

                    do!
                        ctx.Response.WriteAsync(
                            $"{{\"error\":{{\"message\":{message},\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}}}"
                        )
            }
            :> Task)


    /// Starts the provider on 127.0.0.1 (port 0 = any free port).
    let startOn (port: int) (options: LatencyOptions) : Task<LatencyServer> = task {
        answers.Force() |> ignore
        let builder = WebApplication.CreateSlimBuilder()
        builder.Logging.ClearProviders() |> ignore
        let app = builder.Build()
        app.Urls.Add $"http://127.0.0.1:{port}"
        let calls = ConcurrentQueue<string * float>()
        let violations = ConcurrentQueue<string>()
        app.Run(serve options (ref 0) calls violations)
        do! app.StartAsync()

        let address =
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>().Addresses
            |> Seq.head

        return new LatencyServer(app, address.TrimEnd('/'), calls, violations)
    }

    /// Starts the provider on a free loopback port.
    let start options = startOn 0 options

    /// Environment that points the service's OpenAI-compatible provider at the fake.
    let env (server: LatencyServer) = [
        "OPENAI_API_KEY", "fake-latency-key"
        "OPENAI_BASE_URL", server.BaseUrl + "/v1"
        "PRIMARY_PROVIDER", "openai"
    ]
