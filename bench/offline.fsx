// Benchmark of the offline engine (not part of the test run): run by scripts/bench.sh after a Release build.
// Full generations (nine steps, every step event logged, the timepoint inserted and updated) through
// Generation.runNow against a fresh SQLite file: generations per second, median and p95 latency; then the same
// generations with a stopwatch around the engine and each store write (the breakdown).
#load "../scripts/lib/release.fsx"

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Runtime
open Release

// Offline engine: full generations persisted to SQLite.
let db = Path.Combine(Path.GetTempPath(), $"tpflash-bench-{Guid.NewGuid():N}.db")
let vars = Map.empty |> Map.add "DATABASE_URL" $"sqlite:///{db}"

let services =
    match Config.read (fun k -> vars.TryFind k) with
    | Ok c ->
        match run (Runtime.startWith c None ignore (fun _ -> Task.CompletedTask)) with
        | Ok s -> s
        | Error e -> failwith (Runtime.describe e)
    | Error e -> failwith (ConfigError.describe e)

let queries = [|
    "signing of the declaration of independence"
    "rome 50 BCE"
    "moon landing 1969"
    "storming of the bastille"
    "fall of the berlin wall"
|]

for q in queries do
    run (Generation.runNow services.App (fun _ -> Task.CompletedTask) q false CancellationToken.None)
    |> ignore

/// `BENCH_QUICK=1` (the test run's check that the script still compiles and runs): 20 generations instead of 200.
let n =
    if Environment.GetEnvironmentVariable "BENCH_QUICK" = "1" then
        20
    else
        200

let times = ResizeArray()
let total = Stopwatch.StartNew()

for i in 0 .. n - 1 do
    let sw = Stopwatch.StartNew()

    run (
        Generation.runNow
            services.App
            (fun _ -> Task.CompletedTask)
            queries[i % queries.Length]
            false
            CancellationToken.None
    )
    |> ignore

    times.Add sw.Elapsed.TotalMilliseconds

total.Stop()
let sorted = times |> Seq.sort |> Array.ofSeq
printfn ""
printfn "## Offline engine, persisted to SQLite (%d generations, one process)" n
printfn ""
printfn "| generations/s | median ms | p95 ms |"
printfn "|---|---|---|"
printfn "| %.1f | %.1f | %.1f |" (float n / total.Elapsed.TotalSeconds) sorted[n / 2] sorted[n * 95 / 100]

// Where the time goes: the same generations again, with a stopwatch around the engine and each store write.
let spent = Collections.Generic.Dictionary<string, float>()

let timed name (f: unit -> Task<'T>) : Task<'T> = task {
    let sw = Stopwatch.StartNew()
    let! r = f ()

    spent[name] <-
        (match spent.TryGetValue name with
         | true, x -> x
         | _ -> 0.0)
        + sw.Elapsed.TotalMilliseconds

    return r
}

let app = services.App
let st = app.Store

let traced = {
    app with
        Store = {
            st with
                Insert = fun t -> timed "insert processing row" (fun () -> st.Insert t)
                Update =
                    fun t ->
                        timed
                            (if TimepointStatus.isFinal t.Status then
                                 "update final row"
                             else
                                 "update processing row")
                            (fun () -> st.Update t)
                AppendLogs = fun id batch -> timed "append step logs (batched)" (fun () -> st.AppendLogs id batch)
        }
        Pipeline = {
            app.Pipeline with
                Llm = fun c ct -> timed "offline engine answers (10)" (fun () -> app.Pipeline.Llm c ct)
        }
}

let whole = Stopwatch.StartNew()

for i in 0 .. n - 1 do
    run (
        Generation.runNow traced (fun _ -> Task.CompletedTask) queries[i % queries.Length] false CancellationToken.None
    )
    |> ignore

whole.Stop()
printfn ""
printfn "| part (mean per generation) | ms |"
printfn "|---|---|"

for KeyValue(k, v) in spent |> Seq.sortByDescending (fun kv -> kv.Value) do
    printfn "| %s | %.2f |" k (v / float n)

printfn
    "| the rest (parse/validate, events, telemetry) | %.2f |"
    ((whole.Elapsed.TotalMilliseconds - Seq.sum spent.Values) / float n)

services.Dispose()

for f in [ db; db + "-wal"; db + "-shm" ] do
    if File.Exists f then
        File.Delete f
