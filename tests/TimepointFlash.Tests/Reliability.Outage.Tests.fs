/// A dedicated PostgreSQL stopped under traffic: every API endpoint answers 503 with Retry-After and a problem
/// detail, UI routes an HTML page, open SSE streams an `error` event, the CLI one line and exit 1, the C# facade
/// StorageUnavailableException, and the bad-input corpus no 500; /health stays 200 and /api/v1/health 503;
/// everything works again once the database returns, without a restart.
module TimepointFlash.Tests.Reliability.Outage

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Support.LatencyProvider
open TimepointFlash.Tests.Reliability.Faults
open TimepointFlash.Tests.Reliability.DbRestart
open TimepointFlash.Tests.Reliability.Support

/// The built tpflash (the CLI) beside the test assembly's solution.
let private tpflash =
    Path.GetFullPath(
        Path.Combine(AppContext.BaseDirectory, "../../../../../src/TimepointFlash.Cli/bin/Release/net10.0/tpflash.dll")
    )

/// Runs the CLI embedded against a database; exit code and the lines it wrote to stderr.
let private cli (databaseUrl: string) (args: string list) : Task<int * string array> = task {
    let psi =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true)

    psi.ArgumentList.Add tpflash

    for a in args do
        psi.ArgumentList.Add a

    psi.Environment["DATABASE_URL"] <- databaseUrl

    for key in [ "GOOGLE_API_KEY"; "OPENROUTER_API_KEY"; "OPENAI_API_KEY"; "OPENAI_BASE_URL" ] do
        psi.Environment.Remove key |> ignore

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    do! p.WaitForExitAsync()
    let! _ = out
    let! errText = err

    let lines =
        errText.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)

    return p.ExitCode, lines
}

/// An open server-sent event stream read line by line.
type private Stream = {
    Response: HttpResponseMessage
    Reader: StreamReader
}

let private openStream (api: TestApi) (request: HttpRequestMessage) = task {
    let! (resp: HttpResponseMessage) = api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead)
    Expect.equal (int resp.StatusCode) 200 "the stream opened"
    let! s = resp.Content.ReadAsStreamAsync()

    return {
        Response = resp
        Reader = new StreamReader(s, Encoding.UTF8)
    }
}

/// Reads events until one has the name; None when the stream ends or `seconds` pass first.
let private untilEvent (stream: Stream) (name: string) (seconds: float) : Task<JsonNode option> = task {
    use cts = new CancellationTokenSource(TimeSpan.FromSeconds seconds)
    let mutable found: JsonNode option = None
    let mutable ended = false

    while found.IsNone && not ended && not cts.IsCancellationRequested do
        try
            let! line = stream.Reader.ReadLineAsync(cts.Token).AsTask()

            match line with
            | null -> ended <- true
            | l when l.StartsWith "data: " ->
                let e = JsonNode.Parse(l.Substring 6)

                if str e "event" = name then
                    found <- Some e
            | _ -> ()
        with :? OperationCanceledException ->
            ()

    return found
}

let private post (path: string) (json: string) =
    new HttpRequestMessage(HttpMethod.Post, path, Content = new StringContent(json, Encoding.UTF8, "application/json"))

/// Checks an API answer: 503, Retry-After, problem+json with a non-empty detail naming no host or port.
let private expectOutage (name: string) (resp: HttpResponseMessage) (port: int) = task {
    let! text = resp.Content.ReadAsStringAsync()
    Expect.equal (int resp.StatusCode) 503 $"{name}: 503 while the database is down ({text})"
    Expect.isTrue (resp.Headers.RetryAfter <> null) $"{name}: Retry-After"
    Expect.equal (string resp.Content.Headers.ContentType.MediaType) "application/problem+json" $"{name}: problem"
    let problem = JsonNode.Parse text
    Expect.equal (int problem.["status"]) 503 $"{name}: problem status"
    Expect.isNotEmpty (str problem "detail") $"{name}: a detail"

    if port > 0 then
        Expect.isFalse (text.Contains(string port)) $"{name}: the detail names no port"
}

