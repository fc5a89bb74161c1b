// Runs the whole generation pipeline with the configured engine (the offline engine when no provider key is set)
// and prints the timepoint as the API's full JSON. The scene is not stored: its id is derived from the query and
// its timestamps are fixed, so the same query prints the same JSON.
// Build first (./scripts/test.sh or `dotnet build -c Release`), then: dotnet fsi scripts/generate.fsx "rome 50 BCE"
// A preset first picks its models and settings: dotnet fsi scripts/generate.fsx --preset hyper "rome 50 BCE"
// --grounding auto|on|off overrides GROUNDING: dotnet fsi scripts/generate.fsx --grounding off "rome 50 BCE"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/FsToolkit.ErrorHandling.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/Npgsql.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Core.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Engines.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Persistence.dll"
#r "../src/TimepointFlash.Cli/bin/Release/net10.0/TimepointFlash.Runtime.dll"

open System
open System.Net.Http
open System.Security.Cryptography
open System.Text
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Runtime

let rec options (preset, grounding) args =
    match args with
    | "--preset" :: name :: rest -> options (Some name, grounding) rest
    | "--grounding" :: mode :: rest -> options (preset, Some mode) rest
    | rest -> preset, grounding, rest

let preset, grounding, words =
    options (None, None) (fsi.CommandLineArgs |> Array.tail |> List.ofArray)

let query =
    match String.concat " " words with
    | "" -> "signing of the declaration of independence"
    | q -> q

let config =
    match Config.read (Runtime.environment ()) with
    | Ok c -> c
    | Error e ->
        eprintfn "generate.fsx: %s" (ConfigError.describe e)
        exit 2

// One process: the model-call budget (PROVIDER_LIMITS) is kept in memory.
let budget: ProviderBudget = {
    Limits = config.ProviderLimits
    MaxWait = config.BudgetWait
    Store = BudgetStore.memory (fun () -> DateTimeOffset.UtcNow)
}

let engine = EngineBuilder.create config.Providers budget (new HttpClient()) ignore

if engine.Info.IsOffline then
    eprintfn "generate.fsx: no provider key is configured; using the offline engine."

let presets = PresetCatalog.port config.Providers

let control =
    match preset with
    | Some name when not (List.contains name presets.Names) ->
        eprintfn "generate.fsx: --preset must be one of %s" (String.concat ", " presets.Names)
        exit 2
    | _ ->
        match grounding |> Option.map (fun g -> g, GroundingMode.tryParse g) with
        | Some(g, None) ->
            eprintfn "generate.fsx: --grounding must be one of %s, got '%s'" GroundingMode.allowed g
            exit 2
        | parsed -> { GenerationControl.none with Preset = preset; Grounding = parsed |> Option.bind snd }

let tuning = presets.Tuning(Control.presetOf presets control)
let reports = Collections.Concurrent.ConcurrentQueue<StepRecord>()

let deps =
    { Llm = fun call ct -> engine.Llm { call with Chat = Control.chat tuning control call.Chat } ct
      DrawImage = Some engine.DrawImage
      Emit = fun r -> (reports.Enqueue r
                       match r.Status with
                       | StepStatus.Completed ->
                           eprintfn "  ✓ %-14s %5d ms  %s" (Step.name r.Step) (defaultArg r.LatencyMs 0L) (defaultArg r.Model "")
                       | StepStatus.Failed ->
                           eprintfn "  ✗ %-14s %s" (Step.name r.Step) (r.Error |> Option.map (fun e -> e.Message) |> Option.defaultValue "")
                       | StepStatus.Started -> ()); Task.CompletedTask
      Now = fun () -> DateTimeOffset.UtcNow
      Today = fun () -> DateOnly.FromDateTime DateTime.UtcNow
      Mode = config.PipelineMode
      ImagePromptMode = config.ImagePromptMode
      Off = config.Off
      Grounding = control.Grounding |> Option.defaultValue config.Grounding
      Search = Engines.Router.searchSupport config.Providers
      Elapsed = fun () -> Diagnostics.Stopwatch.GetTimestamp() / TimeSpan.TicksPerMillisecond }

let result =
    (Pipeline.run deps { Query = query; GenerateImage = false; Continuity = None } CancellationToken.None)
        .GetAwaiter()
        .GetResult()

// A stable id from the query (name-based, like a UUID v5) and a fixed clock make the output reproducible.
let id = Guid(SHA1.HashData(Encoding.UTF8.GetBytes query) |> Array.take 16)
let epoch = DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)
let year = result.Timeline |> Option.map (fun t -> t.Year)

// Provenance without a duration, so the output stays reproducible.
let provenance =
    { Control.provenance tuning.Name (presets.Planned control) (List.ofSeq reports) 0L with
        GenerationTimeMs = None }

let timepoint =
    { (Timepoint.pending id query (Slug.ofText query year) false epoch
       |> PipelineResult.applyTo None epoch result) with
        Control = control
        Provenance = Some provenance }

printfn "%s" (Encode.toIndentedString (TimepointWire.encode true timepoint))
exit (if timepoint.Status = TimepointStatus.Completed then 0 else 1)
