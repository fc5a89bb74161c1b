/// No generation stays `processing`: a CLI or server killed with SIGKILL mid-generation (slow fake provider) leaves
/// a row that the next host to start fails once the dead process's run lease has lapsed. (Ctrl-C pressed in a real
/// terminal is in Cli.Terminal.Tests.fs.)
module TimepointFlash.Tests.Reliability.Interrupt

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json.Nodes
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash.Runtime
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.LatencyProvider

/// The built CLI.
let tpflash () =
    Path.Combine(ServerProcess.repoRoot.Value, "src", "TimepointFlash.Cli", "bin", "Release", "net10.0", "tpflash.dll")

/// A tpflash child process on a SQLite file in `dir`, pointed at the fake provider; stderr is collected.
let private startCli (dir: string) (provider: LatencyServer) (args: string list) =
    let psi =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir)

    psi.ArgumentList.Add(tpflash ())

    for a in args do
        psi.ArgumentList.Add a

    for key in ServerProcess.scrubbed do
        psi.Environment.Remove key |> ignore

    psi.Environment["DATABASE_URL"] <- $"""sqlite:///{Path.Combine(dir, "cli.db")}"""
    psi.Environment["FALLBACK_PROVIDER"] <- "none"

    for k, v in LatencyProvider.env provider do
        psi.Environment[k] <- v

    let p = Process.Start psi
    let err = StringBuilder()

    p.ErrorDataReceived.Add(fun e ->
        if not (isNull e.Data) then
            lock err (fun () -> err.AppendLine e.Data |> ignore))

    p.OutputDataReceived.Add ignore
    p.BeginErrorReadLine()
    p.BeginOutputReadLine()
    p, (fun () -> lock err (fun () -> err.ToString()))

/// Runs tpflash to the end; exit code and stdout.
let runCli dir provider args = task {
    let psi =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir)

    psi.ArgumentList.Add(tpflash ())

    for a in args do
        psi.ArgumentList.Add a

    for key in ServerProcess.scrubbed do
        psi.Environment.Remove key |> ignore

    psi.Environment["DATABASE_URL"] <- $"""sqlite:///{Path.Combine(dir, "cli.db")}"""

    for k, v in LatencyProvider.env provider do
        psi.Environment[k] <- v

    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let! _ = p.StandardError.ReadToEndAsync()
    do! p.WaitForExitAsync()
    return p.ExitCode, out.Result
}

/// Waits until the text shows up in the child's stderr; false after `seconds`.
let private waitFor (text: unit -> string) (needle: string) (seconds: float) = task {
    let deadline = DateTime.UtcNow.AddSeconds seconds

    while not ((text ()).Contains needle) && DateTime.UtcNow < deadline do
        do! Task.Delay 50

    return (text ()).Contains needle
}

/// The one listed item of `tpflash list --json` output (after checking there is exactly one).
let only (json: string) =
    let page = JsonNode.Parse json
    Expect.equal (string page["total"]) "1" $"one row listed: {json}"
    page["items"].[0]

/// The total of a `tpflash list --json` page.
let private total (json: string) = string (JsonNode.Parse json).["total"]

/// Past a dead process's run lease.
let private leaseLapse () =
    Task.Delay(RunLeases.lease + TimeSpan.FromSeconds 2.0)

