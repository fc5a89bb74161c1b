/// Start-up: process start to the first healthy GET /health (and the first ready GET /api/v1/health).
module TimepointFlash.Bench.Startup

open System
open System.Diagnostics
open TimepointFlash.Bench.Processes
open TimepointFlash.Bench.Stats

/// One start: milliseconds to /health 200, then to /api/v1/health 200.
let private once (dll: string) (databaseUrl: string) = task {
    let port = freePort ()
    let clock = Stopwatch.StartNew()
    let server = startDotnet "0,1" dll "" (serverEnv databaseUrl port [])

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

/// Runs `runs` starts of each build, on a new SQLite file (migrations included) and on a migrated one; prints a table.
let run (builds: (string * string) list) (runs: int) = task {
    let rows = ResizeArray()

    for name, dll in builds do
        let fresh = ResizeArray()
        let migrated = ResizeArray()
        let url, file = freshSqlite ()

        try
            for i in 1..runs do
                eprintfn "start-up: %s, run %d of %d" name i runs
                let newUrl, newFile = freshSqlite ()

                try
                    let! x = once dll newUrl
                    fresh.Add x
                finally
                    removeSqlite newFile

                let! y = once dll url
                migrated.Add y
        finally
            removeSqlite file

        let row database (xs: ResizeArray<float * float>) = [
            name
            database
            string xs.Count
            num 0 (xs |> Seq.map fst |> median)
            num 0 (xs |> Seq.map fst |> Seq.max)
            num 0 (xs |> Seq.map snd |> median)
        ]

        rows.Add(row "new file (migrations run)" fresh)
        rows.Add(row "migrated file" migrated)

    printfn "## Start-up (process start to the first 200; `dotnet TimepointFlash.Api.dll`, SQLite, production settings)"
    printfn ""

    table
        [
            "build"
            "database"
            "starts"
            "/health median ms"
            "/health max ms"
            "/api/v1/health median ms"
        ]
        (List.ofSeq rows)
}
