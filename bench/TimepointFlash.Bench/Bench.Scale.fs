/// Scale: a library seeded to 1,000 / 10,000 / 100,000 scenes; get, list and search latency at each size, the
/// read path for a random id out of 10,000 against bare Kestrel serving the same bytes, and the server's RSS.
module TimepointFlash.Bench.Scale

open System
open System.Diagnostics
open System.IO
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

/// How the scale benchmark runs.
type ScaleOptions = {
    /// DATABASE_URL of the server; None = a fresh SQLite file.
    DatabaseUrl: string option
    /// Library sizes, ascending; each tier adds rows to the previous one.
    Tiers: int list
    /// The size at which the read path is compared with bare Kestrel.
    RatioAt: int
    /// Sequential requests per latency measurement.
    Samples: int
    Connections: int
    Seconds: int
}

/// Defaults: 1,000 and 10,000 scenes (100,000 with --tiers), ratios at 10,000, 300 samples, wrk -c64 for 10 s.
let defaults = {
    DatabaseUrl = None
    Tiers = [ 1000; 10000 ]
    RatioAt = 10000
    Samples = 300
    Connections = 64
    Seconds = 10
}

let private startApi (url: string) (extra: (string * string) list) = task {
    let port = freePort ()
    let api = startDotnet "0" (serverDll ()) "" (serverEnv url port extra)
    let apiBase = $"http://127.0.0.1:{port}"

    match! waitHealthy (apiBase + "/health") (TimeSpan.FromSeconds 120.0) (Stopwatch.StartNew()) with
    | None ->
        stop api
        return failwith "the API server did not become healthy"
    | Some _ -> return api, apiBase
}

/// Milliseconds of each of `n` sequential GETs of the paths `next ()` names (the body read to its end).
let private timed (n: int) (next: unit -> string) = task {
    let times = ResizeArray()

    for _ in 1..n do
        let url = next ()
        let clock = Stopwatch.StartNew()
        use! resp = http.GetAsync url
        let! _ = resp.Content.ReadAsByteArrayAsync()

        if not resp.IsSuccessStatusCode then
            failwith $"{url} answered {int resp.StatusCode}"

        times.Add clock.Elapsed.TotalMilliseconds

    return times
}

/// The resident set of a process now, MiB.
let private rss (p: Process) = snd (memoryMiB p.Id)

/// CPU time of every PostgreSQL process on the machine so far, ms (0 on SQLite: none runs).
let private postgresCpuMs () =
    Directory.GetDirectories "/proc"
    |> Seq.sumBy (fun dir ->
        match Int32.TryParse(Path.GetFileName dir) with
        | true, pid ->
            try
                if File.ReadAllText($"{dir}/comm").Trim() = "postgres" then
                    cpuMs pid
                else
                    0.0
            with _ ->
                0.0 // the process ended meanwhile
        | _ -> 0.0)

/// One round against the API and bare Kestrel, with the CPU each request cost the API, the database and bare.
type private Round = {
    Api: Wrk.WrkResult
    Bare: Wrk.WrkResult
    ApiCpuMs: float
    DatabaseCpuMs: float
    BareCpuMs: float
}

/// Compares wrk against the API and against bare Kestrel serving the same bytes, alternating `rounds` times.
let private versus
    rounds
    (options: ScaleOptions)
    (script: string option)
    (api: string, server: Process)
    (bare: string, bareServer: Process)
    (after: unit -> unit)
    =
    let perRequest (r: Wrk.WrkResult) cpu =
        cpu / (r.RequestsPerSecond * float options.Seconds)

    [
        for _ in 1..rounds do
            let serverBefore, dbBefore = cpuMs server.Id, postgresCpuMs ()
            let a = Wrk.runWith script "1" options.Connections options.Seconds api
            let serverCpu, dbCpu = cpuMs server.Id - serverBefore, postgresCpuMs () - dbBefore
            after ()
            let bareBefore = cpuMs bareServer.Id
            let b = Wrk.runWith script "1" options.Connections options.Seconds bare

            {
                Api = a
                Bare = b
                ApiCpuMs = perRequest a serverCpu
                DatabaseCpuMs = perRequest a dbCpu
                BareCpuMs = perRequest b (cpuMs bareServer.Id - bareBefore)
            }
    ]