/// Checks a UI answer: 503, Retry-After, an HTML page in the site layout (not JSON).
let private expectOutagePage (name: string) (resp: HttpResponseMessage) = task {
    let! text = resp.Content.ReadAsStringAsync()
    Expect.equal (int resp.StatusCode) 503 $"{name}: 503 while the database is down"
    Expect.isTrue (resp.Headers.RetryAfter <> null) $"{name}: Retry-After"
    Expect.equal (string resp.Content.Headers.ContentType.MediaType) "text/html" $"{name}: HTML, not JSON"
    Expect.stringContains text "<header class=\"site\">" $"{name}: the site layout"
    Expect.stringContains text "Temporarily unavailable" $"{name}: says what happened"
}

/// Why an answer during the outage breaks the contract (None = fine): a bad request is still its 4xx problem; a
/// request that needs the database is 503 with Retry-After (problem+json on the API, HTML on the UI); never a 500.
let private outageProblem (c: Case) (resp: HttpResponseMessage) : Task<string option> = task {
    let media =
        resp.Content.Headers.ContentType
        |> Option.ofObj
        |> Option.map (fun h -> h.MediaType)

    match int resp.StatusCode with
    | 503 when isNull resp.Headers.RetryAfter -> return Some $"{c.Name}: 503 without Retry-After"
    | 503 when isUi c.Path ->
        return
            if media = Some "text/html" then
                None
            else
                Some $"{c.Name}: UI 503 as {media}, not HTML"
    | 503 ->
        let! text = resp.Content.ReadAsStringAsync()

        return
            if
                media = Some "application/problem+json"
                && not (isNull (JsonNode.Parse text).["detail"])
            then
                None
            else
                Some $"{c.Name}: API 503 without a problem detail ({media})"
    | _ -> return! rejectionProblem c resp
}

