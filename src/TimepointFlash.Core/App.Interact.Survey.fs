namespace TimepointFlash

open System
open System.Threading
open System.Threading.Tasks
open FsToolkit.ErrorHandling
open TimepointFlash.Agents

/// The same questions to several characters, at once or chained, with a summary per question.
[<RequireQualifiedAccess>]
module SurveyService =
    /// Checks a survey request, then runs it (each answer, failure and the summary to the callback).
    let prepare
        (env: InteractEnv)
        (id: Guid)
        (ask: SurveyAsk)
        : Task<Result<Prepared<SurveyEvent, SurveyResult>, InteractError>> =
        task {
            match! Interact.cast env id ask.Characters with
            | Error e -> return Error e
            | Ok(_, env, people) ->
                let structured = Interact.structured ask.Format
                let total = people.Length * ask.Questions.Length

                let run (onEvent: SurveyEvent -> Task) (ct: CancellationToken) = task {
                    let started = env.Elapsed()
                    let gate = new SemaphoreSlim(1, 1)
                    let mutable completed = 0
                    let answers = Collections.Generic.List<int * SurveyAnswer>()

                    // Events are sent one at a time, whatever order the calls finish in.
                    let report
                        (order: int)
                        (p: Persona)
                        (q: string)
                        (result: Result<AgentOutcome<SurveyReply>, AgentError>)
                        =
                        task {
                            do! gate.WaitAsync ct

                            try
                                completed <- completed + 1
                                let progress = completed * 100 / max 1 total

                                match result with
                                | Ok o ->
                                    let a = {
                                        CharacterName = p.Character.Name
                                        Question = q
                                        Reply = o.Output
                                    }

                                    answers.Add((order, a))
                                    do! onEvent (SurveyEvent.Answered(a, progress))
                                | Error e -> do! onEvent (SurveyEvent.Failed(p.Character.Name, q, e, progress))
                            finally
                                gate.Release() |> ignore
                        }

                    let ask1 (p: Persona) (q: string) earlier =
                        Interaction.run
                            env.Llm
                            Survey.agent
                            {
                                Persona = p
                                Question = q
                                Earlier = earlier
                                Structured = structured
                            }
                            ct

                    let indexed = [
                        for pi, p in List.indexed people do
                            for qi, q in List.indexed ask.Questions do
                                // Answers are listed by character, then question.
                                yield pi * ask.Questions.Length + qi, p, q
                    ]

                    match ask.Mode with
                    | SurveyMode.Parallel ->
                        let! _ =
                            indexed
                            |> List.map (fun (order, p, q) -> task {
                                let! r = ask1 p q []
                                do! report order p q r
                            })
                            |> Task.WhenAll

                        ()
                    | SurveyMode.Sequential ->
                        for qi, q in List.indexed ask.Questions do
                            let mutable earlier = []

                            for pi, p in List.indexed people do
                                let! r = ask1 p q (if ask.ChainPrompts then List.rev earlier else [])
                                do! report (pi * ask.Questions.Length + qi) p q r

                                match r with
                                | Ok o -> earlier <- (p.Character.Name, o.Output.Response) :: earlier
                                | Error _ -> ()

                    let ordered = answers |> Seq.sortBy fst |> Seq.map snd |> List.ofSeq

                    let! summary = task {
                        if not ask.IncludeSummary || ordered.IsEmpty then
                            return None
                        else
                            let first = people.Head
                            let blocks = Collections.Generic.List<string>()

                            for q in ask.Questions do
                                let said =
                                    ordered
                                    |> List.filter (fun a -> a.Question = q)
                                    |> List.map (fun a -> a.CharacterName, a.Reply.Response)

                                if not said.IsEmpty then
                                    let input = {
                                        Question = q
                                        Answers = said
                                        DateLine = first.DateLine
                                        Place = first.Place
                                    }

                                    match! Interaction.run env.Llm Survey.summary input ct with
                                    | Ok o -> blocks.Add $"Q: {q}\n{o.Output}"
                                    | Error _ -> ()

                            if blocks.Count = 0 then
                                return None
                            else
                                let text = String.Join("\n\n", blocks)
                                do! onEvent (SurveyEvent.Summary text)
                                return Some text
                    }

                    return
                        Ok {
                            TimepointId = id
                            Questions = ask.Questions
                            Answers = ordered
                            Summary = summary
                            Mode = ask.Mode
                            TotalCharacters = people.Length
                            LatencyMs = env.Elapsed() - started
                        }
                }

                return Ok { Run = run }
        }

/// The interactions over their environment: the one record the API, CLI, facade and MCP tools call.
[<RequireQualifiedAccess>]
module InteractionServices =
    /// Builds the interactions record.
    let create (env: InteractEnv) : Interactions = {
        Cast =
            fun id -> task {
                let! r = Interact.scene env.Store id
                return r |> Result.map snd
            }
        Chat = ChatService.prepare env
        Dialog = DialogService.prepare env
        Survey = SurveyService.prepare env
        Sessions = env.Sessions.List
        Session = env.Sessions.Get
        DeleteSession = env.Sessions.Delete
    }

    /// Runs a prepared interaction without watching its events.
    let run (prepared: Prepared<'E, 'R>) ct =
        prepared.Run (fun _ -> Task.CompletedTask) ct
