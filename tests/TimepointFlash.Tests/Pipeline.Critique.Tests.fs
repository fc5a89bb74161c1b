/// The critique step: a review after the dialog that sends the dialog back once when it finds a critical issue.
module TimepointFlash.Tests.PipelineCritique

open System
open System.Net
open System.Threading
open Expecto
open FsCheck
open FsCheck.FSharp
open TimepointFlash
open TimepointFlash.Engines
open TimepointFlash.Engines.Offline
open TimepointFlash.Tests.Support
open TimepointFlash.Tests.Support.ApiHost
open TimepointFlash.Tests.Support.FakeServers
open TimepointFlash.Tests.Support.ProviderShapes

let private instructions =
    "Drop the joke about the king's spectacles; it was told years later."

/// A critical review as a model might write it (note the untidy severity).
let private criticalJson =
    """{"issues":[{"severity":"Critical ","category":"Anachronism","field":"dialog[0]","quote":"There, the king may read that without his spectacles.","description":"The quip is a later legend."}],"has_critical":true,"revision_instructions":"""
    + Text.Json.JsonSerializer.Serialize instructions
    + "}"

let private revisedDialog = {
    Fixtures.dialog with
        Lines = [
            {
                Fixtures.dialog.Lines.Head with
                    Text = "Let the record show we sign as one."
            }
        ]
}

let private request q = {
    Query = q
    GenerateImage = false
    Continuity = None
}

let private isStep (step: Step) (call: AgentCall) = call.Chat.Step = Step.name step

let private started (events: ResizeArray<StepRecord>) =
    events
    |> Seq.filter (fun e -> e.Status = StepStatus.Started)
    |> Seq.map (fun e -> e.Step)
    |> List.ofSeq