let tests =
    testList "Outage" [
        testTask
            "with PostgreSQL stopped every edge fails typed (API, UI, SSE 503, CLI exit 1, facade), bad input stays 4xx, and all recover without a restart" {
            let! (cs: string), port = ownPostgres ()

            let! provider =
                LatencyProvider.start {
                    LatencyProvider.defaults with
                        FixedMs = 400.0
                }

            try
                let! (api: TestApi) =
                    startWith
                        (LatencyProvider.env provider
                         @ [
                             "DATABASE_URL", cs
                             "FALLBACK_PROVIDER", "none"
                             "GENERATION_CONCURRENCY", "2"
                         ])
                        None

                // The C# facade over the same database, to see what its callers get.
                let! (engine: TimepointFlash.Interop.TimepointEngine) =
                    TimepointFlash.Interop.TimepointEngine.CreateAsync(
                        TimepointFlash.Interop.TimepointEngineOptions(DatabaseUrl = cs, IgnoreEnvironment = true)
                    )

                try
                    // Before the outage: one finished scene, one background job followed live, one live stream.
                    let! (made: HttpResponseMessage) =
                        postJson
                            api.Client
                            "/api/v1/timepoints/generate/sync"
                            """{"query":"signing of the magna carta 1215"}"""

                    Expect.equal (int made.StatusCode) 200 "a scene is made while the database is up"
                    let! scene = body made
                    let slug = str scene "slug"
                    let sceneId = str scene "id"
                    let! jobId = startBackground api "fall of the berlin wall 1989"

                    let! follow =
                        openStream api (new HttpRequestMessage(HttpMethod.Get, $"/api/v1/timepoints/{jobId}/events"))

                    let! live =
                        openStream
                            api
                            (post "/api/v1/timepoints/generate/stream" """{"query":"apollo 11 moon landing 1969"}""")

                    let! (followed: JsonNode option) = untilEvent follow "step_complete" 30.0
                    Expect.isSome followed "the follower saw a step before the outage"
                    let! (streamed: JsonNode option) = untilEvent live "step_complete" 30.0
                    Expect.isSome streamed "the live stream saw a step before the outage"

                    // The generate form needs the page's anti-forgery token and cookie, taken while the database is up.
                    let! (homePage: HttpResponseMessage) = api.Client.GetAsync "/"
                    let! homeHtml = homePage.Content.ReadAsStringAsync()

                    let formToken =
                        RegularExpressions.Regex
                            .Match(homeHtml, $"name=\"{TimepointFlash.Api.FormToken.field}\" value=\"([^\"]+)\"")
                            .Groups[1]
                            .Value

                    Expect.isNotEmpty formToken "the home page carries a form token"

                    let formCookies =
                        match homePage.Headers.TryGetValues "Set-Cookie" with
                        | true, values -> values |> Seq.map (fun v -> v.Split(';')[0]) |> String.concat "; "
                        | _ -> ""

                    do! pgCtl port "stop"

                    // Open streams end with an `error` event carrying the outage's status and retry delay.
                    for name, stream in [ "follow", follow; "stream", live ] do
                        let! (error: JsonNode option) = untilEvent stream "error" 30.0
                        Expect.isSome error $"{name}: an error event"
                        let e = error.Value
                        Expect.equal (int e.["data"].["status"]) 503 $"{name}: status 503 in the event"
                        Expect.isGreaterThan (int e.["data"].["retry_after"]) 0 $"{name}: retry_after"
                        Expect.isNotEmpty (str e "error") $"{name}: a message"

                    let unknown = Guid.NewGuid()

                    let apiCalls: (string * (unit -> Task<HttpResponseMessage>)) list = [
                        "list", (fun () -> api.Client.GetAsync "/api/v1/timepoints")
                        "get by id", (fun () -> api.Client.GetAsync $"/api/v1/timepoints/{unknown}")
                        "get by slug", (fun () -> api.Client.GetAsync $"/api/v1/timepoints/slug/{slug}")
                        "image", (fun () -> api.Client.GetAsync $"/api/v1/timepoints/{sceneId}/image")
                        "sequence", (fun () -> api.Client.GetAsync $"/api/v1/temporal/{sceneId}/sequence")
                        "delete", (fun () -> api.Client.DeleteAsync $"/api/v1/timepoints/{unknown}")
                        "generate",
                        (fun () ->
                            postJson api.Client "/api/v1/timepoints/generate" """{"query":"battle of hastings"}""")
                        "generate sync",
                        (fun () ->
                            postJson api.Client "/api/v1/timepoints/generate/sync" """{"query":"battle of hastings"}""")
                        "generate stream",
                        (fun () ->
                            postJson
                                api.Client
                                "/api/v1/timepoints/generate/stream"
                                """{"query":"battle of hastings"}""")
                        "follow", (fun () -> api.Client.GetAsync $"/api/v1/timepoints/{jobId}/events")
                        "navigate",
                        (fun () ->
                            postJson api.Client $"/api/v1/temporal/{sceneId}/next" """{"units":1,"unit":"day"}""")
                    ]

                    for name, call in apiCalls do
                        let! resp = call ()
                        do! expectOutage name resp port

                    let generateForm () =
                        let req = new HttpRequestMessage(HttpMethod.Post, "/ui/generate")

                        req.Content <-
                            new FormUrlEncodedContent(
                                dict [ "query", "battle of hastings"; TimepointFlash.Api.FormToken.field, formToken ]
                            )

                        if formCookies <> "" then
                            req.Headers.Add("Cookie", formCookies)

                        api.Client.SendAsync req

                    let uiCalls: (string * (unit -> Task<HttpResponseMessage>)) list = [
                        "home", (fun () -> api.Client.GetAsync "/")
                        "scene page", (fun () -> api.Client.GetAsync $"/t/{slug}")
                        "generate form", generateForm
                    ]

                    for name, call in uiCalls do
                        let! resp = call ()
                        do! expectOutagePage name resp

                    // The bad-input corpus during the outage: still 4xx for bad input, 503 where storage is needed.
                    let mutable problems = []

                    for c in Corpus.all (Guid.Parse sceneId) slug do
                        let! resp = send api.Client c
                        let! problem = outageProblem c resp
                        problems <- Option.toList problem @ problems

                    Expect.isEmpty problems (String.concat "\n" (List.truncate 20 problems))

                    let! (facade: exn option) = task {
                        try
                            let! _ = engine.ListAsync()
                            return None
                        with e ->
                            return Some e
                    }

                    match facade with
                    | Some(:? TimepointFlash.Interop.StorageUnavailableException) -> ()
                    | other -> failtest $"the facade throws StorageUnavailableException, got {other}"

                    let! (liveness: HttpResponseMessage) = api.Client.GetAsync "/health"
                    Expect.equal (int liveness.StatusCode) 200 "/health stays 200 (liveness does no I/O)"
                    let! (ready: HttpResponseMessage) = api.Client.GetAsync "/api/v1/health"
                    Expect.equal (int ready.StatusCode) 503 "/api/v1/health is 503"

                    let! (code: int), (lines: string array) = cli cs [ "list" ]
                    Expect.equal code 1 "the CLI exits 1 against a dead database"
                    let written = String.Join(" | ", lines)
                    Expect.equal lines.Length 1 $"the CLI writes one line: {written}"
                    Expect.stringContains lines.[0] "database unavailable" "the line says what failed"

                    do! pgCtl port "start"

                    // Recovery without restarting the server.
                    let mutable back = false
                    let deadline = DateTime.UtcNow.AddSeconds 30.0

                    while not back && DateTime.UtcNow < deadline do
                        let! (r: HttpResponseMessage) = api.Client.GetAsync "/api/v1/health"
                        back <- int r.StatusCode = 200

                        if not back then
                            do! Task.Delay 100

                    Expect.isTrue back "ready again once the database is back"
                    let! (listed: HttpResponseMessage) = api.Client.GetAsync "/api/v1/timepoints"
                    Expect.equal (int listed.StatusCode) 200 "the API answers again"
                    let! (home: HttpResponseMessage) = api.Client.GetAsync "/"
                    Expect.equal (int home.StatusCode) 200 "the UI answers again"
                    let! (page: HttpResponseMessage) = api.Client.GetAsync $"/t/{slug}"
                    Expect.equal (int page.StatusCode) 200 "the scene page answers again"
                    let! job = waitFinal api jobId 60.0
                    Expect.equal (str job "status") "completed" "the interrupted background job completes"

                    let! (again: HttpResponseMessage) =
                        postJson api.Client "/api/v1/timepoints/generate/sync" """{"query":"battle of hastings 1066"}"""

                    Expect.equal (int again.StatusCode) 200 "generation works again"
                    let! (code: int), _ = cli cs [ "list"; "--json" ]
                    Expect.equal code 0 "the CLI works again"
                    let! (listed: TimepointFlash.Interop.TimepointPage) = engine.ListAsync()
                    Expect.isGreaterThan listed.Total 0L "the same facade engine works again"

                    use conn = new NpgsqlConnection(cs)
                    do! conn.OpenAsync()

                    use cmd =
                        new NpgsqlCommand(
                            $"SELECT attempts FROM generation_jobs WHERE timepoint_id = '{jobId}'::uuid",
                            conn
                        )

                    let! (attempts: obj) = cmd.ExecuteScalarAsync()
                    Expect.equal (Convert.ToInt32 attempts) 1 "the outage did not count as an attempt"
                finally
                    (engine :> IDisposable).Dispose()
                    (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            finally
                (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
                stopOwnPostgres port
        }

        testTask "a database that does not answer in time is 503 with Retry-After, then answers again without a restart" {
            let! name, _ = TimepointFlash.Tests.Persistence.Support.createPostgresDatabase ()

            let cs =
                NpgsqlConnectionStringBuilder(
                    TimepointFlash.Tests.Persistence.Support.adminConnectionString (),
                    Database = name,
                    CommandTimeout = 2
                )
                    .ConnectionString

            try
                let! (api: TestApi) = startWith [ "DATABASE_URL", cs ] None

                try
                    // A session holding an exclusive lock makes every read of timepoints wait past the timeout.
                    use locker = new NpgsqlConnection(cs)
                    do! locker.OpenAsync()
                    use tx = locker.BeginTransaction()

                    use lockCmd =
                        new NpgsqlCommand("LOCK TABLE timepoints IN ACCESS EXCLUSIVE MODE", locker, tx)

                    let! _ = lockCmd.ExecuteNonQueryAsync()
                    let! (list: HttpResponseMessage) = api.Client.GetAsync "/api/v1/timepoints"
                    do! expectOutage "list while locked" list 0
                    let! text = list.Content.ReadAsStringAsync()
                    Expect.stringContains text "did not answer in time" "the detail says it timed out"
                    let! (home: HttpResponseMessage) = api.Client.GetAsync "/"
                    do! expectOutagePage "home while locked" home
                    do! tx.RollbackAsync()
                    let! (again: HttpResponseMessage) = api.Client.GetAsync "/api/v1/timepoints"
                    Expect.equal (int again.StatusCode) 200 "answers again once the lock is gone"
                finally
                    (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            finally
                (TimepointFlash.Tests.Persistence.Support.dropPostgresDatabase name).Wait()
        }
    ]
