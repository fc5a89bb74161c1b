/// Three server processes on one PostgreSQL share one model-call budget against a provider that answers 429 above
/// 60 requests a minute: no 429 reaches it, and the calls keep within 10 % of its quota.
module TimepointFlash.Tests.BudgetReplicas

open System
open System.Net.Http
open System.Text
open System.Threading.Tasks
open Expecto
open Npgsql
open TimepointFlash.Tests.Persistence.Support
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.LatencyProvider
open TimepointFlash.Tests.Support.Quota

/// The fixed environment of a replica (the provider, the shared database and the budget).
let replicaVars (provider: LatencyServer) (databaseUrl: string) (limits: string) (port: int) =
    LatencyProvider.env provider
    @ [
        "PORT", string port
        "HOST", "127.0.0.1"
        "DATABASE_URL", databaseUrl
        "FALLBACK_PROVIDER", "none"
        "RATE_LIMIT", "0"
        "READ_RATE_LIMIT", "0"
        "GENERATION_CONCURRENCY", "4"
        "PROVIDER_LIMITS", limits
        "PROVIDER_BUDGET_WAIT_SECONDS", "600"
    ]

let private http = new HttpClient(Timeout = TimeSpan.FromSeconds 10.0)

/// Queues a generation on a replica (a background job).
let enqueue (baseUrl: string) (query: string) = task {
    let body = $"{{\"query\": \"{query}\"}}"

    let! resp =
        http.PostAsync(
            $"{baseUrl}/api/v1/timepoints/generate",
            new StringContent(body, Encoding.UTF8, "application/json")
        )

    return int resp.StatusCode
}

let tests =
    testList "Budget replicas" [
        testTask "three replicas on one PostgreSQL send no call above 60 a minute and keep within 10 % of it" {
            let! name, _ = createPostgresDatabase ()

            let cs =
                NpgsqlConnectionStringBuilder(adminConnectionString (), Database = name).ConnectionString

            let quota = Quota(60, TimeSpan.FromMinutes 1.0)

            let! provider =
                LatencyProvider.start {
                    LatencyProvider.defaults with
                        FixedMs = 50.0
                        Fault = quota.Fault
                }

            let ports = [ for _ in 1..3 -> ServerProcess.freePort () ]

            let servers =
                ports
                |> List.map (fun port ->
                    ServerProcess.start
                        None
                        (ServerProcess.serverDll ())
                        ""
                        (replicaVars provider cs "openai=60rpm" port))

            try
                for port in ports do
                    let! up = Reliability.ServerKill.waitStatus $"http://127.0.0.1:{port}/health" 200 90.0
                    Expect.isTrue up "every replica starts"

                // Three generations queued on each replica: far more calls than the quota lets through in the run.
                for port in ports do
                    for i in 1..3 do
                        let! status =
                            enqueue $"http://127.0.0.1:{port}" $"the storming of the bastille, take {port}-{i}"

                        Expect.equal status 200 "queued"

                // Measure 30 s of steady state, after the first 5 s (the burst of 3 and the replicas' warm-up).
                let deadline = DateTime.UtcNow.AddSeconds 60.0

                while quota.Accepted.IsEmpty && DateTime.UtcNow < deadline do
                    do! Task.Delay 100

                Expect.isNonEmpty quota.Accepted "calls reach the provider"
                let first = quota.Accepted.Head
                let from, until = first.AddSeconds 5.0, first.AddSeconds 35.0

                while DateTimeOffset.UtcNow < until.AddSeconds 1.0 do
                    do! Task.Delay 250

                let counted =
                    quota.Accepted
                    |> List.filter (fun at -> at >= from && at < until)
                    |> List.length

                Expect.equal quota.Refused 0 "no 429 reached the provider"
                Expect.isLessThanOrEqual counted 30 "at most the quota (1 a second) in 30 s"
                Expect.isGreaterThanOrEqual counted 27 "within 10 % of the quota"
            finally
                for s in servers do
                    try
                        s.Kill true
                        s.WaitForExit()
                    with _ ->
                        ()

                (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
                (dropPostgresDatabase name).Wait()
        }
    ]
