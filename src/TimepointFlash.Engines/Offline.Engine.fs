namespace TimepointFlash.Engines

open System.Diagnostics
open System.Text.Json.Nodes
open System.Threading.Tasks
open TimepointFlash
open TimepointFlash.Agents
open TimepointFlash.Engines.Offline

/// The offline engine as a text model and image drawer: answers each agent from its typed context with JSON that
/// goes through the same parse/validate path as a real model's answer.
[<RequireQualifiedAccess>]
module OfflineEngine =
    /// The model id the offline engine reports.
    let modelId = "timepoint-offline-2"

    let private anchor (c: Continuity option) : Anchor option =
        c
        |> Option.map (fun c ->
            let unitName = TimeUnit.name c.Unit
            let plural = if c.Units = 1 then unitName else unitName + "s"

            {
                Point = c.Target
                Location = c.Location
                Characters = c.Characters
                Setting = c.Setting
                PriorPlot = c.PriorPlot
                Direction = (if c.Direction = Direction.Next then "next" else "prior")
                Offset =
                    (if c.Direction = Direction.Next then
                         $"{c.Units} {plural} later"
                     else
                         $"{c.Units} {plural} earlier")
            })

    /// The answer for an agent's context, as JSON, chosen by the type of the step's input (a dialog revision is a
    /// dialog). A new step adds its input type here; the interactions answer as text (see `answerText`).
    let answer (context: AgentContext) : JsonNode =
        match context.Input with
        | :? JudgeInput as i -> Answers.judge i.Query |> JudgeResult.encode
        | :? TimelineInput as i -> Answers.timeline i.Query i.Judge (anchor i.Continuity) |> TimelineData.encode
        | :? SceneInput as i -> Answers.scene i.Query i.Timeline (anchor i.Continuity) |> SceneData.encode
        | :? CharactersInput as i ->
            Answers.characters i.Query i.Judge i.Timeline i.Scene (anchor i.Continuity)
            |> CharacterData.encode
        | :? MomentInput as i ->
            Answers.moment i.Query i.Timeline i.Scene i.Characters (anchor i.Continuity)
            |> MomentData.encode
        | :? CameraInput as i -> Answers.camera i.Scene i.Characters None |> CameraData.encode
        | :? GraphInput as i -> Answers.graph i.Characters None |> GraphData.encode
        | :? DialogInput as i -> Answers.dialog i.Query i.Timeline i.Scene i.Speakers |> DialogData.encode
        | :? CritiqueInput as i -> ReviewAnswer.answer i |> CritiqueData.encode
        | :? GroundingInput as i -> GroundAnswer.answer i |> GroundingData.encode
        | :? ImagePromptInput as i ->
            // A navigated scene keeps its source's place name; drop the parts that name a later thing.
            let place =
                Period.clean i.Timeline.Year i.Timeline.Location
                |> Option.defaultValue i.Timeline.Location

            ImagePrompt.assemble {
                i with
                    Timeline = { i.Timeline with Location = place }
            }
            |> ImagePromptData.encode
        | _ -> invalidArg (nameof context) $"the offline engine has no answer for step {Step.name context.Step}"

    /// The answer for an agent's context as the model's text: JSON for the pipeline's steps, speech in character
    /// for chat and survey (JSON when structure is asked for).
    let answerText (context: AgentContext) : string =
        match context.Input with
        | :? ChatInput as i -> TalkAnswer.chat i
        | :? ExtendInput as i -> TalkAnswer.extend i
        | :? SurveyInput as i -> TalkAnswer.survey i
        | :? SummaryInput as i -> TalkAnswer.summary i
        | _ -> Encode.toString (answer context)

    /// Rough token count of a text (four characters a token).
    let private tokens (s: string) = (s.Length + 3) / 4

    /// The offline text model.
    let llm: Llm =
        fun call _ ->
            let clock = Stopwatch.StartNew()
            let text = answerText call.Context

            Task.FromResult(
                Ok {
                    Text = text
                    Model = modelId
                    Provider = "offline"
                    Usage = {
                        Input = tokens call.Chat.System + tokens call.Chat.User
                        Output = tokens text
                    }
                    LatencyMs = clock.ElapsedMilliseconds
                    Search = None
                }
            )

    /// The offline text model streaming its answer word by word (each chunk a word with the space before it).
    let stream: StreamLlm =
        fun call onText ct -> task {
            match! llm call ct with
            | Error e -> return Error e
            | Ok r ->
                let parts = System.Text.RegularExpressions.Regex.Split(r.Text, @"(?<=\S)(?=\s)")

                for part in parts do
                    ct.ThrowIfCancellationRequested()

                    if part <> "" then
                        do! onText part

                return Ok r
        }

    let private card title (point: TemporalPoint option) (location: string) era tod (cast: Character list) =
        let year = point |> Option.map (fun p -> p.Year) |> Option.defaultValue 1

        SceneCard.sceneCard {
            Title = title
            DateLine = point |> Option.map Temporal.formatLong |> Option.defaultValue ""
            Location = location
            Year = year
            Era = era
            Region = None
            TimeOfDay = tod
            Characters = cast |> List.map (fun c -> c.Name, c.Role)
        }

    /// The scene card of a stored timepoint.
    let sceneCard (t: Timepoint) =
        card
            t.Query
            t.Point
            (t.Location |> Option.defaultValue "")
            (t.Point |> Option.bind (fun p -> p.Era))
            (t.Point |> Option.bind (fun p -> p.TimeOfDay))
            (t.Characters |> Option.map (fun c -> c.Characters) |> Option.defaultValue [])

    /// The offline image: the composed scene card.
    let draw: DrawImage =
        fun call _ ->
            let clock = Stopwatch.StartNew()
            let s = call.Scene
            let t = s.Timeline

            let point =
                Some {
                    Year = t.Year
                    Month = t.Month
                    Day = t.Day
                    Hour = t.Hour
                    Minute = t.Minute
                    Second = None
                    Season = t.Season
                    TimeOfDay = t.TimeOfDay
                    Era = t.Era
                    Hemisphere = None
                    Calendar = Calendar.Historical
                }

            let bytes, mime =
                card s.Query point t.Location t.Era t.TimeOfDay s.Characters.Characters

            Task.FromResult(
                Ok {
                    Bytes = bytes
                    MimeType = mime
                    Model = modelId
                    Provider = "offline"
                    LatencyMs = clock.ElapsedMilliseconds
                }
            )
