// Time travel from FSI: generates a scene, then a chain of next/prior steps, and prints them as a timeline.
// Uses a throwaway SQLite database unless DATABASE_URL is set, and the configured engine (offline by default).
// Build first (./scripts/test.sh or `dotnet build -c Release`), then:
//   dotnet fsi scripts/time-travel.fsx "assassination of julius caesar"
#load "lib/release.fsx"

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Runtime

open Release

let query =
    match fsi.CommandLineArgs |> Array.tail |> String.concat " " with
    | "" -> "assassination of julius caesar"
    | q -> q

let services, stop = startServices "time-travel"

let app = services.App
let quiet (_: StepRecord) = Task.CompletedTask

let line (label: string) (t: Timepoint) =
    let date = t.Point |> Option.map Temporal.format |> Option.defaultValue "?"

    let names =
        t.Characters
        |> Option.map (fun c -> c.Characters |> List.map (fun x -> x.Name) |> String.concat ", ")

    printfn "%-14s %-28s %-9s %s" label date (TimepointStatus.name t.Status) (defaultArg names "")

let start = run (Generation.runNow app quiet query false CancellationToken.None)

if start.Status <> TimepointStatus.Completed then
    eprintfn "time-travel.fsx: the first scene failed: %A" (start.Error |> Option.map GenerationError.describe)
    exit 1

let steps = [
    Direction.Next, 1, TimeUnit.Hour
    Direction.Next, 1, TimeUnit.Day
    Direction.Next, 1, TimeUnit.Year
    Direction.Prior, 1, TimeUnit.Month
]

let travelled =
    steps
    |> List.map (fun (d, n, u) ->
        match run (Navigation.run app quiet start.Id d n u CancellationToken.None) with
        | Ok o -> o.Target
        | Error e -> failwithf "navigation failed: %A" e)

printfn "Timeline around \"%s\":" query
let view = run (Sequence.load app.Store Sequence.Side.Both 10 start)
view.Prior |> List.iter (line "  earlier")
line "> source" view.Center
view.Next |> List.iter (line "  later")

let ordered =
    view.Prior @ [ view.Center ] @ view.Next |> List.choose (fun t -> t.Point)

let inOrder =
    ordered
    |> List.pairwise
    |> List.forall (fun (a, b) -> Temporal.compare a b <= 0)

stop ()

if
    travelled.Length <> 4
    || not inOrder
    || view.Prior.Length + view.Next.Length <> 4
then
    eprintfn "time-travel.fsx: the timeline is not what was asked for"
    exit 1