let private pipelineTests =
    testList "pipeline" [
        testTask "a critical critique sends the dialog back once with the instructions, and the revision replaces it" {
            let dialogPrompts = ResizeArray<string>()

            let llm =
                ScriptedLlm.create (fun c ->
                    if isStep Step.Critique c then
                        Some(ScriptedLlm.respond criticalJson)
                    elif isStep Step.DialogRevision c then
                        dialogPrompts.Add c.Chat.User
                        Some(ScriptedLlm.respond (Encode.toString (DialogData.encode revisedDialog)))
                    elif isStep Step.Dialog c then
                        dialogPrompts.Add c.Chat.User
                        None
                    else
                        None)

            let events = ResizeArray()

            let! (r: PipelineResult) =
                Pipeline.run (ScriptedLlm.deps llm events) (request "signing of the declaration") CancellationToken.None

            Expect.equal (PipelineResult.status r) TimepointStatus.Completed "completed"
            Expect.equal dialogPrompts.Count 2 "dialog ran twice: first draft and one revision"
            Expect.isFalse (dialogPrompts[0].Contains instructions) "the first draft has no instructions"
            Expect.stringContains dialogPrompts[1] instructions "the revision carries the instructions"
            Expect.equal r.Dialog (Some revisedDialog) "the revision replaces the first dialog"
            let critique = r.Critique.Value
            Expect.isTrue critique.HasCritical "critical"
            Expect.isTrue critique.Revised "marked revised"
            Expect.equal critique.Issues.Head.Severity Severity.Critical "\"Critical \" read leniently"
            Expect.equal critique.Issues.Head.Category IssueCategory.Anachronism "\"Anachronism\" read leniently"

            Expect.equal
                (started events |> List.filter (fun s -> s = Step.DialogRevision))
                [ Step.DialogRevision ]
                "one revision step"
        }

        testTask "a critique without critical issues leaves the dialog as written" {
            let events = ResizeArray()

            let! (r: PipelineResult) =
                Pipeline.run
                    (ScriptedLlm.deps (ScriptedLlm.create (fun _ -> None)) events)
                    (request "signing of the declaration")
                    CancellationToken.None

            Expect.equal r.Critique (Some Fixtures.critique) "the critique is kept"
            Expect.equal r.Dialog (Some Fixtures.dialog) "dialog unchanged"
            Expect.isFalse (started events |> List.contains Step.DialogRevision) "no revision"
        }

        testTask "a checker finding in the dialog is a critical anachronism, and the revision prompt names the term" {
            let revisionPrompts = ResizeArray<string>()

            let telephoned = {
                Fixtures.dialog with
                    Lines = [
                        {
                            Fixtures.dialog.Lines.Head with
                                Text = "Send word to New York by telephone tonight."
                        }
                    ]
            }

            let llm =
                ScriptedLlm.create (fun c ->
                    if isStep Step.Dialog c then
                        Some(ScriptedLlm.respond (Encode.toString (DialogData.encode telephoned)))
                    elif isStep Step.DialogRevision c then
                        revisionPrompts.Add c.Chat.User
                        Some(ScriptedLlm.respond (Encode.toString (DialogData.encode revisedDialog)))
                    else
                        None)

            let! (r: PipelineResult) =
                Pipeline.run
                    (ScriptedLlm.deps llm (ResizeArray()))
                    (request "signing of the declaration")
                    CancellationToken.None

            let critique = r.Critique.Value

            Expect.equal
                (critique.Issues
                 |> List.filter (fun i -> i.Category = IssueCategory.Anachronism)
                 |> List.map (fun i -> i.Severity, i.Field, i.Quote))
                [ Severity.Critical, "dialog.lines[0].text", Some "telephone" ]
                "the checker's finding, critical in dialog"

            Expect.isTrue critique.HasCritical "critical"
            Expect.isTrue critique.Revised "the dialog was revised"
            Expect.equal revisionPrompts.Count 1 "one revision"
            Expect.stringContains revisionPrompts[0] "replace \"telephone\" (telephone, from 1876 CE)" "names the term"
            Expect.equal r.Dialog (Some revisedDialog) "the revision replaces the dialog"
        }

        testTask "a checker finding in the setting is a major anachronism listed in the prompt, and nothing is revised" {
            let critiquePrompts = ResizeArray<string>()
            let events = ResizeArray()

            let llm =
                ScriptedLlm.create (fun c ->
                    if isStep Step.Scene c then
                        let scene = {
                            Fixtures.scene with
                                Setting = "The Assembly Room, a telephone on the clerk's desk"
                        }

                        Some(ScriptedLlm.respond (Encode.toString (SceneData.encode scene)))
                    elif isStep Step.Critique c then
                        critiquePrompts.Add c.Chat.User
                        None
                    else
                        None)

            let! (r: PipelineResult) =
                Pipeline.run (ScriptedLlm.deps llm events) (request "signing of the declaration") CancellationToken.None

            let critique = r.Critique.Value

            Expect.equal
                (critique.Issues
                 |> List.filter (fun i -> i.Category = IssueCategory.Anachronism)
                 |> List.map (fun i -> i.Severity, i.Field, i.Quote))
                [ Severity.Major, "scene.setting", Some "telephone" ]
                "the checker's finding, major outside dialog"

            Expect.stringContains
                critiquePrompts[0]
                "telephone (from 1876 CE) in scene.setting: \"telephone\""
                "the prompt lists the finding"

            Expect.isFalse critique.HasCritical "not critical"
            Expect.isNone critique.RevisionInstructions "no instructions"
            Expect.isFalse (started events |> List.contains Step.DialogRevision) "no revision"
            Expect.equal r.Dialog (Some Fixtures.dialog) "dialog unchanged"
        }

        testTask "a failed critique is recorded and the scene still completes" {
            let llm =
                ScriptedLlm.create (fun c ->
                    if isStep Step.Critique c then
                        Some(Error(ProviderError.Unavailable("gemini", Some 503, "overloaded")))
                    else
                        None)

            let events = ResizeArray()

            let! (r: PipelineResult) =
                Pipeline.run (ScriptedLlm.deps llm events) (request "signing of the declaration") CancellationToken.None

            Expect.equal (PipelineResult.status r) TimepointStatus.Completed "completed"
            Expect.isNone r.Critique "no critique"
            Expect.isSome r.ImagePrompt "the steps after it ran"

            Expect.exists
                events
                (fun e ->
                    e.Status = StepStatus.Failed
                    && e.Step = Step.Critique
                    && (e.Error |> Option.map (fun x -> x.Kind, x.Step)) = Some(
                        FailureKind.Provider,
                        Some Step.Critique
                    ))
                "the failure is recorded as a typed step record"
        }

        testTask "with the critique switched off no review is asked for" {
            let events = ResizeArray()

            let deps = {
                ScriptedLlm.deps (ScriptedLlm.create (fun _ -> None)) events with
                    Off = Set.ofList [ Step.Critique ]
            }

            let! (r: PipelineResult) = Pipeline.run deps (request "signing of the declaration") CancellationToken.None
            Expect.equal (PipelineResult.status r) TimepointStatus.Completed "completed"
            Expect.isNone r.Critique "no critique"
            Expect.isFalse (started events |> List.contains Step.Critique) "never started"
        }
    ]

let private input (dialog: DialogData) (extra: Character list) = {
    Query = "signing of the declaration"
    Timeline = Fixtures.timeline
    Scene = Fixtures.scene
    Characters = {
        Fixtures.cast with
            Characters = Fixtures.cast.Characters @ extra
    }
    Dialog = dialog
    Findings = []
}

let private line speaker text = {
    Fixtures.dialog.Lines.Head with
        Speaker = speaker
        Text = text
}

