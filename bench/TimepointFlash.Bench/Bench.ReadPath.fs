/// Read path: wrk against GET /api/v1/timepoints/{id} and, in the same run, bare Kestrel serving the same bytes.
module TimepointFlash.Bench.ReadPath

open System
open System.Diagnostics
open System.IO
open System.Net.Http
open System.Text
open System.Text.Json
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

/// How the read path is measured.
type ReadOptions = {
    /// DATABASE_URL of the server; None = a fresh SQLite file.
    DatabaseUrl: string option
    Connections: int
    Seconds: int
    Rounds: int
}

/// Defaults: SQLite, 64 connections, three alternating rounds of 10 s each.
let defaults = {
    DatabaseUrl = None
    Connections = 64
    Seconds = 10
    Rounds = 3
}

let private createTimepoint (baseUrl: string) = task {
    use body =
        new StringContent(
            """{"query":"signing of the declaration of independence"}""",
            Encoding.UTF8,
            "application/json"
        )

    use! resp = http.PostAsync(baseUrl + "/api/v1/timepoints/generate/sync", body)
    let! text = resp.Content.ReadAsStringAsync()

    if not resp.IsSuccessStatusCode then
        failwith $"generate/sync answered {int resp.StatusCode}: {text}"

    use doc = JsonDocument.Parse text
    return doc.RootElement.GetProperty("id").GetString()
}

/// Server settings compared with the production defaults (each measured once after the main rounds).
let variants = [
    "READ_CACHE_SECONDS=0 (no read cache)", [ "READ_CACHE_SECONDS", "0" ]
    "REQUEST_LOG=all (a log line per request)", [ "REQUEST_LOG", "all" ]
    "both (the service before this benchmark)", [ "READ_CACHE_SECONDS", "0"; "REQUEST_LOG", "all" ]
]

let private startApi (url: string) (extra: (string * string) list) = task {
    let port = freePort ()
    let api = startDotnet "0" (serverDll ()) "" (serverEnv url port extra)
    let apiBase = $"http://127.0.0.1:{port}"

    match! waitHealthy (apiBase + "/health") (TimeSpan.FromSeconds 60.0) (Stopwatch.StartNew()) with
    | None ->
        stop api
        return failwith "the API server did not become healthy"
    | Some _ -> return api, apiBase
}

let private summary (results: Wrk.WrkResult list) = {|
    Rps = results |> List.map _.RequestsPerSecond |> median
    P50 = results |> List.map _.P50Ms |> median
    P99 = results |> List.map _.P99Ms |> median
    Errors = results |> List.sumBy _.Errors
|}

/// Runs the benchmark and prints its table; servers on core 0, wrk on core 1.
let run (options: ReadOptions) = task {
    let url, file = databaseOf options.DatabaseUrl

    let barePort = freePort ()
    let bytesFile = Path.GetTempFileName()
    let! api, apiBase = startApi url []
    let mutable servers = [ api ]

    try
        let! id = createTimepoint apiBase
        let path = $"/api/v1/timepoints/{id}"
        let! apiBytes = http.GetByteArrayAsync(apiBase + path)
        File.WriteAllBytes(bytesFile, apiBytes)

        let bare =
            startDotnet "0" (selfDll ()) $"bare --port {barePort} --file \"{bytesFile}\"" []

        servers <- bare :: servers
        let bareUrl = $"http://127.0.0.1:{barePort}{path}"

        match! waitHealthy bareUrl (TimeSpan.FromSeconds 30.0) (Stopwatch.StartNew()) with
        | None -> failwith "the bare server did not start"
        | Some _ -> ()

        let! bareBytes = http.GetByteArrayAsync bareUrl

        if bareBytes <> apiBytes then
            failwith "the bare server does not return the API's bytes"

        let wrk url =
            Wrk.run "1" options.Connections options.Seconds url

        eprintfn "read path: %d-byte body, warming up" apiBytes.Length
        Wrk.run "1" options.Connections 5 (apiBase + path) |> ignore
        Wrk.run "1" options.Connections 5 bareUrl |> ignore

        let rounds = [
            for i in 1 .. options.Rounds do
                eprintfn "read path: round %d of %d" i options.Rounds
                wrk (apiBase + path), wrk bareUrl
        ]

        // Listings: twenty more timepoints, then the list endpoint and the home page (twelve cards), one round each.
        for _ in 1..20 do
            let! _ = createTimepoint apiBase
            ()

        let listings = [
            for name, target in
                [
                    "GET /api/v1/timepoints?page_size=20", "/api/v1/timepoints?page_size=20"
                    "GET /api/v1/timepoints?page_size=100 (21 rows)", "/api/v1/timepoints?page_size=100"
                    "GET / (home page, 12 cards)", "/"
                ] do
                eprintfn "read path: %s" name
                Wrk.run "1" options.Connections 5 (apiBase + target) |> ignore
                name, summary [ wrk (apiBase + target) ]
        ]

        stop api
        servers <- [ bare ]
        let a, k = summary (List.map fst rounds), summary (List.map snd rounds)

        let others = [
            for name, extra in variants do
                eprintfn "read path: %s" name
                let server, b = (startApi url extra).Result

                try
                    Wrk.run "1" options.Connections 5 (b + path) |> ignore
                    name, summary [ wrk (b + path) ]
                finally
                    stop server
        ]

        let database = if file.IsSome then "SQLite" else "PostgreSQL"

        printfn
            "## Read path (%s, %d-byte body; wrk -t1 -c%d; %d × %d s per target, medians; server on core 0, wrk on core 1)"
            database
            apiBytes.Length
            options.Connections
            options.Rounds
            options.Seconds

        printfn ""

        let row
            name
            (r:
                {|
                    Rps: float
                    P50: float
                    P99: float
                    Errors: int
                |})
            =
            [
                name
                num 0 r.Rps
                num 2 (r.Rps / k.Rps)
                num 2 r.P50
                num 2 r.P99
                string r.Errors
            ]

        table [ "endpoint"; "requests/s"; "÷ bare"; "p50 ms"; "p99 ms"; "errors" ] [
            row "bare Kestrel, same bytes" k
            row "GET /api/v1/timepoints/{id} (production defaults)" a
            for name, r in others do
                row $"GET … with {name}, one round" r
        ]

        printfn
            "Production defaults vs bare: %s (target ≥ 0.50: %s)"
            (num 2 (a.Rps / k.Rps))
            (if a.Rps / k.Rps >= 0.5 then "met" else "missed")

        printfn ""
        printfn "Listings (production defaults, one round each):"
        printfn ""

        table [ "endpoint"; "requests/s"; "p50 ms"; "p99 ms"; "errors" ] [
            for name, r in listings -> [ name; num 0 r.Rps; num 2 r.P50; num 2 r.P99; string r.Errors ]
        ]

        printfn ""
    finally
        for s in servers do
            stop s

        File.Delete bytesFile
        file |> Option.iter removeSqlite
}
