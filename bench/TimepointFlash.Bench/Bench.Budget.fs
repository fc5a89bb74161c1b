/// Shared model budget: generations a minute with 1 or 3 replicas on one PostgreSQL against a fake provider that
/// answers 429 above 60 calls a minute, with `PROVIDER_LIMITS=openai=60rpm` (and, for contrast, without it).
module TimepointFlash.Bench.Budget

open System
open System.Diagnostics
open System.Net.Http
open System.Text
open System.Text.Json
open System.Threading.Tasks
open TimepointFlash.Tests.Support.LatencyProvider
open TimepointFlash.Tests.Support.Quota
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

/// How the budget benchmark runs.
type BudgetOptions = {
    Replicas: int
    /// PROVIDER_LIMITS of every replica ("" = no budget).
    Limits: string
    /// The provider's quota per minute.
    Quota: int
    /// Minutes measured after the warm-up.
    Minutes: float
    /// PostgreSQL URL (a fresh server per run: scripts/bench.sh).
    DatabaseUrl: string
}

/// Defaults: 3 replicas, a 60/min provider and budget, 2 measured minutes.
let defaults = {
    Replicas = 3
    Limits = "openai=60rpm"
    Quota = 60
    Minutes = 2.0
    DatabaseUrl = ""
}

let private count (baseUrl: string) (status: string) = task {
    let! text = http.GetStringAsync $"{baseUrl}/api/v1/timepoints?page_size=1&status={status}"
    use doc = JsonDocument.Parse text
    return doc.RootElement.GetProperty("total").GetInt32()
}

let private enqueue (baseUrl: string) (i: int) = task {
    let body = $"{{\"query\": \"the storming of the bastille, take {i}\"}}"

    let! resp =
        http.PostAsync(
            $"{baseUrl}/api/v1/timepoints/generate",
            new StringContent(body, Encoding.UTF8, "application/json")
        )

    resp.EnsureSuccessStatusCode() |> ignore
}

/// Runs one configuration and prints its row.
let run (options: BudgetOptions) = task {
    let quota = Quota(options.Quota, TimeSpan.FromMinutes 1.0)

    let! provider =
        LatencyProvider.start {
            LatencyProvider.defaults with
                FixedMs = 200.0
                Fault = quota.Fault
        }

    let ports = [ for _ in 1 .. options.Replicas -> freePort () ]

    let servers =
        ports
        |> List.mapi (fun i port ->
            let vars =
                serverEnv
                    options.DatabaseUrl
                    port
                    (LatencyProvider.env provider
                     @ [
                         "FALLBACK_PROVIDER", "none"
                         "GENERATION_CONCURRENCY", "4"
                         "PROVIDER_LIMITS", options.Limits
                         "PROVIDER_BUDGET_WAIT_SECONDS", "3600"
                     ])

            startDotnet (string (i % Environment.ProcessorCount)) (serverDll ()) "" vars)

    try
        let urls = ports |> List.map (fun p -> $"http://127.0.0.1:{p}")

        for url in urls do
            match! waitHealthy (url + "/health") (TimeSpan.FromSeconds 90.0) (Stopwatch.StartNew()) with
            | None -> failwith "a replica did not become healthy"
            | Some _ -> ()

        // Far more generations than the quota allows in the run, spread over the replicas.
        let queued =
            int (options.Minutes * float options.Quota / 4.0) + 8 * options.Replicas

        for i in 1..queued do
            do! enqueue urls[i % urls.Length] i

        // One minute of warm-up (the burst and the first full window), then the measured minutes.
        do! Task.Delay(TimeSpan.FromMinutes 1.0)
        let! completedBefore = count urls.Head "completed"
        let! failedBefore = count urls.Head "failed"
        let callsBefore = quota.Accepted.Length
        let refusedBefore = quota.Refused
        let clock = Stopwatch.StartNew()
        do! Task.Delay(TimeSpan.FromMinutes options.Minutes)
        let minutes = clock.Elapsed.TotalMinutes
        let! completed = count urls.Head "completed"
        let! failed = count urls.Head "failed"
        let calls = quota.Accepted.Length - callsBefore
        let refused = quota.Refused - refusedBefore
        let budget = if options.Limits = "" then "none" else options.Limits

        table [
            "replicas"
            "PROVIDER_LIMITS"
            "minutes"
            "generations / min"
            "failed / min"
            "provider calls / min"
            "% of quota"
            "429s / min"
            "429s in the whole run"
            "completed in the whole run"
            "failed in the whole run"
        ] [
            [
                string options.Replicas
                budget
                num 1 minutes
                num 2 (float (completed - completedBefore) / minutes)
                num 2 (float (failed - failedBefore) / minutes)
                num 1 (float calls / minutes)
                num 0 (100.0 * float calls / minutes / float options.Quota)
                num 1 (float refused / minutes)
                string quota.Refused
                string completed
                string failed
            ]
        ]

        printfn ""
    finally
        for s in servers do
            stop s

        (provider :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
}
