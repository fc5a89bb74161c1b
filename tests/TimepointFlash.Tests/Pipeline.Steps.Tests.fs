/// The step table: order, levels, expected counts and where outputs land all derive from it.
module TimepointFlash.Tests.PipelineSteps

open System
open System.Text.Json.Nodes
open System.Threading
open Expecto
open TimepointFlash
open TimepointFlash.Tests.Support

let private plan image = {
    GenerateImage = image
    Off = Set.empty
    Grounding = GroundingMode.Auto
    Search = SearchSupport.Searches("offline", "curated")
}

/// The node at a dotted path, or None when a key is missing.
let private at (path: string) (node: JsonNode) =
    path.Split '.'
    |> Array.fold
        (fun (n: JsonNode option) key ->
            n
            |> Option.bind (fun n ->
                match n with
                | :? JsonObject as o when o.ContainsKey key -> Some o[key]
                | _ -> None))
        (Some node)

let private names steps = steps |> List.map Step.name

let tests =
    testList "Steps" [
        test "every step is declared once" { Expect.equal (List.distinct Steps.all) Steps.all "no step twice" }

        test "every step reads only steps declared before it" {
            Steps.table
            |> List.iteri (fun i s ->
                let before = Steps.table |> List.take i |> List.map (fun x -> x.Step)

                for r in s.Reads do
                    Expect.contains before r $"{Step.name s.Step} reads {Step.name r}, declared earlier")
        }

        test "levels run the independent steps together and keep every step once" {
            Expect.equal
                (Steps.levels |> List.map (List.map (fun s -> s.Step) >> names))
                [
                    [ "judge" ]
                    [ "grounding" ]
                    [ "timeline" ]
                    [ "scene" ]
                    [ "characters" ]
                    [ "moment"; "camera"; "graph" ]
                    [ "dialog" ]
                    [ "critique" ]
                    [ "dialog_revision" ]
                    [ "image_prompt" ]
                    [ "image_generation" ]
                ]
                "levels"

            Expect.equal (Steps.levels |> List.concat |> List.map (fun s -> s.Step)) Steps.all "table order"
        }

        test "a step's level is one past the deepest step it reads" {
            let level =
                Steps.levels
                |> List.mapi (fun i l -> l |> List.map (fun s -> s.Step, i))
                |> List.concat
                |> Map.ofList

            for s in Steps.table do
                let deepest = s.Reads |> List.map (fun r -> level[r]) |> List.fold max -1
                Expect.equal level[s.Step] (deepest + 1) (Step.name s.Step)
        }

        test "the expected step count counts the image only when asked, and never the conditional revision or grounding" {
            let text =
                Steps.table
                |> List.filter (fun s ->
                    s.Step <> Step.Image
                    && s.Step <> Step.DialogRevision
                    && s.Step <> TimepointFlash.Agents.Grounding.step)
                |> List.length

            Expect.equal (Steps.expected (plan false)) text "text steps"
            Expect.equal (Steps.expected (plan true)) (text + 1) "with the image"

            Expect.equal
                (Steps.expected {
                    plan false with
                        Off = Set.ofList [ Step.Critique ]
                })
                (text - 1)
                "without the critique"
        }

        test "CRITIQUE=off switches the critique off, on or unset leaves it on, anything else is an error naming it" {
            let lookup value name =
                if name = "CRITIQUE" then Some value else None

            Expect.equal (Steps.off (lookup "off")) (Ok(Set.ofList [ Step.Critique ])) "off"
            Expect.equal (Steps.off (lookup " OFF ")) (Ok(Set.ofList [ Step.Critique ])) "case and spaces"
            Expect.equal (Steps.off (lookup "on")) (Ok Set.empty) "on"
            Expect.equal (Steps.off (lookup "")) (Ok Set.empty) "empty is on"
            Expect.equal (Steps.off (fun _ -> None)) (Ok Set.empty) "on by default"

            for bad in [ "of"; "false"; "0"; "disabled" ] do
                Expect.equal
                    (Steps.off (lookup bad))
                    (Error("CRITIQUE", $"must be on or off, got '{bad}'"))
                    $"'{bad}' is refused"
        }

        test "every step's output lands at a path of the timepoint's wire form" {
            let t = Timepoint.pending Guid.Empty "q" "q" true DateTimeOffset.UnixEpoch
            let wire = TimepointWire.encode true { t with HasImage = true }

            for s in Steps.table do
                Expect.isSome (at (Steps.landsAt s) wire) $"{Step.name s.Step} lands at {Steps.landsAt s}"
        }

        test "wire names parse back to their steps" {
            for s in Steps.all do
                Expect.equal (Steps.tryParse (Step.name s)) (Some s) (Step.name s)

            Expect.equal (Steps.tryParse " Judge ") (Some Step.Judge) "trimmed and case-insensitive"
            Expect.isNone (Steps.tryParse "jury") "unknown"
        }

        testTask "sequential mode runs the steps one at a time in table order" {
            let events = ResizeArray()

            let deps = {
                ScriptedLlm.deps (ScriptedLlm.create (fun _ -> None)) events with
                    Mode = PipelineMode.Sequential
            }

            let request = {
                Query = "signing of the declaration"
                GenerateImage = false
                Continuity = None
            }

            let! (_: PipelineResult) = Pipeline.run deps request CancellationToken.None

            let started =
                events
                |> Seq.filter (fun e -> e.Status = StepStatus.Started)
                |> Seq.map (fun e -> e.Step)
                |> List.ofSeq

            Expect.equal
                started
                (Steps.all
                 |> List.filter (fun s ->
                     s <> Step.Image
                     && s <> Step.DialogRevision
                     && s <> TimepointFlash.Agents.Grounding.step))
                "table order"
        }
    ]

