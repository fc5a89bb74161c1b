// Benchmark of the generation pipeline (not part of the test run): run by scripts/bench.sh after a Release build.
// Critical path: DAG vs sequential vs the pure sum of critical-path latencies, with a latency-injecting model
// (fixed + per-output-token delay per call), text-only and with an image. The offline engine persisted to SQLite
// is measured by bench/offline.fsx.
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/FsToolkit.ErrorHandling.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/Npgsql.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/Microsoft.Data.Sqlite.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/SQLitePCLRaw.provider.e_sqlite3.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Core.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Engines.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Persistence.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Runtime.dll"

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Runtime

let native =
    Path.Combine(__SOURCE_DIRECTORY__, "../src/TimepointFlash.Cli/bin/Release/net10.0/runtimes/linux-x64/native/libe_sqlite3.so")

Runtime.InteropServices.NativeLibrary.SetDllImportResolver(
    typeof<SQLitePCL.SQLite3Provider_e_sqlite3>.Assembly,
    fun name _ _ -> if name = "e_sqlite3" then Runtime.InteropServices.NativeLibrary.Load native else IntPtr.Zero
)

let run (t: Task<'T>) = t.GetAwaiter().GetResult()
let fixedMs, perTokenMs = 150.0, 0.2
let imageMs = 400.0

/// The offline engine's answers, delayed like a remote model: fixed + per output token.
let slowLlm (log: Collections.Concurrent.ConcurrentBag<string * float>) : Llm =
    fun call ct ->
        task {
            let! r = OfflineEngine.llm call ct
            match r with
            | Ok resp ->
                let delay = fixedMs + perTokenMs * float resp.Usage.Output
                log.Add(call.Chat.Step, delay)
                do! Task.Delay(TimeSpan.FromMilliseconds delay, ct)
                return Ok resp
            | e -> return e
        }

let slowDraw: DrawImage =
    fun call ct ->
        task {
            do! Task.Delay(TimeSpan.FromMilliseconds imageMs, ct)
            return! OfflineEngine.draw call ct
        }

let criticalPath (delays: Map<string, float>) image =
    let d s = delays |> Map.tryFind s |> Option.defaultValue 0.0
    d "judge" + d "timeline" + max (d "scene") (d "characters") + List.max [ d "moment"; d "camera"; d "graph" ]
    + d "dialog" + (if image then imageMs else 0.0)

let measure mode image query =
    let log = Collections.Concurrent.ConcurrentBag()
    let deps =
        { Llm = slowLlm log; DrawImage = Some slowDraw; Emit = (fun _ -> Task.CompletedTask); Mode = mode
          ImagePromptMode = ImagePromptMode.Assembled; Elapsed = fun () -> Stopwatch.GetTimestamp() / TimeSpan.TicksPerMillisecond }
    let sw = Stopwatch.StartNew()
    let r = run (Pipeline.run deps { Query = query; GenerateImage = image; Continuity = None } CancellationToken.None)
    if PipelineResult.status r <> TimepointStatus.Completed then failwith "generation failed"
    sw.Elapsed.TotalMilliseconds, (log |> Seq.map (fun (s, d) -> s, d) |> Map.ofSeq)

printfn "## Critical path (fixed %.0f ms + %.1f ms/output token per call; image %.0f ms)" fixedMs perTokenMs imageMs
printfn ""
printfn "| case | DAG ms | sequential ms | critical-path sum ms | DAG / sequential | DAG / critical path |"
printfn "|---|---|---|---|---|---|"
measure PipelineMode.Dag false "rome 50 BCE" |> ignore

for image in [ false; true ] do
    let q = "signing of the declaration of independence"
    let runs = [ for _ in 1..3 -> measure PipelineMode.Dag image q ]
    let dag = runs |> List.map fst |> List.sort |> List.item 1
    let delays = runs |> List.head |> snd
    let sq = [ for _ in 1..3 -> fst (measure PipelineMode.Sequential image q) ] |> List.sort |> List.item 1
    let cp = criticalPath delays image
    printfn "| %s | %.0f | %.0f | %.0f | %.2f | %.3f |" (if image then "with image" else "text only") dag sq cp (dag / sq) (dag / cp)
