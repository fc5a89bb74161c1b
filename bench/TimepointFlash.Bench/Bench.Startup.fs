/// Start-up: process start to the first healthy GET /health (and the first ready GET /api/v1/health).
module TimepointFlash.Bench.Startup

open System
open System.Diagnostics
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

/// One start: milliseconds to /health 200, then to /api/v1/health 200.
let private once (databaseUrl: string) = task {
    let port = freePort ()
    let clock = Stopwatch.StartNew()
    let server = startDotnet "0,1" (serverDll ()) "" (serverEnv databaseUrl port [])

    try
        let baseUrl = $"http://127.0.0.1:{port}"

        match! waitHealthy (baseUrl + "/health") (TimeSpan.FromSeconds 60.0) clock with
        | None -> return failwith "the API server did not become healthy within 60 s"
        | Some live ->
            match! waitHealthy (baseUrl + "/api/v1/health") (TimeSpan.FromSeconds 60.0) clock with
            | None -> return failwith "the API server did not become ready within 60 s"
            | Some ready -> return live.TotalMilliseconds, ready.TotalMilliseconds
    finally
        stop server
}

/// Runs `runs` starts each on a new SQLite file (migrations included) and on a migrated one; prints a table.
let run (runs: int) = task {
    let fresh = ResizeArray()
    let migrated = ResizeArray()
    let url, file = freshSqlite ()

    try
        for i in 1..runs do
            eprintfn "start-up: run %d of %d" i runs
            let newUrl, newFile = freshSqlite ()

            try
                let! x = once newUrl
                fresh.Add x
            finally
                removeSqlite newFile

            let! y = once url
            migrated.Add y

        printfn "## Start-up (process start to first 200; `dotnet TimepointFlash.Api.dll`, Release, SQLite)"
        printfn ""

        let row name (xs: ResizeArray<float * float>) = [
            name
            string xs.Count
            num 0 (xs |> Seq.map fst |> median)
            num 0 (xs |> Seq.map fst |> Seq.max)
            num 0 (xs |> Seq.map snd |> median)
        ]

        table [
            "database"
            "starts"
            "/health median ms"
            "/health max ms"
            "/api/v1/health median ms"
        ] [ row "new file (migrations run)" fresh; row "migrated file" migrated ]
    finally
        removeSqlite file
}
