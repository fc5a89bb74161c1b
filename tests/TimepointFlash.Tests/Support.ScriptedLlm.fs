/// A scripted text model for pipeline tests: answers each agent from fixtures unless a test overrides it.
module TimepointFlash.Tests.Support.ScriptedLlm

open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Tests.Support

/// The fixture answer for an agent's context.
let answer (ctx: AgentContext) =
    match ctx.Input with
    | :? JudgeInput -> JudgeResult.encode Fixtures.judge
    | :? TimelineInput -> TimelineData.encode Fixtures.timeline
    | :? SceneInput -> SceneData.encode Fixtures.scene
    | :? CharactersInput -> CharacterData.encode Fixtures.cast
    | :? MomentInput -> MomentData.encode Fixtures.moment
    | :? CameraInput -> CameraData.encode Fixtures.camera
    | :? GraphInput -> GraphData.encode Fixtures.graph
    | :? DialogInput -> DialogData.encode Fixtures.dialog
    | :? CritiqueInput -> CritiqueData.encode Fixtures.critique
    | :? Agents.GroundingInput ->
        GroundingData.encode {
            VerifiedDate = Some "15 March 44 BCE"
            VerifiedLocation = Some "Rome"
            Participants = []
            Facts = [ "A fixture fact" ]
            Sources = []
            Confidence = 0.5
        }
    | :? ImagePromptInput ->
        Encode.obj [
            "full_prompt", Encode.string "A refined prompt"
            "style", Encode.string "oil painting"
            "aspect_ratio", Encode.string "16:9"
        ]
    | _ -> failwith $"no fixture answer for step {Step.name ctx.Step}"
    |> Encode.toString

/// A response carrying text.
let respond text =
    Ok {
        Text = text
        Model = "scripted-model"
        Provider = "scripted"
        Usage = { Input = 10; Output = 20 }
        LatencyMs = 5L
        Search = None
    }

/// A model that answers from fixtures, letting `script` replace any answer.
let create (script: AgentCall -> Result<ChatResponse, ProviderError> option) : Llm =
    fun call _ ->
        match script call with
        | Some r -> Task.FromResult r
        | None -> Task.FromResult(respond (answer call.Context))

/// Deps with the given model, collecting events into a list.
let deps (llm: Llm) (events: ResizeArray<StepRecord>) = {
    Llm = llm
    DrawImage = None
    Emit =
        fun e ->
            lock events (fun () -> events.Add e)
            Task.CompletedTask
    Mode = PipelineMode.Dag
    ImagePromptMode = ImagePromptMode.Assembled
    // The optional grounding step is covered by the Grounding tests; the flow tests count the core steps.
    Off = Set.empty
    Grounding = GroundingMode.Off
    Search = SearchSupport.Searches("scripted", "scripted")
    Elapsed =
        fun () ->
            System.Diagnostics.Stopwatch.GetTimestamp()
            / System.TimeSpan.TicksPerMillisecond
    Now = fun () -> System.DateTimeOffset.UnixEpoch
    Today = fun () -> System.DateOnly(2026, 12, 1)
}

/// The step of an event.
let stepOf (e: StepRecord) = e.Step