let private offlineTests =
    testList "offline" [
        test "a line spoken by someone not in the cast is a critical issue naming the line" {
            let d = {
                Fixtures.dialog with
                    Lines = Fixtures.dialog.Lines @ [ line "Napoleon Bonaparte" "Onward!" ]
            }

            let c = ReviewAnswer.answer (input d [])
            Expect.isTrue c.HasCritical "critical"
            let i = c.Issues |> List.exactlyOne
            Expect.equal i.Field "dialog[2]" "the line"
            Expect.equal i.Category IssueCategory.Fact "fact"
            Expect.stringContains (c.RevisionInstructions |> Option.defaultValue "") "Napoleon Bonaparte" "instructions"
        }

        test "a curated figure outside their lifetime is a critical issue" {
            let caesar = Fixtures.character "Julius Caesar" CharacterRole.Secondary false
            let c = ReviewAnswer.answer (input Fixtures.dialog [ caesar ])
            let i = c.Issues |> List.exactlyOne
            Expect.equal (i.Severity, i.Field) (Severity.Critical, "characters[4]") "Caesar, long dead in 1776"
            Expect.stringContains i.Description "99 BCE" "born about 99 BCE"
        }

        test "an object of a later era's profile in the dialog is an anachronism" {
            let d = {
                Fixtures.dialog with
                    Lines = [ line "John Hancock" "Bring the telephones to the hall." ]
            }

            let c = ReviewAnswer.answer (input d [])
            let i = c.Issues |> List.exactlyOne
            Expect.equal (i.Category, i.Severity) (IssueCategory.Anachronism, Severity.Major) "major anachronism"
            Expect.stringContains i.Description "20th Century" "names the era"
            Expect.isFalse c.HasCritical "not critical"
        }

        test
            "the checker's findings are issues: critical in dialog with an instruction naming the term, major elsewhere" {
            let findings =
                Anachronisms.scanField "dialog.lines[0].text" 1776 "Fetch the telephone."
                @ Anachronisms.scanField "scene.setting" 1776 "Gaslight and a typewriter on the desk."

            let c =
                ReviewAnswer.answer {
                    input Fixtures.dialog [] with
                        Findings = findings
                }

            Expect.equal
                (c.Issues |> List.map (fun i -> i.Severity, i.Category, i.Field, i.Quote))
                [
                    Severity.Critical, IssueCategory.Anachronism, "dialog.lines[0].text", Some "telephone"
                    Severity.Major, IssueCategory.Anachronism, "scene.setting", Some "Gaslight"
                    Severity.Major, IssueCategory.Anachronism, "scene.setting", Some "typewriter"
                ]
                "one issue per finding"

            Expect.isTrue c.HasCritical "critical"
            let instructions = c.RevisionInstructions |> Option.defaultValue ""
            Expect.stringContains instructions "\"telephone\"" "names the dialog's term"
            Expect.isFalse (instructions.Contains "typewriter") "the setting is not the dialog writer's to fix"
        }

        testTask "the engine's own curated moments pass without critical issues" {
            for m in Knowledge.embedded().Moments do
                let deps = {
                    ScriptedLlm.deps OfflineEngine.llm (ResizeArray()) with
                        Mode = PipelineMode.Sequential
                }

                let! (r: PipelineResult) = Pipeline.run deps (request m.Title) CancellationToken.None
                Expect.equal (PipelineResult.status r) TimepointStatus.Completed $"{m.Key} completed"
                let c = r.Critique.Value
                Expect.isFalse c.HasCritical $"{m.Key}: {c.Issues}"
        }
    ]

/// Findings drawn from lexicon spellings placed in dialog or elsewhere, in years before them.
type Placed = Placed of Finding list

type FindingGenerators =
    static member Placed() =
        let fields = [
            "dialog.lines[0].text"
            "dialog.lines[3].action"
            "scene.setting"
            "camera.focal_point"
        ]

        let spellings = [ "telephone", 1876; "typewriter", 1870; "radio", 1895; "Gaslight", 1792 ]

        gen {
            let! picks = Gen.listOf (Gen.zip (Gen.elements fields) (Gen.elements spellings))

            return
                picks
                |> List.collect (fun (field, (word, year)) -> Anachronisms.scanField field (year - 1) word)
                |> Placed
        }
        |> Arb.fromGen

let private findingsConfig = {
    FsCheckConfig.defaultConfig with
        arbitrary = [ typeof<FindingGenerators> ]
}

/// Property: adding the same findings twice changes nothing.
let addingFindingsIsIdempotent (Placed findings) =
    let once = CritiqueFindings.apply findings Fixtures.critique
    CritiqueFindings.apply findings once = once