let private everyFailure = [
    GenerationFailure.Rejected("not a moment", Some "Rome, 44 BCE")
    GenerationFailure.Agent(
        Step.Scene,
        AgentError.InvalidOutput [
            {
                Path = "setting"
                Message = "is required"
            }
        ]
    )
    GenerationFailure.Agent(Step.Camera, AgentError.Provider(ProviderError.RateLimited("gemini", None)))
    GenerationFailure.Agent(Step.Camera, AgentError.Provider ProviderError.Cancelled)
    GenerationFailure.Provider(Step.Image, ProviderError.MissingKey "image")
    GenerationFailure.Storage(DbError.Unavailable "connection refused")
    GenerationFailure.Cancelled
    GenerationFailure.Interrupted "the source timepoint no longer exists"
]

/// Failures stay typed until stored or rendered; the stored kind is the case.
let failures =
    testList "Failures" [
        test "each failure is stored with the kind of its case" {
            Expect.equal
                (everyFailure |> List.map (GenerationFailure.kind >> FailureKind.name))
                [
                    "rejected"
                    "invalid_output"
                    "provider"
                    "cancelled"
                    "provider"
                    "storage"
                    "cancelled"
                    "interrupted"
                ]
                "kinds"
        }

        test "every kind's name parses back to it" {
            for k in FailureKind.all do
                Expect.equal (FailureKind.tryParse (FailureKind.name k)) (Some k) (FailureKind.name k)
        }

        test "the stored form keeps the step and, for a rejection, the suggestion" {
            let stored = everyFailure |> List.map GenerationFailure.toError

            Expect.equal
                (stored |> List.map (fun e -> e.Step))
                [
                    Some Step.Judge
                    Some Step.Scene
                    Some Step.Camera
                    Some Step.Camera
                    Some Step.Image
                    None
                    None
                    None
                ]
                "steps"

            Expect.equal stored[0].SuggestedQuery (Some "Rome, 44 BCE") "suggestion"
            Expect.isTrue (stored |> List.skip 1 |> List.forall (fun e -> e.SuggestedQuery.IsNone)) "only rejections"
            Expect.equal stored[5].Message "database unavailable: connection refused" "storage described"
        }
    ]