/// A row of the read-path table: the medians of the rounds.
let private ratioRow name (rounds: Round list) =
    let med f = rounds |> List.map f |> median
    let a, b = med _.Api.RequestsPerSecond, med _.Bare.RequestsPerSecond

    [
        name
        num 0 a
        num 0 b
        num 2 (a / b)
        num 2 (med _.Api.P50Ms)
        num 3 (med _.ApiCpuMs)
        num 3 (med _.DatabaseCpuMs)
        num 3 (med _.BareCpuMs)
        string (rounds |> List.sumBy (fun r -> r.Api.Errors + r.Bare.Errors))
    ]

/// Runs the benchmark and prints its tables.
let run (options: ScaleOptions) = task {
    let url, file = databaseOf options.DatabaseUrl
    let database = if file.IsSome then "SQLite" else "PostgreSQL"
    let work = Directory.CreateTempSubdirectory "tpflash-scale-"
    let ids = ResizeArray<Guid>()
    let latencies = ResizeArray()
    let seeding = ResizeArray()
    let mutable ratios = []
    let mutable rssRows = []
    let random = Random 19

    try
        for tier in options.Tiers do
            eprintfn "scale (%s): seeding to %d scenes" database tier
            let! seeded = Seed.run url ids.Count tier 500
            ids.AddRange seeded.Ids

            seeding.Add [
                string tier
                string seeded.Ids.Length
                num 1 seeded.Seconds
                num 0 (float seeded.Ids.Length / seeded.Seconds)
            ]

            // Latency with the read cache off, so every get reads the database.
            let! server, apiBase = startApi url [ "READ_CACHE_SECONDS", "0" ]

            try
                let randomGet () =
                    $"{apiBase}/api/v1/timepoints/{ids[random.Next ids.Count]}"

                let measure name next = task {
                    let! _ = timed 20 next
                    let! times = timed options.Samples next

                    latencies.Add [
                        string tier
                        name
                        num 2 (percentile 50.0 times)
                        num 2 (percentile 95.0 times)
                    ]
                }

                eprintfn "scale (%s): latency at %d" database tier
                do! measure "get, random id" randomGet
                do! measure "list, page_size=20" (fun () -> $"{apiBase}/api/v1/timepoints?page_size=20")

                do!
                    measure "list, page_size=20, page 10" (fun () ->
                        $"{apiBase}/api/v1/timepoints?page_size=20&page=10")

                do!
                    measure "search, a place (about 1 row in 20)" (fun () ->
                        $"{apiBase}/api/v1/timepoints?page_size=20&q=kyoto")

                do!
                    measure "search, one row" (fun () ->
                        $"{apiBase}/api/v1/timepoints?page_size=20&q=%%23{tier / 2}%%29")

                do! measure "search, no row" (fun () -> $"{apiBase}/api/v1/timepoints?page_size=20&q=zzqx")

                latencies.Add [ string tier; "server RSS after, MiB"; num 0 (rss server); "" ]
            finally
                stop server

            if tier = options.RatioAt then
                eprintfn "scale (%s): fetching %d bodies for the bare server" database ids.Count
                let bodies = work.CreateSubdirectory "bodies"
                let idsFile = Path.Combine(work.FullName, "ids.txt")
                let! fetcher, fetchBase = startApi url [ "READ_CACHE_SECONDS", "0" ]

                let! listBytes = task {
                    try
                        for id in ids do
                            let! bytes = http.GetByteArrayAsync $"{fetchBase}/api/v1/timepoints/{id}"
                            File.WriteAllBytes(Path.Combine(bodies.FullName, string id), bytes)

                        return! http.GetByteArrayAsync $"{fetchBase}/api/v1/timepoints?page_size=20"
                    finally
                        stop fetcher
                }

                File.WriteAllLines(idsFile, ids |> Seq.map string)
                let listFile = Path.Combine(work.FullName, "list.json")
                File.WriteAllBytes(listFile, listBytes)
                let script = Wrk.randomPathScript idsFile "/api/v1/timepoints/"
                let barePort, listPort = freePort (), freePort ()

                let bare =
                    startDotnet "0" (selfDll ()) $"bare --port {barePort} --folder \"{bodies.FullName}\"" []

                let bareList =
                    startDotnet "0" (selfDll ()) $"bare --port {listPort} --file \"{listFile}\"" []

                try
                    let bareBase = $"http://127.0.0.1:{barePort}"
                    let bareListUrl = $"http://127.0.0.1:{listPort}/api/v1/timepoints"

                    for u in [ $"{bareBase}/api/v1/timepoints/{ids[0]}"; bareListUrl ] do
                        match! waitHealthy u (TimeSpan.FromSeconds 60.0) (Stopwatch.StartNew()) with
                        | None -> failwith "the bare server did not start"
                        | Some _ -> ()

                    let compare name extra = task {
                        let! server, apiBase = startApi url extra

                        try
                            eprintfn "scale (%s): %s" database name
                            Wrk.runWith (Some script) "1" options.Connections 5 (apiBase + "/") |> ignore
                            Wrk.runWith (Some script) "1" options.Connections 5 (bareBase + "/") |> ignore
                            let after = ResizeArray()

                            let rounds =
                                versus 3 options (Some script) (apiBase + "/", server) (bareBase + "/", bare) (fun () ->
                                    after.Add(rss server))

                            rssRows <- rssRows @ [ [ name; after |> Seq.map (num 0) |> String.concat " → " ] ]
                            ratios <- ratios @ [ ratioRow name rounds ]

                            if name.StartsWith "get, cache (production" then
                                eprintfn "scale (%s): list page_size=20" database
                                let listUrl = apiBase + "/api/v1/timepoints?page_size=20"
                                Wrk.run "1" options.Connections 5 listUrl |> ignore
                                let listAfter = ResizeArray()

                                let lr =
                                    versus 3 options None (listUrl, server) (bareListUrl, bareList) (fun () ->
                                        listAfter.Add(rss server))

                                ratios <- ratios @ [ ratioRow "list, page_size=20" lr ]

                                rssRows <-
                                    rssRows
                                    @ [
                                        [ "list, page_size=20"; listAfter |> Seq.map (num 0) |> String.concat " → " ]
                                    ]
                        finally
                            stop server
                    }

                    do! compare "get, miss (READ_CACHE_SECONDS=0)" [ "READ_CACHE_SECONDS", "0" ]
                    do! compare "get, cache (production defaults)" []
                    // The library's 10,000 full bodies (~27 KB each) fit in 512 MB; the lifetime outlasts the run.
                    do!
                        compare "get, cache holding the library (READ_CACHE_MB=512, READ_CACHE_SECONDS=600)" [
                            "READ_CACHE_MB", "512"
                            "READ_CACHE_SECONDS", "600"
                        ]
                finally
                    stop bare
                    stop bareList

        printfn "## Scale (%s)" database
        printfn ""
        printfn "Seeding (bench/TimepointFlash.Bench/Bench.Seed.fs, through the stores, 500 rows a transaction):"
        printfn ""
        table [ "library size"; "rows added"; "seconds"; "rows/s" ] (List.ofSeq seeding)

        printfn
            "Latency, %d sequential requests after 20 warm-up ones, read cache off (server on core 0):"
            options.Samples

        printfn ""
        table [ "scenes"; "request"; "p50 ms"; "p95 ms" ] (List.ofSeq latencies)

        if not ratios.IsEmpty then
            printfn
                "Read path at %d scenes, a random id per request (wrk -t1 -c%d, 3 × %d s alternating, medians):"
                options.RatioAt
                options.Connections
                options.Seconds

            printfn ""

            printfn
                "CPU ms per request: the API server's, every PostgreSQL process's together (0 on SQLite), bare Kestrel's."

            printfn ""

            table
                [
                    "request"
                    "API req/s"
                    "bare req/s"
                    "÷ bare"
                    "API p50 ms"
                    "API CPU ms/req"
                    "DB CPU ms/req"
                    "bare CPU ms/req"
                    "errors"
                ]
                ratios

            printfn "Server RSS after each round (MiB; no growth across repeated runs):"
            printfn ""
            table [ "run"; "RSS after rounds 1 → 2 → 3" ] rssRows
    finally
        file |> Option.iter removeSqlite
        work.Delete true
}
