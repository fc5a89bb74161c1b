/// The CLI's live step display: the pure state (LiveSteps) by its laws, and the display on a non-terminal writer
/// (finished lines only, no control codes).
module TimepointFlash.Tests.CliProgress

open System.IO
open System.Text.Json.Nodes
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash.Cli

let private steps = [
    "judge"
    "grounding"
    "timeline"
    "scene"
    "characters"
    "moment"
    "camera"
    "graph"
]

let private line step ok = {
    Step = step
    Ok = ok
    Waiting = false
    LatencyMs = Some 12L
    Model = Some "m"
    Error = if ok then None else Some "broke"
}

/// A run's step events: every step starts, then ends (✓ or ✗) at some later point, possibly overlapping others.
type StepEvents = StepEvents of StepEvent list

type ProgressGenerators =
    static member Events() =
        gen {
            let! chosen = Gen.subListOf steps
            let! oks = Gen.listOfLength chosen.Length (Gen.frequency [ 4, Gen.constant true; 1, Gen.constant false ])
            let starts = chosen |> List.map StepEvent.Started
            let ends = List.map2 (fun s ok -> StepEvent.Ended(line s ok)) chosen oks
            // Interleave: an end is placed after its start by shuffling positions with that constraint.
            let! keys = Gen.listOfLength (2 * chosen.Length) (Gen.choose (0, 1000))
            let indexed = List.zip (starts @ ends) keys

            let ordered =
                indexed
                |> List.mapi (fun i (e, k) ->
                    match e with
                    | StepEvent.Started _ -> e, k
                    | StepEvent.Ended _ -> e, max k (snd indexed[i - chosen.Length]) + 1)
                |> List.sortBy snd
                |> List.map fst

            return StepEvents ordered
        }
        |> Arb.fromGen

let private config = {
    FsCheckConfig.defaultConfig with
        maxTest = 300
        arbitrary = [ typeof<ProgressGenerators> ]
}

/// Runs events through the display state at increasing clock readings: the lines printed, and the final state.
let private play (events: StepEvent list) =
    events
    |> List.indexed
    |> List.fold
        (fun (printed, s) (i, e) ->
            let lines, next = LiveSteps.apply (int64 (i * 100)) e s
            printed @ lines, next)
        ([], LiveSteps.start 0L)

/// Property: every step that ends is printed exactly once, in the order the steps ended, once the display closes.
let everyEndedStepPrintedOnceInOrder (StepEvents events) =
    let printed, s = play events
    let all = printed @ LiveSteps.finish None s

    let ended =
        events
        |> List.choose (function
            | StepEvent.Ended l -> Some l
            | StepEvent.Started _ -> None)

    all = ended

/// Property: the running steps are those started and not yet ended, and the status line names each of them.
let runningAreStartedNotEnded (StepEvents events) (cut: NonNegativeInt) =
    let prefix = events |> List.truncate (cut.Get % (events.Length + 1))
    let _, s = play prefix

    let started =
        prefix
        |> List.choose (function
            | StepEvent.Started n -> Some n
            | StepEvent.Ended _ -> None)

    let ended =
        prefix
        |> List.choose (function
            | StepEvent.Ended l -> Some l.Step
            | StepEvent.Started _ -> None)

    let expected = started |> List.filter (fun n -> not (List.contains n ended))
    let status = LiveSteps.status 0 10_000L s

    List.map fst s.Running = expected
    && expected |> List.forall (fun n -> status.Contains(n + " "))

/// Property: the fitted status line never exceeds the terminal width less one column.
let fitsTheWidth (NonEmptyString text) (width: PositiveInt) =
    (LiveSteps.fit width.Get text).Length <= max 8 (width.Get - 1)

let private rejected =
    JsonNode.Parse
        """{"status": "failed", "error_kind": "rejected", "error": "not a moment in time", "suggested_query": "bread in Rome, 100 CE"}"""

let tests =
    testList "CliProgress" [
        testList "laws" [
            testPropertyWithConfig
                config
                "every step that ends is printed exactly once, in the order steps ended"
                everyEndedStepPrintedOnceInOrder
            testPropertyWithConfig
                config
                "the running steps are those started and not ended, each named on the status line"
                runningAreStartedNotEnded
            testPropertyWithConfig config "the status line fits the terminal width" fitsTheWidth
        ]

        test "the status line shows each running step with its elapsed seconds, parallel steps side by side" {
            let _, s = play [ StepEvent.Started "scene"; StepEvent.Started "characters" ]

            Expect.equal (LiveSteps.status 1 1_360L s) "⠙ scene 1.4s  ·  characters 1.3s" "both steps and times"
        }

        test "a wait for provider budget is printed and the step keeps running with its clock" {
            let waiting = {
                line "scene" true with
                    Waiting = true
                    LatencyMs = Some 2000L
            }

            let printed, s = play [ StepEvent.Started "scene"; StepEvent.Ended waiting ]

            Expect.equal printed [ waiting ] "the wait is printed once"
            Expect.equal (s.Running |> List.map fst) [ "scene" ] "the step still runs"
            Expect.equal (LiveSteps.status 0 500L s) "⠋ scene 0.5s" "its clock runs from its start"
        }

        test "with no step known to run (a server's stream) the status line says working since the last event" {
            let _, s = play [ StepEvent.Ended(line "judge" true) ]
            Expect.equal (LiveSteps.status 0 2_500L s) "⠋ working 2.5s" "time since the judge ended"
        }

        test "a rejected query turns the held judge line into a cross with the reason and the suggestion" {
            let printed, s =
                play [ StepEvent.Started "judge"; StepEvent.Ended(line "judge" true) ]

            Expect.isEmpty printed "the judge's tick waits for the outcome"

            match LiveSteps.finish (LiveSteps.rejection (Some rejected)) s with
            | [ judge ] ->
                Expect.isFalse judge.Ok "a cross"

                Expect.equal
                    judge.Error
                    (Some "rejected: not a moment in time (try: bread in Rome, 100 CE)")
                    "reason and suggestion"
            | other -> failtest $"one line expected: {other}"
        }

        test "an accepted query's judge tick prints as soon as the next step starts" {
            let printed, _ =
                play [ StepEvent.Ended(line "judge" true); StepEvent.Started "grounding" ]

            Expect.equal (printed |> List.map (fun l -> l.Step, l.Ok)) [ "judge", true ] "the tick"
        }

        test "off a terminal the display writes finished lines only, without control codes" {
            use writer = new StringWriter()
            let display = new LiveDisplay(writer, false)
            display.Report(StepEvent.Started "judge")
            display.Report(StepEvent.Ended(line "judge" true))
            display.Report(StepEvent.Started "scene")
            display.Report(StepEvent.Ended(line "scene" false))
            display.Close None
            (display :> System.IDisposable).Dispose()
            let text = writer.ToString()
            Expect.isFalse (text.Contains "\u001b") $"no escape codes: {text}"
            let lines = text.Split('\n', System.StringSplitOptions.RemoveEmptyEntries)
            Expect.equal lines.Length 2 $"two finished lines: {text}"
            Expect.stringContains lines[0] "✓ judge" "the judge's tick"
            Expect.stringContains lines[1] "✗ scene" "the scene's cross"
            Expect.stringContains lines[1] "broke" "with why"
        }
    ]