/// Property: every finding is an issue, critical exactly when in dialog lines, and has_critical follows the issues.
let findingsAreIssuesBySeverity (Placed findings) =
    let c = CritiqueFindings.apply findings Fixtures.critique

    findings
    |> List.forall (fun f ->
        c.Issues
        |> List.exists (fun i ->
            i.Quote = Some f.Matched
            && i.Field = f.Field
            && (i.Severity = Severity.Critical) = f.Field.StartsWith "dialog.lines"))
    && c.HasCritical = (c.Issues |> List.exists (fun i -> i.Severity = Severity.Critical))

let private findingsTests =
    testList "findings" [
        testPropertyWithConfig
            findingsConfig
            "adding the same findings twice changes nothing"
            addingFindingsIsIdempotent
        testPropertyWithConfig
            findingsConfig
            "every finding is an issue, critical exactly in dialog lines"
            findingsAreIssuesBySeverity
        test "a dialog finding's instruction joins the model's own instructions" {
            let c =
                CritiqueFindings.apply (Anachronisms.scanField "dialog.lines[1].text" 1776 "By telephone.") {
                    Fixtures.critique with
                        RevisionInstructions = Some "Shorten the second line."
                }

            Expect.equal
                c.RevisionInstructions
                (Some
                    "Shorten the second line. In dialog.lines[1].text, replace \"telephone\" (telephone, from 1876 CE) with something of the scene's own time.")
                "both"
        }
    ]

/// Sequential mode makes one request per step in table order, so replies can be scripted as a queue.
let private wireTests =
    testList "wire" [
        testTask
            "through an OpenAI-compatible server, a critical critique re-runs the dialog once with the instructions" {
            let text (node: Text.Json.Nodes.JsonNode) =
                Reply.ok (OpenAiShapes.text (Encode.toString node))

            let replies = [
                text (JudgeResult.encode Fixtures.judge)
                text (TimelineData.encode Fixtures.timeline)
                text (SceneData.encode Fixtures.scene)
                text (CharacterData.encode Fixtures.cast)
                text (MomentData.encode Fixtures.moment)
                text (CameraData.encode Fixtures.camera)
                text (GraphData.encode Fixtures.graph)
                text (DialogData.encode Fixtures.dialog)
                Reply.ok (OpenAiShapes.text criticalJson)
                text (DialogData.encode revisedDialog)
            ]

            let! (fake: FakeServer) = FakeServer.start replies
            // The fake validates every request the way OpenAI's API would.
            fake.Imitate SpecRules.Api.OpenAi

            try
                let! api =
                    startWith
                        [
                            "OPENAI_API_KEY", "fake-key"
                            "OPENAI_BASE_URL", fake.BaseUrl
                            "PRIMARY_PROVIDER", "openai"
                            "FALLBACK_PROVIDER", "none"
                            "PIPELINE_MODE", "sequential"
                            "GROUNDING", "off"
                            "LLM_MAX_RETRIES", "0"
                        ]
                        None

                try
                    let! (resp: Net.Http.HttpResponseMessage) =
                        postJson
                            api.Client
                            "/api/v1/timepoints/generate/sync"
                            """{"query": "signing of the declaration"}"""

                    Expect.equal resp.StatusCode HttpStatusCode.OK "200"
                    let! t = body resp
                    let error = str t "error"
                    Expect.equal (str t "status") "completed" $"completed: {error}"

                    let chats =
                        fake.Requests |> List.filter (fun r -> r.Path.EndsWith "/chat/completions")

                    let schemaOf (r: Recorded) =
                        let root = Text.Json.Nodes.JsonNode.Parse(r.Body)
                        let name = root.["response_format"].["json_schema"].["name"]
                        name.ToString()

                    Expect.equal
                        (chats |> List.map schemaOf)
                        [
                            "judge"
                            "timeline"
                            "scene"
                            "characters"
                            "moment"
                            "camera"
                            "graph"
                            "dialog"
                            "critique"
                            "dialog_revision"
                        ]
                        "one request per step, the dialog re-run once after the critique"

                    Expect.isEmpty fake.Violations "every request is one the real API accepts"

                    let revision = chats |> List.last

                    let sentUser =
                        let root = Text.Json.Nodes.JsonNode.Parse(revision.Body)
                        let last = root.["messages"].AsArray() |> Seq.last
                        last.["content"].ToString()

                    Expect.stringContains sentUser instructions "the instructions are in the prompt"
                    let critique = t["metadata"]["critique"]
                    Expect.equal (critique["has_critical"].GetValue<bool>()) true "stored critique"
                    Expect.equal (critique["revised"].GetValue<bool>()) true "marked revised"

                    Expect.equal
                        (str (t["dialog"][0]) "text")
                        "Let the record show we sign as one."
                        "the revised dialog is the scene's"
                finally
                    (api :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
            finally
                (fake :> IAsyncDisposable).DisposeAsync().AsTask().Wait()
        }
    ]

let tests =
    testList "Critique" [ pipelineTests; offlineTests; findingsTests; wireTests ]