let withProvider (ms: float) (f: LatencyServer -> Task<unit>) = task {
    let! provider =
        LatencyProvider.start {
            LatencyProvider.defaults with
                FixedMs = ms
        }

    try
        do! f provider
    finally
        (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}

let withDir (f: string -> Task<unit>) = task {
    let dir = Directory.CreateTempSubdirectory("tpflash-interrupt-").FullName

    try
        do! f dir
    finally
        try
            Directory.Delete(dir, true)
        with _ ->
            ()
}

let private scalar (cs: string) (sql: string) = task {
    use conn = new NpgsqlConnection(cs)
    do! conn.OpenAsync()
    use cmd = new NpgsqlCommand(sql, conn)
    let! v = cmd.ExecuteScalarAsync()
    return string v
}

let tests =
    testList "Interrupt" [
        testTask "SIGKILL of tpflash generate mid-run leaves no row processing once the next command starts" {
            do!
                withProvider 1500.0 (fun provider ->
                    withDir (fun dir -> task {
                        let p, err = startCli dir provider [ "generate"; "fall of the berlin wall" ]
                        let! started = waitFor err "judge" 60.0
                        Expect.isTrue started $"the first step finished: {err ()}"
                        p.Kill true
                        do! p.WaitForExitAsync()
                        do! leaseLapse ()
                        let! code, out = runCli dir provider [ "list"; "--status"; "processing"; "--json" ]
                        Expect.equal code 0 "list works"
                        Expect.equal (total out) "0" "nothing is left processing"
                        let! _, out = runCli dir provider [ "list"; "--status"; "failed"; "--json" ]
                        let item = only out
                        Expect.equal (string item["error_kind"]) "interrupted" "failed as interrupted"
                        Expect.stringContains (string item["error"]) "process" "says the process stopped"
                    }))
        }

        testTask "SIGKILL of the server mid-sync-generation leaves no row processing after a restart" {
            let! name, _ = createPostgresDatabase ()

            let cs =
                NpgsqlConnectionStringBuilder(adminConnectionString (), Database = name).ConnectionString

            try
                do!
                    withProvider 1500.0 (fun provider -> task {
                        let port = ServerProcess.freePort ()
                        let baseUrl = $"http://127.0.0.1:{port}"

                        let vars =
                            LatencyProvider.env provider
                            @ [
                                "PORT", string port
                                "HOST", "127.0.0.1"
                                "DATABASE_URL", cs
                                "FALLBACK_PROVIDER", "none"
                                "RATE_LIMIT", "0"
                                "READ_RATE_LIMIT", "0"
                            ]

                        let mutable server = ServerKill.startServer vars

                        try
                            let! up = ServerKill.waitStatus $"{baseUrl}/health" 200 60.0
                            Expect.isTrue up "the server starts"
                            use http = new HttpClient(Timeout = TimeSpan.FromMinutes 2.0)

                            let pending =
                                http.PostAsync(
                                    $"{baseUrl}/api/v1/timepoints/generate/sync",
                                    new StringContent(
                                        """{"query": "moon landing 1969"}""",
                                        Encoding.UTF8,
                                        "application/json"
                                    )
                                )

                            let deadline = DateTime.UtcNow.AddSeconds 30.0
                            let mutable logged = "0"

                            while logged = "0" && DateTime.UtcNow < deadline do
                                let! n = scalar cs "SELECT COUNT(*) FROM generation_logs"
                                logged <- n

                                if n = "0" then
                                    do! Task.Delay 50

                            Expect.notEqual logged "0" "the generation is under way"
                            server.Kill true
                            server.WaitForExit()
                            let! _ = Task.WhenAny(pending, Task.Delay 5000)
                            let! status = scalar cs "SELECT status FROM timepoints"
                            Expect.equal status "processing" "the kill left the row processing"
                            do! leaseLapse ()
                            server <- ServerKill.startServer vars
                            let! upAgain = ServerKill.waitStatus $"{baseUrl}/health" 200 60.0
                            Expect.isTrue upAgain "the server restarts"
                            let! processing = scalar cs "SELECT COUNT(*) FROM timepoints WHERE status = 'processing'"
                            Expect.equal processing "0" "no row is left processing"
                            let! kind = scalar cs "SELECT error_kind FROM timepoints"
                            Expect.equal kind "interrupted" "the row failed as interrupted"
                        finally
                            if not server.HasExited then
                                server.Kill true
                                server.WaitForExit()
                    })
            finally
                (dropPostgresDatabase name).Wait()
        }
    ]
