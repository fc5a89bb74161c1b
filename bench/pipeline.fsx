// Benchmark of the generation pipeline (not part of the test run): run by scripts/bench.sh after a Release build.
// Critical path: DAG vs sequential vs the pure sum of critical-path latencies, with a latency-injecting model
// (fixed + per-output-token delay per call), text-only and with an image. The offline engine persisted to SQLite
// is measured by bench/offline.fsx.
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

let imageMs = 400.0

/// `BENCH_QUICK=1` (the test run's check that the script still compiles and runs): one latency model, one run each.
let quick = Environment.GetEnvironmentVariable "BENCH_QUICK" = "1"

/// Per-call latency: fixed + per output token.
type LatencyModel = {
    Name: string
    FixedMs: float
    PerTokenMs: float
}

let models = [
    {
        Name = "uniform: 200 ms a call"
        FixedMs = 200.0
        PerTokenMs = 0.0
    }
    {
        Name = "token-weighted: 150 ms + 0.2 ms/output token"
        FixedMs = 150.0
        PerTokenMs = 0.2
    }
]

/// The offline engine's answers, delayed like a remote model.
let slowLlm (model: LatencyModel) (log: Collections.Concurrent.ConcurrentBag<string * float>) : Llm =
    fun call ct -> task {
        let! r = OfflineEngine.llm call ct

        match r with
        | Ok resp ->
            let delay = model.FixedMs + model.PerTokenMs * float resp.Usage.Output
            log.Add(call.Chat.Step, delay)
            do! Task.Delay(TimeSpan.FromMilliseconds delay, ct)
            return Ok resp
        | e -> return e
    }

let slowDraw: DrawImage =
    fun call ct -> task {
        do! Task.Delay(TimeSpan.FromMilliseconds imageMs, ct)
        return! OfflineEngine.draw call ct
    }

/// The pure sum of latencies along the DAG's critical path, derived from the step table's `Reads`: each step
/// finishes its own delay after the last step it reads (the image step's delay is the drawing's, when drawn).
let criticalPath (delays: Map<string, float>) image =
    let delay (s: StepSpec) =
        if s.Step = Step.Image then
            (if image then imageMs else 0.0)
        else
            delays |> Map.tryFind (Step.name s.Step) |> Option.defaultValue 0.0

    Steps.table
    |> List.fold
        (fun (finish: Map<Step, float>) s ->
            let start =
                s.Reads
                |> List.map (fun r -> finish |> Map.tryFind r |> Option.defaultValue 0.0)
                |> List.fold max 0.0

            finish.Add(s.Step, start + delay s))
        Map.empty
    |> Map.values
    |> Seq.max

/// Wall time of one generation and the injected delay of each step.
let measure model mode promptMode image query =
    let log = Collections.Concurrent.ConcurrentBag()

    let deps = {
        Llm = slowLlm model log
        DrawImage = Some slowDraw
        Emit = (fun _ -> Task.CompletedTask)
        Mode = mode
        ImagePromptMode = promptMode
        Off = Set.empty
        Grounding = GroundingMode.Off
        Search = SearchSupport.NoSearch("offline", "the benchmark measures the generation steps, not search")
        Elapsed = fun () -> Stopwatch.GetTimestamp() / TimeSpan.TicksPerMillisecond
        Now = fun () -> DateTimeOffset.UtcNow
        Today = fun () -> DateOnly.FromDateTime DateTime.UtcNow
    }

    let sw = Stopwatch.StartNew()

    let r =
        run (
            Pipeline.run
                deps
                {
                    Query = query
                    GenerateImage = image
                    Continuity = None
                }
                CancellationToken.None
        )

    if PipelineResult.status r <> TimepointStatus.Completed then
        failwith "generation failed"

    sw.Elapsed.TotalMilliseconds, (log |> Seq.map (fun (s, d) -> s, d) |> Map.ofSeq), log.Count

let median3 f =
    let runs = if quick then 1 else 3

    [ for _ in 1..runs -> f () ]
    |> List.sortBy (fun (ms, _, _) -> ms)
    |> List.item (runs / 2)

printfn "## Critical path (image %.0f ms; medians of three runs)" imageMs
printfn ""

printfn
    "DAG and sequential mode run the same agents (image prompt assembled, no LLM); the reference chain is sequential"

printfn "mode with the LLM-refined image prompt: the reference's nine text rounds, and the critique."
printfn ""

printfn
    "| latency model | case | DAG ms (LLM calls) | sequential ms (calls) | reference chain ms (calls) | critical-path sum ms | DAG / sequential | DAG / reference chain | DAG / critical path |"

printfn "|---|---|---|---|---|---|---|---|---|"

measure models.Head PipelineMode.Dag ImagePromptMode.Assembled false "rome 50 BCE"
|> ignore

for model in (if quick then [ models.Head ] else models) do
    for image in [ false; true ] do
        let q = "signing of the declaration of independence"

        let dag, delays, dagCalls =
            median3 (fun () -> measure model PipelineMode.Dag ImagePromptMode.Assembled image q)

        let sq, _, sqCalls =
            median3 (fun () -> measure model PipelineMode.Sequential ImagePromptMode.Assembled image q)

        let rf, _, rfCalls =
            median3 (fun () -> measure model PipelineMode.Sequential ImagePromptMode.Refined image q)

        let cp = criticalPath delays image
        let extra = if image then " + image" else ""

        printfn
            "| %s | %s | %.0f (%d%s) | %.0f (%d%s) | %.0f (%d%s) | %.0f | %.2f | %.2f | %.3f |"
            model.Name
            (if image then "with image" else "text only")
            dag
            dagCalls
            extra
            sq
            sqCalls
            extra
            rf
            rfCalls
            extra
            cp
            (dag / sq)
            (dag / rf)
            (dag / cp)
