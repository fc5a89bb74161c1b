/// SIGKILL of the whole server process (the built TimepointFlash.Api.dll on PostgreSQL) with background jobs in
/// flight against a slow provider; after a restart every job completes exactly once.
module TimepointFlash.Tests.Reliability.ServerKill

open System
open System.Diagnostics
open System.IO
open System.Net
open System.Net.Http
open System.Text
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.LatencyProvider

/// The built server assembly.
let serverDll = ServerProcess.serverDll

/// Starts the server process with the given environment (provider keys of the caller's environment removed).
let startServer (vars: (string * string) list) =
    ServerProcess.start None (serverDll ()) "" vars

let private http = new HttpClient(Timeout = TimeSpan.FromSeconds 5.0)

/// Waits until GET url answers the status; false after `seconds`.
let waitStatus (url: string) (status: int) (seconds: float) = task {
    let deadline = DateTime.UtcNow.AddSeconds seconds
    let mutable ok = false

    while not ok && DateTime.UtcNow < deadline do
        try
            let! resp = http.GetAsync url
            ok <- int resp.StatusCode = status
        with _ ->
            ()

        if not ok then
            do! Task.Delay 100

    return ok
}

let private scalar (cs: string) (sql: string) = task {
    use conn = new NpgsqlConnection(cs)
    do! conn.OpenAsync()
    use cmd = new NpgsqlCommand(sql, conn)
    let! v = cmd.ExecuteScalarAsync()
    return Convert.ToInt64 v
}

let tests =
    testList "ServerKill" [
        testTask "SIGKILL of the server mid-generation loses no job and runs none twice to completion" {
            let! name, _ = createPostgresDatabase ()

            let cs =
                NpgsqlConnectionStringBuilder(adminConnectionString (), Database = name).ConnectionString

            let! provider =
                LatencyProvider.start {
                    LatencyProvider.defaults with
                        FixedMs = 400.0
                }

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
                    "GENERATION_CONCURRENCY", "4"
                ]

            let mutable server = startServer vars

            try
                let! up = waitStatus $"{baseUrl}/health" 200 60.0
                Expect.isTrue up "the server starts"

                let! ids =
                    [ for i in 1..6 -> $"signing of the declaration of independence, take {i}" ]
                    |> List.map (fun q -> task {
                        let body = $"{{\"query\": \"{q}\"}}"

                        let! resp =
                            http.PostAsync(
                                $"{baseUrl}/api/v1/timepoints/generate",
                                new StringContent(body, Encoding.UTF8, "application/json")
                            )

                        Expect.equal (int resp.StatusCode) 200 "accepted"
                        let! text = resp.Content.ReadAsStringAsync()
                        let node = Text.Json.Nodes.JsonNode.Parse text
                        return string node["id"]
                    })
                    |> Task.WhenAll

                // Kill only once jobs are mid-run: running, with no job finished yet.
                let deadline = DateTime.UtcNow.AddSeconds 20.0
                let mutable running = 0L

                while running = 0L && DateTime.UtcNow < deadline do
                    let! n = scalar cs "SELECT COUNT(*) FROM generation_jobs WHERE status = 'running'"
                    running <- n

                    if n = 0L then
                        do! Task.Delay 50

                Expect.isGreaterThan running 0L "jobs are running when the server is killed"
                do! Task.Delay 300
                server.Kill true
                server.WaitForExit()
                let! doneBefore = scalar cs "SELECT COUNT(*) FROM generation_jobs WHERE status = 'completed'"
                Expect.isLessThan doneBefore 6L "the kill interrupted work"

                server <- startServer vars
                let! upAgain = waitStatus $"{baseUrl}/health" 200 60.0
                Expect.isTrue upAgain "the server restarts"

                // Leases of the killed worker expire after 30 s; then the jobs are claimed again.
                let deadline = DateTime.UtcNow.AddSeconds 90.0
                let mutable completed = 0L

                while completed < 6L && DateTime.UtcNow < deadline do
                    let! n = scalar cs "SELECT COUNT(*) FROM timepoints WHERE status = 'completed'"
                    completed <- n

                    if n < 6L then
                        do! Task.Delay 250

                Expect.equal completed 6L "every timepoint completed after the restart"

                for id in ids do
                    let! jobs = scalar cs $"SELECT COUNT(*) FROM generation_jobs WHERE timepoint_id = '{id}'"
                    Expect.equal jobs 1L "one job row per timepoint"

                    let! doneJobs =
                        scalar
                            cs
                            $"SELECT COUNT(*) FROM generation_jobs WHERE timepoint_id = '{id}' AND status = 'completed'"

                    Expect.equal doneJobs 1L "the job is completed"

                let! retried = scalar cs "SELECT COUNT(*) FROM generation_jobs WHERE attempts >= 2"
                Expect.isGreaterThan retried 0L "interrupted jobs were claimed again after the restart"
                let! total = scalar cs "SELECT COUNT(*) FROM timepoints"
                Expect.equal total 6L "no extra timepoint was created"
            finally
                if not server.HasExited then
                    server.Kill true
                    server.WaitForExit()

                (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
                (dropPostgresDatabase name).Wait()
        }
    ]
